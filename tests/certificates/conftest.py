"""Fixtures for the certificates tests: the default template and rules, and issued certificates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import translation

from certificates.demo import default_rules, default_template
from certificates.models import AchievementKind, Certificate
from certificates.services import Achievement, issue_for


@pytest.fixture(autouse=True)
def _fresh_cache_storage_and_language(settings, tmp_path):
    """Rate-limit counters start at zero; issued files go to a per-test directory; pages and
    reverse() start in Chinese, whatever language an earlier request left active."""
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    settings.CERTIFICATES_PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def template(db):
    return default_template()


@pytest.fixture
def rules(template):
    course_rule, level_rule = default_rules(template)
    return course_rule, level_rule


def level_achievement(cadre, level: int = 3, code: str = "D2.3") -> Achievement:
    return Achievement(
        cadre_id=cadre.pk,
        kind=AchievementKind.COMPETENCY_LEVEL,
        reference=code,
        title_zh=f"{code} 数据分析与解读",
        title_en=f"{code} Data analysis",
        level=level,
    )


def course_achievement(cadre, course_id: int = 7, hours: str = "8") -> Achievement:
    return Achievement(
        cadre_id=cadre.pk,
        kind=AchievementKind.COURSE,
        reference=str(course_id),
        title_zh="公共数据开放与安全",
        title_en="Open public data and security",
        credit_hours=Decimal(hours),
    )


@pytest.fixture
def certificate_a(world, rules) -> Certificate:
    """A competency-level certificate of unit A's cadre (PDF rendered in-process)."""
    (certificate,) = issue_for(level_achievement(world.cadre_a))
    return certificate


@pytest.fixture
def certificate_b(world, rules) -> Certificate:
    (certificate,) = issue_for(level_achievement(world.cadre_b))
    return certificate
