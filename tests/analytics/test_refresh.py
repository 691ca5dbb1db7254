"""Summary tables: refreshed from the ledger, incrementally equal to a from-scratch rebuild."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pandas as pd
import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import receivers, refresh
from analytics.gaps import SUM_COLUMNS
from analytics.models import (
    CompetencyEstimate,
    Dimension,
    PendingRefresh,
    QuarterlySnapshot,
    UnitSummary,
)
from competencies.models import Competency, Evidence
from competencies.services import correct_evidence

pytestmark = pytest.mark.django_db


def test_model_fields_match_the_sums():
    names = {f.attname for f in UnitSummary._meta.concrete_fields}
    assert set(SUM_COLUMNS) <= names


def test_refresh_all_builds_estimates_and_unit_sums(populated):
    assert CompetencyEstimate.objects.filter(cadre__unit=populated.unit_a).count() == 6 * 4
    d21 = Competency.objects.get(code="D2.1", domain__framework__is_current=True)
    row = UnitSummary.objects.get(
        unit=populated.unit_a, competency=d21, dimension=Dimension.ALL, key=""
    )
    # Township data officer: D2.1 R4 w3; everyone in A sits at 2 → gap 2, nobody meets it.
    assert row.n == 6 and row.n_required == 6 and row.n_met == 0
    assert row.sum_gap == pytest.approx(12)
    assert row.n_critical == 6 and row.n_critical_met == 0
    by_age = UnitSummary.objects.filter(
        unit=populated.unit_a, competency=d21, dimension=Dimension.AGE_BAND
    )
    assert sum(r.n for r in by_age) == 6
    assert QuarterlySnapshot.objects.filter(unit=populated.unit_a).exists()


def test_new_evidence_queues_cadres_and_refreshes(populated, django_capture_on_commit_callbacks):
    from tests.analytics.conftest import evidence_for

    with django_capture_on_commit_callbacks(execute=True):
        evidence_for(populated.a_cadres, {"D2.1": 5.0}, "retest", days_ago=0)
    assert not PendingRefresh.objects.exists()  # the (eager) task consumed the queue
    d21 = Competency.objects.get(code="D2.1", domain__framework__is_current=True)
    estimate = CompetencyEstimate.objects.get(cadre=populated.cadre_a, competency=d21)
    assert 2.0 < estimate.level < 5.0


def test_refresh_is_scheduled_once_per_debounce_window(db):
    from django.core.cache import cache

    cache.delete(receivers.SCHEDULED_KEY)
    with mock.patch.object(receivers.refresh_pending_task, "apply_async") as dispatch:
        receivers.schedule_refresh()
        receivers.schedule_refresh()
        receivers.schedule_refresh()
    assert dispatch.call_count == 1
    cache.delete(receivers.SCHEDULED_KEY)


def _state() -> tuple[pd.DataFrame, pd.DataFrame]:
    sums = pd.DataFrame.from_records(
        UnitSummary.objects.values("unit_id", "competency_id", "dimension", "key", *SUM_COLUMNS)
    ).sort_values(["unit_id", "competency_id", "dimension", "key"], ignore_index=True)
    estimates = pd.DataFrame.from_records(
        CompetencyEstimate.objects.values("cadre_id", "competency_id", "level", "n_evidence")
    ).sort_values(["cadre_id", "competency_id"], ignore_index=True)
    return sums, estimates


change = st.tuples(
    st.sampled_from(["new", "correct"]),
    st.integers(0, 11),  # which cadre
    st.sampled_from(["D1.2", "D2.1", "D4.2", "D6.1", "D3.2"]),
    st.floats(1, 5).map(lambda v: round(v, 1)),
    st.integers(0, 700),  # days ago
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(change, min_size=1, max_size=6), run=st.uuids())
def test_incremental_refresh_equals_recomputation_from_scratch(
    populated, django_capture_on_commit_callbacks, changes, run
):
    from competencies.services import Observation, record_evidence

    cadres = populated.a_cadres + populated.b_cadres
    with django_capture_on_commit_callbacks(execute=True):
        for i, (kind, who, code, value, days) in enumerate(changes):
            cadre = cadres[who]
            if kind == "correct":
                original = Evidence.objects.filter(cadre=cadre, corrections__isnull=True).first()
                correct_evidence(original, value=value, note="re-marked")
            else:
                record_evidence(
                    [
                        Observation(
                            cadre.pk, code, value, observed_at=timezone.now() - timedelta(days=days)
                        )
                    ],
                    source_kind="scenario",
                    source_ref=f"run:{run}:{i}",
                )
    incremental = _state()
    refresh.refresh_all()
    scratch = _state()
    for got, want in zip(incremental, scratch, strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9)
