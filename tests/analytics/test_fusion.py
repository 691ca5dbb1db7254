"""The fusion rule: precision weighting, weaker scenario evidence, decay, low confidence."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.fusion import EVIDENCE_COLUMNS, LEVELS_PER_THETA, FusionParams, decay, fuse

NOW = datetime(2026, 6, 30, tzinfo=UTC)


def ledger(*rows):
    return pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS))


def test_one_assessment_is_its_own_estimate_with_its_se():
    out = fuse(ledger((1, 7, "assessment", 3.0, 0.3, 0.3, NOW)), NOW)
    (row,) = out.to_dict("records")
    assert row["level"] == 3.0
    assert math.isclose(row["level_se"], 0.3 * LEVELS_PER_THETA)
    assert math.isclose(row["theta"], 0.3)
    assert not row["low_confidence"]


def test_precise_assessment_outweighs_a_scenario_run():
    out = fuse(
        ledger(
            (1, 7, "assessment", 4.0, None, 0.3, NOW),
            (1, 7, "scenario", 2.0, None, None, NOW),
        ),
        NOW,
    )
    level = out.loc[0, "level"]
    assert 3.0 < level < 4.0
    p_a, p_s = 1 / (0.3 * LEVELS_PER_THETA) ** 2, 1 / 0.8**2
    assert math.isclose(level, (4 * p_a + 2 * p_s) / (p_a + p_s), abs_tol=1e-6)


def test_scenario_evidence_never_counts_as_precise():
    alone = fuse(ledger((1, 7, "scenario", 3.0, None, 0.05, NOW)), NOW)
    assert alone.loc[0, "level_se"] >= FusionParams().scenario_min_se


def test_older_evidence_decays_with_a_one_year_half_life():
    assert decay(365.0, 365.0) == 0.5
    old = NOW - timedelta(days=365)
    out = fuse(
        ledger(
            (1, 7, "assessment", 2.0, None, None, old), (1, 7, "assessment", 4.0, None, None, NOW)
        ),
        NOW,
    )
    # Same SE, the old one counts half: (2·0.5 + 4·1) / 1.5
    assert math.isclose(out.loc[0, "level"], 5 / 1.5, abs_tol=1e-6)


def test_low_confidence_flag_for_a_lone_old_scenario_run():
    out = fuse(ledger((1, 7, "scenario", 3.0, None, None, NOW - timedelta(days=400))), NOW)
    assert bool(out.loc[0, "low_confidence"])


def test_evidence_after_as_of_is_ignored():
    later = NOW + timedelta(days=10)
    out = fuse(
        ledger(
            (1, 7, "assessment", 2.0, None, None, NOW), (1, 7, "assessment", 5.0, None, None, later)
        ),
        NOW,
    )
    assert out.loc[0, "level"] == 2.0
    assert fuse(ledger((1, 7, "assessment", 2.0, None, None, later)), NOW).empty


observation = st.tuples(
    st.sampled_from(["assessment", "scenario", "rating", "import"]),
    st.floats(1, 5),
    st.one_of(st.none(), st.floats(0.05, 2)),
    st.integers(0, 2000),
)


@settings(deadline=None)  # the machine is shared; timing is not under test
@given(st.lists(observation, min_size=1, max_size=12))
def test_estimate_stays_within_the_observed_range_and_more_evidence_is_more_precise(obs):
    rows = [(1, 1, kind, v, None, se, NOW - timedelta(days=age)) for kind, v, se, age in obs]
    out = fuse(ledger(*rows), NOW)
    values = [v for _k, v, _se, _age in obs]
    assert min(values) - 1e-6 <= out.loc[0, "level"] <= max(values) + 1e-6
    fewer = fuse(ledger(*rows[:-1]), NOW) if len(rows) > 1 else None
    if fewer is not None and not fewer.empty:
        assert out.loc[0, "level_se"] <= fewer.loc[0, "level_se"] + 1e-12
