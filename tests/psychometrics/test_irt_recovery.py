"""T3 and friends: calibration recovers simulated parameters at the sampling-error floor.

T3 design (psychometrics.md §2, §8): 2PL, N = 2,000, J = 40, a ~ LogNormal(0, .3),
b ~ N(0, 1) clipped to ±2.5, θ ~ N(0, 1), seeds 0–4, 61 quadrature points. Targets: mean RMSE_a
≤ 0.09, mean RMSE_b ≤ 0.12, |mean bias a| ≤ 0.03, and max |Δ| ≤ 0.01 against girth's
``twopl_mml`` (an independent MML implementation) on the same data for items with |b| < 3.
"""

import dataclasses

import girth
import numpy as np
import pytest

from assessments.psychometrics.irt import (
    Calibration,
    CalibrationError,
    ItemParameters,
    calibrate,
    graded,
)
from assessments.psychometrics.irt.dichotomous import Design, fit, log_likelihood
from assessments.psychometrics.irt.patterns import as_codes, collapse
from assessments.psychometrics.irt.quadrature import normal_quadrature
from assessments.psychometrics.irt.simulation import (
    graded_bank,
    simulate_responses,
    typical_bank,
)


def rmse(x, y):
    return float(np.sqrt(np.nanmean((np.asarray(x) - np.asarray(y)) ** 2)))


@pytest.fixture(scope="module")
def t3_runs():
    runs = []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        bank = typical_bank(40, rng)
        data = simulate_responses(bank, rng.normal(size=2000), rng)
        ours = calibrate(data, bank.names, "2pl")
        reference = girth.twopl_mml(data.T.astype(int))
        runs.append((bank, ours, reference))
    return runs


def test_t3_2pl_recovery_at_the_sampling_floor(t3_runs):
    rmse_a = np.mean([rmse(fit.params.a, bank.a) for bank, fit, _ in t3_runs])
    rmse_b = np.mean([rmse(fit.params.b, bank.b) for bank, fit, _ in t3_runs])
    bias_a = np.mean([np.mean(fit.params.a - bank.a) for bank, fit, _ in t3_runs])
    assert all(fit.converged for _, fit, _ in t3_runs)
    assert rmse_a <= 0.09
    assert rmse_b <= 0.12
    assert abs(bias_a) <= 0.03


def test_t3_agrees_with_girth_mml_on_the_same_data(t3_runs):
    worst = 0.0
    for bank, result, reference in t3_runs:
        keep = np.abs(bank.b[:, 0]) < 3
        worst = max(
            worst,
            np.max(np.abs(reference["Discrimination"] - result.params.a)[keep]),
            np.max(np.abs(reference["Difficulty"] - result.params.b[:, 0])[keep]),
        )
    assert worst <= 0.01


def test_louis_standard_errors_match_numerical_ones_from_the_graded_engine():
    # A 0/1 item is a graded item with two categories; the graded engine's SEs come from
    # central differences of the exact score, so agreement checks the Louis derivation.
    rng = np.random.default_rng(11)
    bank = typical_bank(8, rng)
    data = simulate_responses(bank, rng.normal(size=800), rng)
    two_pl = calibrate(data, bank.names, "2pl")
    graded = calibrate(data, bank.names, "grm")
    np.testing.assert_allclose(graded.params.a, two_pl.params.a, atol=1e-3)
    np.testing.assert_allclose(graded.params.d, two_pl.params.d, atol=1e-3)
    assert graded.loglik == pytest.approx(two_pl.loglik, abs=1e-6)
    np.testing.assert_allclose(graded.se_a, two_pl.se_a, rtol=2e-3)
    np.testing.assert_allclose(graded.se_d, two_pl.se_d, rtol=2e-3)


def test_anchored_information_matches_the_numerical_hessian_of_the_marginal_loglik():
    # With anchors the latent mean and SD are estimated as well; check every second derivative.
    rng = np.random.default_rng(5)
    bank = typical_bank(7, rng)
    data = simulate_responses(bank, rng.normal(0.4, 1.2, 1500), rng)
    patterns = collapse(as_codes(data))
    quadrature = normal_quadrature(61)
    fixed = {j: (bank.a[j], bank.d[j, 0]) for j in range(3)}
    design = Design(slope="free", fixed=fixed, estimate_mean=True, estimate_sd=True)
    result = fit(patterns, quadrature, design, tol=1e-8)
    free = np.arange(3, 7)
    point = np.concatenate([result.a[free], result.d[free], [result.mean, result.sd]])

    def loglik(x):
        a, d = bank.a.copy(), bank.d[:, 0].copy()
        a[free], d[free] = x[:4], x[4:8]
        return log_likelihood(patterns, quadrature, a, d, x[8], x[9])

    h = 1e-4
    hessian = np.zeros((10, 10))
    for i in range(10):
        for k in range(10):
            e_i, e_k = np.eye(10)[i] * h, np.eye(10)[k] * h
            hessian[i, k] = (
                loglik(point + e_i + e_k)
                - loglik(point + e_i - e_k)
                - loglik(point - e_i + e_k)
                + loglik(point - e_i - e_k)
            ) / (4 * h * h)
    assert [label[0] for label in result.labels] == ["a"] * 4 + ["d"] * 4 + ["mean", "sd"]
    np.testing.assert_allclose(result.information, -hessian, rtol=2e-3, atol=0.05)


def test_person_weights_equal_repeated_rows():
    rng = np.random.default_rng(2)
    bank = typical_bank(10, rng)
    data = simulate_responses(bank, rng.normal(size=600), rng)
    weighted = calibrate(data, bank.names, "2pl", weights=np.full(600, 2.0))
    doubled = calibrate(np.vstack([data, data]), bank.names, "2pl")
    np.testing.assert_allclose(weighted.params.a, doubled.params.a, atol=1e-9)
    np.testing.assert_allclose(weighted.se_a, doubled.se_a, rtol=1e-9)
    assert weighted.loglik == pytest.approx(doubled.loglik)
    assert weighted.n_persons == 1200


def test_recovery_with_half_the_responses_missing():
    # A linked-forms / adaptive design: each response presented with probability 1/2, so every
    # item still has about 2,000 responses and should be recovered about as well as in T3.
    rng = np.random.default_rng(3)
    bank = typical_bank(30, rng)
    data = simulate_responses(bank, rng.normal(size=4000), rng)
    data[rng.random(data.shape) < 0.5] = np.nan
    result = calibrate(data, bank.names, "2pl")
    assert result.converged
    assert rmse(result.params.a, bank.a) <= 0.11
    assert rmse(result.params.b, bank.b) <= 0.14


def test_rasch_and_1pl_recover_the_common_slope_as_latent_sd():
    rng = np.random.default_rng(4)
    d = rng.normal(0, 1, 20)
    truth = ItemParameters(tuple(f"r{j}" for j in range(20)), np.full(20, 0.8), d[:, None])
    data = simulate_responses(truth, rng.normal(size=2000), rng)
    rasch = calibrate(data, truth.names, "rasch")
    one_pl = calibrate(data, truth.names, "1pl")
    assert rasch.latent_variance == pytest.approx(0.64, abs=0.08)
    assert rasch.latent_variance == pytest.approx(one_pl.params.a[0] ** 2)
    assert rasch.se_latent_variance == pytest.approx(2 * one_pl.params.a[0] * one_pl.se_a[0])
    np.testing.assert_allclose(rasch.params.d, one_pl.params.d)
    assert rmse(rasch.params.d[:, 0], d) <= 0.12


def test_graded_response_model_recovery_and_agreement_with_girth():
    rng = np.random.default_rng(0)
    bank = graded_bank(12, 4, rng)
    data = simulate_responses(bank, rng.normal(size=2000), rng)
    result = calibrate(data, bank.names, "grm")
    assert result.converged
    assert rmse(result.params.a, bank.a) <= 0.12
    assert rmse(result.params.b, bank.b) <= 0.10
    assert np.all(np.diff(result.params.d, axis=1) < 0)
    reference = girth.grm_mml(data.T.astype(int) + 1)
    # girth stops when slopes move < 1e-3, so it sits slightly short of the maximum.
    np.testing.assert_allclose(reference["Discrimination"], result.params.a, atol=0.02)
    np.testing.assert_allclose(reference["Difficulty"], result.params.b, atol=0.05)
    girth_params = ItemParameters(
        bank.names,
        reference["Discrimination"],
        -reference["Discrimination"][:, None] * reference["Difficulty"],
    )
    patterns = collapse(as_codes(data))
    girth_loglik = graded.log_likelihood(patterns, girth_params, normal_quadrature(61))
    assert result.loglik >= girth_loglik - 1e-6


@pytest.mark.parametrize(
    ("column", "model", "message"),
    [
        ([1.0, 1.0, 1.0, 1.0], "2pl", "nobody scored 0"),
        ([0.0, 2.0, 1.0, 0.0], "2pl", "needs 0/1 responses"),
        ([0.0, 2.0, 2.0, 0.0], "grm", "nobody scored 1"),
        ([np.nan] * 4, "2pl", "has no responses"),
        ([0.0, 0.5, 1.0, 0.0], "2pl", "whole numbers"),
    ],
)
def test_items_that_cannot_be_estimated_are_refused_by_name(column, model, message):
    data = np.column_stack([[0.0, 1.0, 1.0, 0.0], column])
    with pytest.raises(CalibrationError, match=message):
        calibrate(data, ["good", "bad"], model)


def test_too_few_quadrature_points_are_refused():
    with pytest.raises(CalibrationError, match="at least 41"):
        calibrate(np.array([[0.0, 1.0], [1.0, 0.0]]), ["x", "y"], "2pl", quadrature_points=21)


def test_skipping_standard_errors_changes_nothing_else():
    rng = np.random.default_rng(8)
    bank = typical_bank(6, rng)
    data = simulate_responses(bank, rng.normal(size=400), rng)
    for model in ("2pl", "grm"):
        full = calibrate(data, bank.names, model)
        quick = calibrate(data, bank.names, model, standard_errors=False)
        np.testing.assert_array_equal(quick.params.a, full.params.a)
        assert np.all(np.isnan(quick.se_a)) and np.all(np.isfinite(full.se_a))


def test_item_flags_point_at_weak_extreme_and_imprecise_items():
    params = ItemParameters(
        ("ok", "flat", "far", "shaky"),
        np.array([1.2, 0.2, 1.0, 0.8]),
        np.array([[0.5], [0.1], [-4.5], [0.0]]),
    )
    result = Calibration(
        "2pl", params, np.array([0.1, 0.1, 0.3, 1.4]), np.array([[0.1], [0.1], [0.5], [0.2]]),
        -100.0, 20, True, 500.0, 0.0, 1.0, None, None, 61, (),
    )  # fmt: skip
    assert result.item_flags() == {
        "flat": ("low-slope",),
        "far": ("extreme-difficulty",),
        "shaky": ("imprecise",),
    }
    stopped = dataclasses.replace(result, converged=False)
    assert stopped.item_flags()["ok"] == ("not-converged",)
