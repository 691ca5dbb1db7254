"""Fixtures shared by the whole suite.

The world built here is small and explicit: a city with one district holding two sibling
township units A and B, a cadre in each, an HR officer responsible for A only, a trainer and an
administrator. Tests about scope use it to prove that nothing of B reaches A's HR officer.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings

from tests import factories


def pytest_configure(config):
    # Hashing real passwords costs ~100 ms each; tests need logins, not key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    city: object
    district: object
    unit_a: object
    unit_b: object
    position: object
    cadre_a: object
    cadre_b: object
    hr_a: object
    trainer: object
    admin: object

    def user(self, role: str):
        return {
            "anonymous": None,
            "cadre_a": self.cadre_a.user,
            "cadre_b": self.cadre_b.user,
            "hr_a": self.hr_a,
            "trainer": self.trainer,
            "admin": self.admin,
        }[role]


# Unique strings that identify B's cadre; no response to A's HR officer may contain them.
B_MARKERS = ("乙单位专属干部", "EMP-B-0001")


@pytest.fixture
def framework(db):
    from competencies.framework_io import load_bundled_framework

    load_bundled_framework()


@pytest.fixture
def world(db, framework) -> World:
    from people.models import AdminLevel, Position, UnitKind

    city = factories.unit(None, "T500000", "测试市", AdminLevel.CITY, UnitKind.MUNICIPALITY)
    district = factories.unit(city, "T500108", "测试区", AdminLevel.DISTRICT, UnitKind.DISTRICT)
    unit_a = factories.unit(district, "T500108001", "甲街道", AdminLevel.TOWNSHIP, UnitKind.STREET)
    unit_b = factories.unit(district, "T500108002", "乙街道", AdminLevel.TOWNSHIP, UnitKind.STREET)
    position = Position.objects.get(code="TS-DATA-OFFICER")
    cadre_a = factories.cadre(unit_a, position, "EMP-A-0001", "甲单位干部")
    cadre_b = factories.cadre(unit_b, position, *reversed(B_MARKERS))
    hr_a = factories.hr_user("hr_a", unit_a)
    return World(
        city=city,
        district=district,
        unit_a=unit_a,
        unit_b=unit_b,
        position=position,
        cadre_a=cadre_a,
        cadre_b=cadre_b,
        hr_a=hr_a,
        trainer=factories.trainer_user("trainer_t"),
        admin=factories.admin_user("admin_t"),
    )
