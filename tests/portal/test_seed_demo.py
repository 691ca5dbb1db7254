"""seed_demo: idempotent (a second run adds nothing) and deterministic (the same seed gives the
same people in the same units)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from competencies.models import Evidence, Framework
from people.demo import seed_cadres, seed_organisation
from people.models import Cadre, OrgUnit, ScopeGrant

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "cadres": Cadre.objects.count(),
        "units": OrgUnit.objects.count(),
        "grants": ScopeGrant.objects.count(),
        "evidence": Evidence.objects.count(),
        "frameworks": Framework.objects.count(),
    }


def _people() -> list[tuple]:
    return list(
        Cadre.objects.filter(employee_no__startswith="CQ")
        .order_by("employee_no")
        .values_list(
            "employee_no", "display_name", "unit__code", "position__code", "rank", "age_band"
        )
    )


def test_seed_demo_twice_gives_the_same_data(db, capsys):
    call_command("seed_demo", "--cadres", "50")
    first = _counts()
    people = _people()
    assert first["cadres"] == 50 + 2  # the generated ones and the demo cadre + HR officer
    assert first["evidence"] > 50 * 24
    output = capsys.readouterr().out
    for login in ("admin", "trainer", "hr_city", "hr_nanan", "cadre"):
        assert login in output

    call_command("seed_demo", "--cadres", "50")

    assert _counts() == first
    assert _people() == people


def _reseed(count: int, seed: int) -> list[tuple]:
    Cadre.objects.filter(employee_no__startswith="CQ").delete()
    get_user_model().objects.filter(username__startswith="CQ").delete()
    seed_cadres(count, seed)
    return _people()


def test_the_same_seed_gives_the_same_people(framework):
    seed_organisation()
    first = _reseed(40, 7)
    assert len(first) == 40

    assert _reseed(40, 7) == first

    other = _reseed(40, 8)
    assert [p[0] for p in other] == [p[0] for p in first]  # same numbers…
    assert [p[1:3] for p in other] != [p[1:3] for p in first]  # …other names and units


def test_a_larger_count_only_adds_the_missing_cadres(db):
    call_command("seed_demo", "--cadres", "20")
    twenty = _people()
    call_command("seed_demo", "--cadres", "30")
    thirty = _people()
    assert thirty[:20] == twenty and len(thirty) == 30


def test_demo_roles_see_what_they_should(db):
    from people.scope import scope_for

    call_command("seed_demo", "--cadres", "60")
    users = get_user_model().objects
    assert scope_for(users.get(username="admin")).everything
    nanan = scope_for(users.get(username="hr_nanan"))
    assert nanan.cadres().exists()
    assert all(c.unit.code.startswith("500108") for c in nanan.cadres().select_related("unit"))
    assert scope_for(users.get(username="cadre")).cadres().count() == 1
