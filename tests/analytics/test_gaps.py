"""Gap measures of competency-model.md §3: the worked example and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.gaps import (
    cadre_gaps,
    gap,
    measures,
    partial_sums,
    readiness,
    surplus,
    weighted_gap_index,
)


def test_worked_example_township_data_officer():
    # D1.2 R4 w3 A3, D2.1 R4 w3 A2, D4.2 R3 w3 A3 → WGI = 9/33 ≈ 0.27
    wgi = weighted_gap_index([4, 4, 3], [3, 3, 3], [3, 2, 3])
    assert wgi == 9 / 33
    assert round(wgi, 2) == 0.27
    assert readiness(wgi) == 1 - 9 / 33


def test_worked_example_through_frames():
    cells = pd.DataFrame(
        {
            "cadre_id": [1, 1, 1],
            "competency_id": [12, 21, 42],
            "level": [3.0, 2.0, 3.0],
            "required": [4, 4, 3],
            "weight": [3, 3, 3],
            "low_confidence": [False, False, False],
        }
    )
    (row,) = cadre_gaps(cells).to_dict("records")
    assert math.isclose(row["wgi"], 9 / 33)
    sums = measures(partial_sums(cells, ["cadre_id"]))
    assert math.isclose(sums.loc[0, "wgi"], 9 / 33)
    # Coverage: only D4.2 is met (1 of 3); all three are critical → critical-gap flag.
    assert math.isclose(sums.loc[0, "coverage"], 1 / 3)
    assert bool(sums.loc[0, "critical_gap"])


def test_surplus_is_kept_apart_from_gaps():
    assert gap(np.array([3.0]), np.array([5.0]))[0] == 0
    assert surplus(np.array([3.0]), np.array([5.0]))[0] == 2
    # A surplus on one competency does not offset a gap on another.
    assert weighted_gap_index([3, 3], [1, 1], [5, 1]) == 2 / 6


def test_unknown_levels_are_not_zero():
    assert math.isnan(weighted_gap_index([3], [2], [float("nan")]))
    cells = pd.DataFrame(
        {
            "cadre_id": [1, 2],
            "competency_id": [1, 1],
            "level": [np.nan, 4.0],
            "required": [3, 3],
            "weight": [3, 3],
            "low_confidence": [False, False],
        }
    )
    sums = measures(partial_sums(cells, ["competency_id"]))
    assert sums.loc[0, "n"] == 1
    assert sums.loc[0, "coverage"] == 1.0


levels = st.floats(min_value=1, max_value=5, allow_nan=False)
profile = st.lists(st.tuples(st.integers(0, 5), st.integers(1, 3), levels), min_size=1, max_size=24)


@settings(deadline=None)  # the machine is shared; timing is not under test
@given(profile)
def test_wgi_is_between_zero_and_one(rows):
    r, w, a = zip(*rows, strict=True)
    wgi = weighted_gap_index(r, w, a)
    if sum(r) == 0:
        assert math.isnan(wgi)
    else:
        assert 0 <= wgi <= 1
        assert math.isclose(readiness(wgi) + wgi, 1)


@settings(deadline=None)  # the machine is shared; timing is not under test
@given(profile, st.integers(0, 23), st.floats(0, 2))
def test_raising_a_level_never_raises_wgi(rows, index, step):
    r, w, a = (list(x) for x in zip(*rows, strict=True))
    if sum(r) == 0:
        return
    before = weighted_gap_index(r, w, a)
    i = index % len(a)
    a[i] = min(5.0, a[i] + step)
    assert weighted_gap_index(r, w, a) <= before + 1e-12


@settings(deadline=None)  # the machine is shared; timing is not under test
@given(st.lists(st.tuples(st.integers(0, 3), profile), min_size=1, max_size=8))
def test_sums_are_additive_across_groups(units):
    """The stored sums of a parent equal the sums over its children (drill-down relies on it)."""
    rows = []
    for cadre_id, (unit, profile_rows) in enumerate(units):
        for competency_id, (r, w, a) in enumerate(profile_rows):
            rows.append((cadre_id, competency_id, unit, a, r, w, False))
    cells = pd.DataFrame(
        rows,
        columns=[
            "cadre_id",
            "competency_id",
            "unit",
            "level",
            "required",
            "weight",
            "low_confidence",
        ],
    )
    by_unit = partial_sums(cells, ["unit", "competency_id"])
    rolled = by_unit.groupby("competency_id").sum(numeric_only=True).drop(columns="unit")
    whole = partial_sums(cells, ["competency_id"]).set_index("competency_id")
    pd.testing.assert_frame_equal(rolled, whole, check_dtype=False)
