"""EAP, MAP, WLE and ML scores against closed forms and independent numerical integration."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.optimize import brentq
from scipy.special import expit, logit
from scipy.stats import norm

from assessments.psychometrics.irt import ItemParameters, ScoringError, score


def identical_items(n, a=1.3, d=0.4):
    return ItemParameters(tuple(f"q{i}" for i in range(n)), np.full(n, a), np.full((n, 1), d))


@pytest.mark.parametrize("correct", [0, 1, 3, 5, 6])
def test_wle_of_identical_items_has_a_closed_form(correct):
    # n identical 2PL items, x correct: Warm's equation a(x − nP) + a(1 − 2P)/2 = 0
    # gives P = (x + ½)/(n + 1), finite even for 0 or n correct.
    n, a, d = 6, 1.3, 0.4
    responses = np.array([[1.0] * correct + [0.0] * (n - correct)])
    result = score(responses, identical_items(n, a, d), "wle")
    p_hat = (correct + 0.5) / (n + 1)
    theta = (logit(p_hat) - d) / a
    assert result.theta[0] == pytest.approx(theta, abs=1e-8)
    info = n * a**2 * expit(a * theta + d) * (1 - expit(a * theta + d))
    assert result.se[0] == pytest.approx(1 / np.sqrt(info), rel=1e-6)


@pytest.mark.parametrize("correct", [1, 2, 5])
def test_ml_of_identical_items_has_a_closed_form(correct):
    n, a, d = 6, 1.3, 0.4
    responses = np.array([[1.0] * correct + [0.0] * (n - correct)])
    result = score(responses, identical_items(n, a, d), "ml")
    assert result.theta[0] == pytest.approx((logit(correct / n) - d) / a, abs=1e-8)


def test_ml_is_infinite_for_perfect_patterns_and_nan_without_responses():
    items = identical_items(3)
    result = score(np.array([[0, 0, 0], [1, 1, 1], [np.nan] * 3]), items, "ml")
    assert result.theta[0] == -np.inf and result.theta[1] == np.inf
    assert np.isnan(result.theta[2])


def test_map_of_one_item_solves_the_posterior_mode_equation():
    a, d = 1.7, -0.5
    item = ItemParameters(("q",), np.array([a]), np.array([[d]]))
    # d/dθ [log σ(aθ + d) − θ²/2] = a(1 − P) − θ = 0
    mode = brentq(lambda t: a * (1 - expit(a * t + d)) - t, -5, 5, xtol=1e-12)
    result = score(np.array([[1.0]]), item, "map")
    assert result.theta[0] == pytest.approx(mode, abs=1e-8)
    p = expit(a * mode + d)
    assert result.se[0] == pytest.approx(1 / np.sqrt(a**2 * p * (1 - p) + 1), rel=1e-8)


@pytest.mark.parametrize("response", [0.0, 1.0, 2.0, 3.0])
def test_eap_and_psd_agree_with_adaptive_numerical_integration(response):
    item = ItemParameters(("g",), np.array([1.4]), np.array([[1.2, 0.1, -1.5]]))
    mean, sd = 0.3, 1.2

    def likelihood(theta):
        z = 1.4 * theta + np.array([np.inf, 1.2, 0.1, -1.5, -np.inf])
        star = expit(z)
        return star[int(response)] - star[int(response) + 1]

    def moment(k):
        return quad(lambda t: t**k * likelihood(t) * norm.pdf(t, mean, sd), -12, 12)[0]

    expected = moment(1) / moment(0)
    psd = np.sqrt(moment(2) / moment(0) - expected**2)
    result = score(np.array([[response]]), item, "eap", prior_mean=mean, prior_sd=sd)
    assert result.theta[0] == pytest.approx(expected, abs=1e-6)
    assert result.se[0] == pytest.approx(psd, abs=1e-6)


def test_no_responses_give_the_prior_for_eap_and_map():
    items = identical_items(3)
    for method in ("eap", "map"):
        result = score(np.full((1, 3), np.nan), items, method, prior_mean=0.5, prior_sd=2.0)
        assert result.theta[0] == pytest.approx(0.5, abs=1e-6)
        assert result.se[0] == pytest.approx(2.0, abs=1e-3)


def test_rows_with_the_same_pattern_get_the_same_score_in_input_order():
    items = identical_items(4, a=1.0, d=0.0)
    data = np.array([[1, 0, 1, 1], [0, 0, 0, 0], [1, 0, 1, 1], [1, 1, 1, 1]], dtype=float)
    result = score(data, items, "eap")
    assert result.theta[0] == result.theta[2]
    assert result.theta[1] < result.theta[0] < result.theta[3]


@settings(max_examples=40, deadline=None)
@given(
    difficulties=st.lists(st.floats(-2.5, 2.5), min_size=3, max_size=8),
    data=st.data(),
)
def test_rasch_eap_depends_only_on_and_rises_with_the_number_correct(difficulties, data):
    # Under the Rasch model the number correct is sufficient for θ: any two patterns with the
    # same sum have the same posterior, and one more correct answer raises the EAP.
    n = len(difficulties)
    items = ItemParameters(
        tuple(f"r{i}" for i in range(n)), np.ones(n), -np.array(difficulties)[:, None]
    )
    first = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=float)
    second = data.draw(st.permutations(first.tolist()))
    result = score(np.array([first, second]), items, "eap")
    assert result.theta[0] == pytest.approx(result.theta[1], abs=1e-9)
    if first.sum() < n:
        better = first.copy()
        better[np.flatnonzero(first == 0)[0]] = 1.0
        assert score(better[None, :], items, "eap").theta[0] > result.theta[0]


def test_bad_responses_are_refused_with_the_row_and_item():
    items = identical_items(2)
    with pytest.raises(ScoringError, match=r"row 2, item 'q1': response 2"):
        score(np.array([[0, 1], [0, 2]], dtype=float), items, "eap")
    with pytest.raises(ScoringError, match="3 response columns for 2 items"):
        score(np.zeros((1, 3)), items, "eap")
    with pytest.raises(ScoringError, match="unknown method"):
        score(np.zeros((1, 2)), items, "median")
