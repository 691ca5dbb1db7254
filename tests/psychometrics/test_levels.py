"""Cut scores, levels 1–5 and the modified-Angoff worksheet."""

import math

import numpy as np
import pytest

from assessments.psychometrics.irt import ItemParameters, expected_scores
from assessments.psychometrics.levels import CutScores, angoff_cut, raw_to_theta

CUTS = CutScores("D2.2", (-1.0, 0.0, 1.2))


@pytest.mark.parametrize(
    ("theta", "level"), [(-3.0, 1), (-1.0, 2), (-0.01, 2), (0.0, 3), (1.19, 3), (1.2, 4), (5.0, 4)]
)
def test_levels_from_cut_scores(theta, level):
    assert CUTS.level(theta) == level


def test_classification_gives_level_probabilities_and_flags_imprecision():
    result = CUTS.classify(0.0, 0.3)
    assert result.level == 3
    assert sum(result.probabilities) == pytest.approx(1.0)
    assert result.probabilities[4] == 0.0  # no test-based cut above L4
    # P(0 ≤ θ < 1.2) for θ ~ N(0, 0.3²) = Φ(4) − ½ = ½ erf(4/√2).
    assert result.probabilities[2] == pytest.approx(0.5 * math.erf(4 / math.sqrt(2)))
    assert not result.imprecise
    assert CUTS.classify(0.0, 0.55).imprecise


@pytest.mark.parametrize("cuts", [(), (0.0, 0.0), (1.0, -1.0), (0, 1, 2, 3, 4), (0.0, np.inf)])
def test_invalid_cuts_are_refused(cuts):
    with pytest.raises(ValueError, match="cut scores"):
        CutScores("D1.1", cuts)


def test_angoff_cut_by_hand():
    # Three judges rate four 0/1 items for the borderline L2/L3 candidate.
    ratings = np.array([[0.6, 0.5, 0.8, 0.3], [0.7, 0.4, 0.9, 0.4], [0.5, 0.6, 0.7, 0.2]])
    cut = angoff_cut(ratings)
    assert cut.judge_cuts == pytest.approx((2.2, 2.4, 2.0))
    assert cut.raw == pytest.approx(2.2)
    assert cut.raw_se == pytest.approx(0.2 / np.sqrt(3))
    assert cut.theta is None


def test_angoff_cut_on_the_theta_scale_inverts_the_tcc():
    items = ItemParameters(
        ("a", "b", "c", "d"),
        np.array([1.0, 1.5, 0.8, 1.2]),
        np.array([[0.5], [0.0], [1.0], [-0.5]]),
    )
    ratings = np.array([[0.6, 0.5, 0.8, 0.3], [0.7, 0.4, 0.9, 0.4]])
    cut = angoff_cut(ratings, items)
    tcc = expected_scores(items, np.array([cut.theta])).sum()
    assert tcc == pytest.approx(cut.raw, abs=1e-8)
    h = 1e-4
    slope = (
        expected_scores(items, np.array([cut.theta + h])).sum()
        - expected_scores(items, np.array([cut.theta - h])).sum()
    ) / (2 * h)
    assert cut.theta_se == pytest.approx(cut.raw_se / slope, rel=1e-4)


def test_angoff_inputs_are_checked():
    items = ItemParameters(("a", "b"), np.array([1.0, 1.0]), np.array([[0.0], [0.0]]))
    with pytest.raises(ValueError, match="between 0 and"):
        angoff_cut(np.array([[1.2, 0.5]]))
    with pytest.raises(ValueError, match="3 rated items but 2"):
        angoff_cut(np.full((2, 3), 0.5), items)
    with pytest.raises(ValueError, match="outside"):
        raw_to_theta(2.0, items)
