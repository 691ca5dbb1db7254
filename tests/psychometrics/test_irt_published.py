"""T1: our estimates agree with R mirt's published values within 0.01 on LSAT6 and LSAT7.

Expected values are those asserted by mirt's own regression tests
(philchalmers/mirt, tests/testthat/test-01-mirtOne.R) and printed in its documentation
(``mirt(expand.table(LSAT7), 1)``: log-likelihood −2658.805). Standard errors there are given as
95% intervals est ± 1.96·SE; we compare the SE they imply. mirt tests with a *relative*
tolerance of 1e-2; we hold ourselves to 0.01 *absolute*.
"""

import numpy as np
import pytest

from assessments.psychometrics.irt import calibrate, score

from .lsat import ITEMS, LSAT6_COUNTS, LSAT7_COUNTS, PATTERNS, expand

TOL = 0.01


def interval_se(low, high):
    return (np.asarray(high) - np.asarray(low)) / (2 * 1.959964)


@pytest.fixture(scope="module")
def lsat7_2pl():
    return calibrate(expand(LSAT7_COUNTS), ITEMS, "2pl")


def test_lsat7_2pl_estimates_loglik_and_richardson_ses(lsat7_2pl):
    fit = lsat7_2pl
    assert fit.converged
    np.testing.assert_allclose(fit.params.a, [0.988, 1.081, 1.706, 0.7651, 0.7358], atol=TOL)
    np.testing.assert_allclose(fit.params.d[:, 0], [1.8561, 0.808, 1.8043, 0.486, 1.8545], atol=TOL)
    assert fit.loglik == pytest.approx(-2658.805, abs=TOL)
    # mirt(…, SE = TRUE, SE.type = 'Richardson'): 95% intervals for a and d.
    se_a = interval_se(
        [0.6406, 0.7501, 1.0779, 0.5022, 0.4395], [1.3354, 1.4119, 2.334, 1.028, 1.032]
    )
    se_d = interval_se(
        [1.5984, 0.6291, 1.4036, 0.3392, 1.6302], [2.1138, 0.9869, 2.205, 0.6328, 2.0787]
    )
    np.testing.assert_allclose(fit.se_a, se_a, atol=TOL)
    np.testing.assert_allclose(fit.se_d[:, 0], se_d, atol=TOL)


def test_lsat7_eap_and_map_scores_of_the_first_patterns(lsat7_2pl):
    first_six = PATTERNS[:6]  # 00000, 00001, 00010, 00011, 00100, 00101
    eap = score(first_six, lsat7_2pl.params, "eap")
    np.testing.assert_allclose(
        eap.theta,
        [-1.8665957, -1.5266920, -1.5134024, -1.1852276, -1.0946830, -0.7666992],
        atol=TOL,
    )
    map_ = score(first_six, lsat7_2pl.params, "map")
    np.testing.assert_allclose(
        map_.theta,
        [-1.8165552, -1.4946906, -1.4822982, -1.1789899, -1.0958928, -0.7951026],
        atol=TOL,
    )


def test_lsat7_with_two_missing_responses():
    data = expand(LSAT7_COUNTS)
    data[0, 0] = data[1, 1] = np.nan
    fit = calibrate(data, ITEMS, "2pl")
    np.testing.assert_allclose(fit.params.a, [0.969, 1.074, 1.717, 0.763, 0.731], atol=TOL)
    np.testing.assert_allclose(fit.params.d[:, 0], [1.851, 0.808, 1.811, 0.486, 1.852], atol=TOL)


def test_lsat7_common_slope_and_its_ml_scores():
    data = expand(LSAT7_COUNTS)
    fit = calibrate(data, ITEMS, "1pl")
    np.testing.assert_allclose(fit.params.a, 1.011, atol=TOL)
    np.testing.assert_allclose(fit.params.d[:, 0], [1.868, 0.791, 1.461, 0.521, 1.993], atol=TOL)
    np.testing.assert_allclose(fit.se_a, interval_se(0.885, 1.138), atol=TOL)
    ml = score(data, fit.params, "ml")
    # fscores(method = 'ML'): rows 13, 34 and 40 of the expanded table; ±Inf for perfect patterns.
    np.testing.assert_allclose(ml.theta[[12, 33, 39]], [-2.783489, -1.750890, -2.783489], atol=TOL)
    assert ml.theta[0] == -np.inf and ml.theta[-1] == np.inf


def test_lsat6_rasch_with_estimated_latent_variance():
    fit = calibrate(expand(LSAT6_COUNTS), ITEMS, "rasch")
    assert np.all(fit.params.a == 1.0) and np.all(np.isnan(fit.se_a))
    np.testing.assert_allclose(fit.params.d[:, 0], [2.73, 0.999, 0.24, 1.306, 2.099], atol=TOL)
    assert fit.latent_variance == pytest.approx(0.57, abs=TOL)
    # SE.type = 'SEM' intervals of the intercepts and of the latent variance.
    se_d = interval_se([2.478, 0.845, 0.1, 1.143, 1.896], [2.983, 1.152, 0.38, 1.47, 2.303])
    np.testing.assert_allclose(fit.se_d[:, 0], se_d, atol=TOL)
    assert fit.se_latent_variance == pytest.approx(interval_se(0.371, 0.77), abs=TOL)


def test_lsat6_2pl_loglik():
    fit = calibrate(expand(LSAT6_COUNTS), ITEMS, "2pl")
    assert fit.loglik == pytest.approx(-2466.653, abs=TOL)


def test_embedded_lsat7_table_matches_mirts_published_sum_score_counts():
    # fscores(…, method = 'EAPsum') reports the observed sum-score frequencies of LSAT7.
    sums = expand(LSAT7_COUNTS).sum(axis=1)
    assert np.bincount(sums.astype(int)).tolist() == [12, 40, 114, 205, 321, 308]
    assert len(expand(LSAT6_COUNTS)) == 1000
