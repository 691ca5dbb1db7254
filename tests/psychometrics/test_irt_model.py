"""The shared item model: probabilities, information and the parameter container."""

import numpy as np
import pytest
from scipy.special import expit

from assessments.psychometrics.irt import (
    ItemParameters,
    category_probabilities,
    expected_scores,
    item_information,
    total_information,
)

THETA = np.linspace(-4, 4, 17)
MIXED = ItemParameters(
    ("two", "four", "three"),
    np.array([1.2, 0.8, 2.0]),
    np.array([[0.3, np.nan, np.nan], [2.0, 0.5, -1.0], [1.0, -0.4, np.nan]]),
)


def test_probabilities_sum_to_one_and_padding_gets_none():
    prob = category_probabilities(MIXED, THETA)
    np.testing.assert_allclose(prob.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(prob[0, 2:] == 0) and np.all(prob[2, 3] == 0)
    assert MIXED.n_categories.tolist() == [2, 4, 3]


def test_two_category_item_is_the_2pl_with_information_a2pq():
    p = expit(1.2 * THETA + 0.3)
    np.testing.assert_allclose(category_probabilities(MIXED, THETA)[0, 1], p)
    np.testing.assert_allclose(item_information(MIXED, THETA)[0], 1.44 * p * (1 - p))


def test_graded_information_is_the_expected_squared_score():
    # I(θ) = E[(∂ log P_X/∂θ)²]; check the analytic form against numerical derivatives.
    h = 1e-6
    with np.errstate(divide="ignore", invalid="ignore"):  # padded categories have P = 0
        up = np.log(category_probabilities(MIXED, THETA + h))
        down = np.log(category_probabilities(MIXED, THETA - h))
        score = np.nan_to_num((up - down) / (2 * h))
    expected = np.sum(category_probabilities(MIXED, THETA) * score**2, axis=1)
    np.testing.assert_allclose(item_information(MIXED, THETA), expected, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(total_information(MIXED, THETA), expected.sum(axis=0), rtol=1e-5)


def test_expected_scores_rise_with_theta_and_span_the_category_range():
    scores = expected_scores(MIXED, np.array([-30.0, 0.0, 30.0]))
    np.testing.assert_allclose(scores[:, 0], 0.0, atol=1e-9)
    np.testing.assert_allclose(scores[:, 2], [1, 3, 2], atol=1e-9)
    assert np.all(np.diff(expected_scores(MIXED, THETA), axis=1) > 0)


def test_probabilities_keep_precision_far_out():
    far = ItemParameters(("x",), np.array([1.0]), np.array([[3.0, 2.0]]))
    prob = category_probabilities(far, np.array([40.0]))
    # P(X = 1) = σ(43) − σ(42): naive subtraction of numbers near 1 would return 0.
    assert prob[0, 1, 0] == pytest.approx(expit(-42) - expit(-43), rel=1e-9)


def test_b_subset_and_index():
    np.testing.assert_allclose(MIXED.b[0, 0], -0.3 / 1.2)
    sub = MIXED.subset(MIXED.index(["three", "two"]))
    assert sub.names == ("three", "two") and sub.d.shape == (2, 2)
    with pytest.raises(KeyError, match="'nine'"):
        MIXED.index(["nine"])


@pytest.mark.parametrize(
    ("d", "message"),
    [
        ([[0.5, 1.0]], "must decrease"),
        ([[np.nan, 1.0]], "without gaps"),
    ],
)
def test_invalid_intercepts_are_refused(d, message):
    with pytest.raises(ValueError, match=message):
        ItemParameters(("x",), np.array([1.0]), np.array(d))
