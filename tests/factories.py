"""Small builders for test data (explicit beats magic: each takes what it needs)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from people.models import AgeBand, Cadre, OrgUnit, Position, Rank
from people.roles import Role, group_for
from people.services import grant_scope

PASSWORD = "test-password-1"


def unit(parent: OrgUnit | None, code: str, name: str, level: str, kind: str) -> OrgUnit:
    fields = {
        "code": code,
        "name_zh": name,
        "name_en": f"{name} (en)",
        "level": level,
        "kind": kind,
    }
    if parent is None:
        return OrgUnit.add_root(**fields)
    return OrgUnit.objects.get(pk=parent.pk).add_child(**fields)


def user(username: str, **extra):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def cadre(
    unit: OrgUnit,
    position: Position,
    employee_no: str,
    name: str,
    *,
    rank: str = Rank.CLERK,
    age_band: str = AgeBand.FROM_30,
) -> Cadre:
    return Cadre.objects.create(
        user=user(employee_no.lower()),
        employee_no=employee_no,
        display_name=name,
        unit=unit,
        position=position,
        rank=rank,
        age_band=age_band,
        joined_on=date(2020, 1, 1),
    )


def hr_user(username: str, *units: OrgUnit):
    u = user(username)
    u.groups.add(group_for(Role.HR))
    for unit_ in units:
        grant_scope(u, unit_)
    return u


def trainer_user(username: str):
    u = user(username, is_staff=True)
    u.groups.add(group_for(Role.TRAINER))
    return u


def admin_user(username: str):
    return user(username, is_staff=True, is_superuser=True)
