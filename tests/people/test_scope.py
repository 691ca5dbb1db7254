"""The data scope (people.scope): who may see whom, through the selectors every view uses."""

from __future__ import annotations

import pytest

from competencies.models import Evidence
from competencies.selectors import visible_evidence
from competencies.services import Observation, record_evidence
from people.models import AdminLevel, Cadre, UnitKind
from people.roles import Role, group_for
from people.scope import scope_for
from people.selectors import scope_roots, visible_cadres, visible_units
from people.services import grant_scope
from tests import factories

pytestmark = pytest.mark.django_db


def _nos(cadres) -> set[str]:
    return set(cadres.values_list("employee_no", flat=True))


def test_hr_of_a_cannot_see_bs_cadre(world):
    seen = _nos(visible_cadres(world.hr_a))
    assert world.cadre_a.employee_no in seen
    assert world.cadre_b.employee_no not in seen
    assert not scope_for(world.hr_a).covers_cadre(world.cadre_b)
    assert not visible_cadres(world.hr_a, unit=world.unit_b).exists()
    assert set(visible_units(world.hr_a)) == {world.unit_a}


def test_hr_of_a_cannot_see_bs_evidence(world):
    for cadre in (world.cadre_a, world.cadre_b):
        record_evidence(
            [Observation(cadre.pk, "D1.1", value=3)], source_kind="rating", source_ref="t"
        )
    rows = visible_evidence(world.hr_a)
    assert set(rows.values_list("cadre_id", flat=True)) == {world.cadre_a.pk}
    assert Evidence.objects.count() == 2


def test_a_grant_covers_everything_below_the_unit(world):
    sub = factories.unit(
        world.unit_a,
        "T500108001-DC",
        "甲街道数字中心",
        AdminLevel.TOWNSHIP,
        UnitKind.DIGITAL_CENTRE,
    )
    deep = factories.cadre(sub, world.position, "EMP-A-DEEP", "甲中心干部")
    district_hr = factories.hr_user("hr_district", world.district)

    assert deep.employee_no in _nos(visible_cadres(world.hr_a))
    assert {world.cadre_a.employee_no, world.cadre_b.employee_no, deep.employee_no} <= _nos(
        visible_cadres(district_hr)
    )


def test_nested_and_overlapping_grants_count_once(world):
    hr = factories.hr_user("hr_nested", world.district, world.unit_a, world.unit_b)
    scope = scope_for(hr)
    assert scope.unit_paths == (world.district.path,)
    assert list(scope_roots(hr)) == [world.district]
    assert visible_cadres(hr).count() == len(_nos(visible_cadres(hr)))


def test_two_sibling_grants(world):
    hr = factories.hr_user("hr_two", world.unit_a, world.unit_b)
    assert {world.cadre_a.employee_no, world.cadre_b.employee_no} == _nos(visible_cadres(hr))
    assert set(scope_roots(hr)) == {world.unit_a, world.unit_b}


def test_admin_sees_everyone(world):
    assert _nos(visible_cadres(world.admin)) == set(
        Cadre.objects.values_list("employee_no", flat=True)
    )
    assert scope_for(world.admin).covers_cadre(world.cadre_b)


def test_cadre_sees_only_self(world):
    user = world.cadre_a.user
    assert _nos(visible_cadres(user)) == {world.cadre_a.employee_no}
    assert not scope_for(user).sees_others
    assert not visible_units(user).exists()


def test_trainer_sees_nobody(world):
    assert not visible_cadres(world.trainer).exists()


def test_a_grant_without_the_hr_role_gives_nothing(world):
    """Grants are read only for HR members: removing someone from HR removes their view."""
    former = factories.hr_user("hr_former", world.unit_b)
    former.groups.clear()
    assert not visible_cadres(former).exists()


def test_hr_who_is_also_a_cadre_sees_self_and_their_units(world):
    hr_cadre = factories.cadre(world.unit_b, world.position, "EMP-HR-SELF", "人事干部")
    hr_cadre.user.groups.add(group_for(Role.HR))
    grant_scope(hr_cadre.user, world.unit_a)
    seen = _nos(visible_cadres(hr_cadre.user))
    assert seen == {world.cadre_a.employee_no, "EMP-HR-SELF"}
    assert world.cadre_b.employee_no not in seen


def test_anonymous_sees_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    assert not visible_cadres(AnonymousUser()).exists()
