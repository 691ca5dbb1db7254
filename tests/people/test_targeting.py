"""The one targeting rule shared by course assignments and assessment forms."""

import pytest

from people.models import AdminLevel, Position
from people.selectors import targeted_cadres
from tests import factories

pytestmark = pytest.mark.django_db


def _nos(qs) -> set[str]:
    return set(qs.values_list("employee_no", flat=True))


def test_a_subtree_reaches_every_cadre_under_it_and_no_sibling(world):
    assert _nos(targeted_cadres(units=[world.unit_a])) == {"EMP-A-0001"}
    assert _nos(targeted_cadres(units=[world.district])) == {"EMP-A-0001", "EMP-B-0001"}


def test_position_level_and_names_are_a_union(world):
    other = Position.objects.exclude(pk=world.position.pk).first()
    extra = factories.cadre(world.city, other, "EMP-C-0001", "市级干部")
    assert _nos(targeted_cadres(positions=[other])) == {"EMP-C-0001"}
    assert _nos(targeted_cadres(levels=[AdminLevel.CITY])) == {"EMP-C-0001"}
    both = targeted_cadres(units=[world.unit_b], cadre_ids=[extra.pk])
    assert _nos(both) == {"EMP-B-0001", "EMP-C-0001"}


def test_nothing_named_reaches_nobody_and_inactive_cadres_are_left_out(world):
    assert not targeted_cadres().exists()
    world.cadre_a.is_active = False
    world.cadre_a.save()
    assert _nos(targeted_cadres(units=[world.district])) == {"EMP-B-0001"}
