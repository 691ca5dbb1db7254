"""Analytics fixtures: the shared world, grown to groups large enough to report on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from competencies.models import Competency
from competencies.services import EvidenceRecord, record_evidence_rows
from people.models import AgeBand, Rank
from tests import factories

CODES = ("D1.2", "D2.1", "D4.2", "D6.1")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Dashboard figures are cached per summary version, which a rebuild publishes on commit;
    tests that rebuild inside their own transaction start from an empty cache instead."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def add_cadres(unit, position, prefix: str, count: int, start: int = 2):
    ages = list(AgeBand.values)
    return [
        factories.cadre(
            unit,
            position,
            f"{prefix}-{i:04d}",
            f"{prefix}干部{i}",
            rank=Rank.CLERK if i % 2 else Rank.SECTION,
            age_band=ages[i % len(ages)],
        )
        for i in range(start, start + count)
    ]


def evidence_for(cadres, levels_by_code: dict[str, float], ref: str, days_ago: int = 30) -> int:
    ids = dict(
        Competency.objects.filter(domain__framework__is_current=True).values_list("code", "id")
    )
    when = timezone.now() - timedelta(days=days_ago)
    rows = [
        EvidenceRecord(c.pk, ids[code], "assessment", ref, level, None, 0.3, when)
        for c in cadres
        for code, level in levels_by_code.items()
    ]
    return record_evidence_rows(rows)


@pytest.fixture
def populated(world, django_capture_on_commit_callbacks):
    """Six cadres in A (weak on D2.1) and six in B (strong everywhere), with evidence and fresh
    summaries. B's cadres hold markers only B has (tests assert A's HR never sees them)."""
    from analytics.refresh import refresh_all

    a = [world.cadre_a, *add_cadres(world.unit_a, world.position, "EMP-A", 5)]
    b = [world.cadre_b, *add_cadres(world.unit_b, world.position, "EMP-B", 5)]
    with django_capture_on_commit_callbacks(execute=True):
        evidence_for(a, {"D1.2": 4.0, "D2.1": 2.0, "D4.2": 3.0, "D6.1": 2.0}, "seed-a")
        evidence_for(b, {"D1.2": 5.0, "D2.1": 5.0, "D4.2": 5.0, "D6.1": 4.5}, "seed-b")
    refresh_all()
    world.a_cadres, world.b_cadres = a, b
    return world
