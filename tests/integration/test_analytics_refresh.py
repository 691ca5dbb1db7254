"""The summary rebuild on PostgreSQL (COPY in and out, ANALYZE): the same figures incrementally
and from scratch, and a dashboard that reads them."""

from __future__ import annotations

import pandas as pd
import pytest
from django.urls import reverse

from analytics import refresh
from analytics.gaps import SUM_COLUMNS
from analytics.models import CompetencyEstimate, UnitSummary
from competencies.services import Observation, record_evidence
from tests.analytics.conftest import add_cadres, evidence_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _state():
    sums = pd.DataFrame.from_records(
        UnitSummary.objects.values("unit_id", "competency_id", "dimension", "key", *SUM_COLUMNS)
    ).sort_values(["unit_id", "competency_id", "dimension", "key"], ignore_index=True)
    estimates = pd.DataFrame.from_records(
        CompetencyEstimate.objects.values("cadre_id", "competency_id", "level", "n_evidence")
    ).sort_values(["cadre_id", "competency_id"], ignore_index=True)
    return sums, estimates


def test_rebuild_on_postgresql_matches_incremental_refresh(world, client):
    cadres = [world.cadre_a, *add_cadres(world.unit_a, world.position, "EMP-A", 5)]
    evidence_for(cadres, {"D1.2": 4.0, "D2.1": 2.0, "D4.2": 3.0}, "pg-seed")
    refresh.refresh_all()
    assert UnitSummary.objects.filter(unit=world.unit_a, key="").count() == 3
    record_evidence(
        [Observation(world.cadre_a.pk, "D2.1", 4.5)], source_kind="scenario", source_ref="pg:1"
    )
    refresh.refresh_pending()
    incremental = _state()
    refresh.refresh_all()
    for got, want in zip(incremental, _state(), strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9)
    client.force_login(world.hr_a)
    assert client.get(reverse("analytics:dashboard")).status_code == 200
