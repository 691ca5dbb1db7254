"""Classical statistics on a matrix small enough to compute by hand, plus invariants.

Six attempts × three 0/1 items:

    attempt  x1 x2 x3  T
    1         1  1  1  3
    2         1  1  0  2
    3         1  0  0  1
    4         0  1  0  1
    5         0  0  0  0
    6         1  1  1  3

Worked by hand (all variances over s − 1 = 5):
- item 1: mean 2/3; rest = T − x1 = (2,1,0,1,0,2), mean 1; V(x) = 4/15, V(rest) = 4/5,
  Cov(x, rest) = 1/5, so DI = 100·(1/5)/√(16/75) = 5√75 = 43.30127; both sorted and paired,
  Cov_max = 2/5, so DE = 50; Cov(x, T) = V(x) + Cov(x, rest) = 7/15. Item 2 is its mirror.
- item 3: mean 1/3; rest = (2,2,1,1,0,2), V(rest) = 2/3, Cov = 4/15, DI = 100·√(2/5) = 63.24555,
  Cov_max = 4/15, DE = 100, Cov(x, T) = 8/15.
- effective weights: √(7/15), √(7/15), √(8/15) as shares of their sum.
- totals: mean 5/3, median (1 + 2)/2 = 1.5, Σd² = 22/3 so SD = √(22/15);
  CIC = 150·(1 − (12/15)/(22/15)) = 1500/22; k2 = 22/15, k3 = −2/15, k4 = −10/3, so
  skewness = −(2/15)/(22/15)^1.5 and kurtosis = −(10/3)/(22/15)² = −2250/1452.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assessments.psychometrics.ctt import item_statistics, total_statistics
from assessments.psychometrics.distractors import distractor_analysis
from assessments.psychometrics.reliability import alpha_by_group, alpha_if_deleted, cronbach_alpha

MARKS = np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 0], [1, 1, 1]], dtype=float)


def test_item_statistics_by_hand():
    first, second, third = item_statistics(MARKS, slots=["q1", "q2", "q3"])
    assert first.slot == "q1"
    assert first.facility == pytest.approx(2 / 3)
    assert first.sd == pytest.approx(math.sqrt(4 / 15))
    assert first.discrimination_index == pytest.approx(5 * math.sqrt(75))
    assert first.discriminative_efficiency == pytest.approx(50.0)
    assert first.covariance_with_total == pytest.approx(7 / 15)
    assert second.discrimination_index == pytest.approx(first.discrimination_index)
    assert third.facility == pytest.approx(1 / 3)
    assert third.other_mark_variance == pytest.approx(2 / 3)
    assert third.discrimination_index == pytest.approx(100 * math.sqrt(2 / 5))
    assert third.discriminative_efficiency == pytest.approx(100.0)
    roots = [math.sqrt(7 / 15), math.sqrt(7 / 15), math.sqrt(8 / 15)]
    for stats, root in zip((first, second, third), roots, strict=True):
        assert stats.effective_weight == pytest.approx(100 * root / sum(roots))
    assert not any(s.dubious for s in (first, second, third))


def test_total_statistics_by_hand():
    stats = total_statistics(MARKS)
    assert stats.n == 6
    assert stats.average == pytest.approx(5 / 3)
    assert stats.median == pytest.approx(1.5)
    assert stats.standard_deviation == pytest.approx(math.sqrt(22 / 15))
    assert stats.skewness == pytest.approx(-(2 / 15) / (22 / 15) ** 1.5)
    assert stats.kurtosis == pytest.approx(-2250 / 1452)
    assert stats.cic == pytest.approx(1500 / 22)
    assert stats.error_ratio == pytest.approx(100 * math.sqrt(1 - 15 / 22))
    assert stats.standard_error == pytest.approx(math.sqrt(1 - 15 / 22) * math.sqrt(22 / 15))


def test_max_marks_scale_facility_and_sd_only():
    doubled = item_statistics(MARKS * 2, max_marks=[2, 2, 2])
    single = item_statistics(MARKS)
    for a, b in zip(doubled, single, strict=True):
        assert a.facility == pytest.approx(b.facility)
        assert a.sd == pytest.approx(b.sd)
        assert a.discrimination_index == pytest.approx(b.discrimination_index)


def test_moodles_nulls_and_dubious_rule():
    marks = np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1], [1, 0, 0]], dtype=float)
    constant, _, third = item_statistics(marks)
    # A slot everyone got right has no variance: no DI, no DE, no effective weight share issue.
    assert constant.facility == 1.0 and constant.sd == 0.0
    assert constant.discrimination_index is None and constant.discriminative_efficiency is None
    assert not constant.dubious
    # Item 3 against item 2: covariance with the rest is 0, so DE = 0 < 15% is dubious.
    assert third.discriminative_efficiency == pytest.approx(0.0)
    assert third.dubious and "low-discriminative-efficiency" in third.flags
    one_attempt = item_statistics(np.array([[1.0, 0.0]]))[0]
    assert one_attempt.facility == 1.0 and one_attempt.sd is None
    tiny = total_statistics(np.array([[1.0, 0.0], [0.0, 0.0]]))
    assert tiny.standard_deviation is not None and tiny.skewness is None and tiny.cic is None


def test_negative_covariance_with_the_total_has_no_effective_weight():
    marks = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1], [1, 0, 1]], dtype=float)
    *_, contrary = item_statistics(marks)
    assert contrary.covariance_with_total < 0
    assert contrary.effective_weight is None
    assert contrary.discrimination_index < 0 and "negative-discrimination" in contrary.flags


def test_alpha_family_by_hand():
    assert cronbach_alpha(MARKS) == pytest.approx(15 / 22)
    # Without item 3: V(x1 + x2) = 2/3 → α = 2(1 − (8/15)/(2/3)) = 0.4; without 1 or 2: 2/3.
    np.testing.assert_allclose(alpha_if_deleted(MARKS), [2 / 3, 2 / 3, 0.4])
    assert alpha_by_group(MARKS, ["D1.1", "D1.1", "D2.2"]) == {
        "D1.1": pytest.approx(0.4),
        "D2.2": None,
    }


def test_distractor_point_biserials_by_hand():
    # Item 1 (key A); the second column is the rest score (2, 1, 1, 0).
    marks = np.array([[1, 2], [1, 1], [0, 1], [0, 0]], dtype=float)
    choices = [["A", None], ["A", None], ["B", None], ["C", None]]
    item = distractor_analysis(
        choices, marks, keys=[{"A"}, set()], options=[["A", "B", "C", "D"], []]
    )[0]
    by_option = {o.option: o for o in item}
    assert by_option["A"].count == 2 and by_option["A"].keyed
    assert by_option["A"].point_biserial == pytest.approx(1 / math.sqrt(2))
    assert by_option["B"].point_biserial == pytest.approx(0.0)
    assert by_option["C"].point_biserial == pytest.approx(-1 / math.sqrt(1.5))
    assert by_option["D"].count == 0 and by_option["D"].point_biserial is None
    assert not any(o.suspicious for o in item)


def test_a_miskeyed_option_is_suspicious():
    marks = np.array([[0, 2], [0, 2], [1, 0], [1, 0]], dtype=float)
    choices = [["B", None], ["B", None], ["A", None], ["A", None]]
    item = distractor_analysis(choices, marks, keys=[{"A"}, set()])[0]
    assert {o.option for o in item if o.suspicious} == {"A", "B"}


marks_matrices = arrays(
    np.float64,
    st.tuples(st.integers(4, 30), st.integers(2, 8)),
    elements=st.sampled_from([0.0, 0.5, 1.0]),
)


@settings(max_examples=60, deadline=None)
@given(marks=marks_matrices)
def test_ctt_invariants(marks):
    items = item_statistics(marks)
    weights = [s.effective_weight for s in items if s.effective_weight is not None]
    if weights:
        assert sum(weights) == pytest.approx(100.0)
    for s in items:
        assert 0.0 <= s.facility <= 1.0
        if s.discrimination_index is not None:
            assert -100 - 1e-9 <= s.discrimination_index <= 100 + 1e-9
        if s.discriminative_efficiency is not None:
            # No covariance can exceed the one that pairs both sorted marginals.
            assert s.discriminative_efficiency <= 100 + 1e-9
    total = total_statistics(marks)
    alpha = cronbach_alpha(marks)
    if total.cic is not None and alpha is not None:
        assert total.cic == pytest.approx(100 * alpha)
