"""Cadres with crafted competency profiles in units A and B of the shared world."""

from __future__ import annotations

import pytest
from django.utils import timezone

from analytics.refresh import refresh_all
from competencies.models import Competency
from competencies.services import Observation, record_evidence
from tests import factories

# π-shaped and leadership composite (D1.1, D1.2 technical; D1.3, D3.2 governance; L ≥ 3).
LEADER = {"D1.1": 4, "D1.2": 4, "D1.3": 4, "D3.2": 4, "D6.1": 3, "D6.2": 3, "D6.3": 3, "D6.4": 3}
# One level short of T-shaped on D1.2.
NEAR_T = {"D1.1": 4, "D1.2": 3}


def give_profile(cadre, levels: dict[str, float], base: float = 2.0, ref: str = "profile") -> None:
    """Record one observation per competency of the current framework (``base`` unless named)."""
    codes = Competency.objects.filter(domain__framework__is_current=True).values_list(
        "code", flat=True
    )
    record_evidence(
        [
            Observation(cadre.pk, code, float(levels.get(code, base)), observed_at=timezone.now())
            for code in codes
        ],
        source_kind="import",
        source_ref=ref,
    )


def populate(world, extra: int = 5) -> dict[str, list]:
    """``extra`` more cadres in A and in B; A's first is a leadership composite, its second one
    level short of T-shaped; B's own cadre (the one with B_MARKERS) is a leadership composite."""
    made = {"a": [world.cadre_a], "b": [world.cadre_b]}
    for side, unit in (("a", world.unit_a), ("b", world.unit_b)):
        for n in range(extra):
            made[side].append(
                factories.cadre(
                    unit, world.position, f"EMP-{side.upper()}-1{n:03d}", f"{side}干部{n}"
                )
            )
    for cadre in made["a"][2:] + made["b"][1:]:
        give_profile(cadre, {})
    give_profile(made["a"][0], LEADER)
    give_profile(made["a"][1], NEAR_T)
    give_profile(world.cadre_b, LEADER)
    refresh_all()  # the pages read the summaries' fused estimates
    return made


@pytest.fixture
def populated(world):
    return populate(world)


def load_test_course():
    """The courses app's test course (M99: D2.3 and D4.1 to level 3, 2 hours) through the real
    loader; returns its key in the plan (the translation key)."""
    from courses.content_loader import load_courses
    from courses.models import CoursePage
    from portal.demo import seed_home_page
    from tests.courses.conftest import FIXTURES

    seed_home_page()
    load_courses(FIXTURES)
    return str(CoursePage.objects.filter(slug="test-data-literacy").first().translation_key)


@pytest.fixture
def test_course(world):
    return load_test_course()
