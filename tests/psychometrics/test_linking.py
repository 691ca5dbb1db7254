"""Linking a new calibration to the old θ scale: Stocking–Lord, mean/sigma and FIPC."""

import numpy as np
import pytest

from assessments.psychometrics.irt import (
    ItemParameters,
    anchor_drift,
    calibrate,
    category_probabilities,
    mean_sigma,
    stocking_lord,
    transform,
)
from assessments.psychometrics.irt.simulation import graded_bank, simulate_responses, typical_bank


def test_transform_preserves_every_response_probability():
    rng = np.random.default_rng(0)
    bank = graded_bank(5, 3, rng)
    moved = transform(bank, 1.3, -0.4)
    theta_new = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(
        category_probabilities(moved, 1.3 * theta_new - 0.4),
        category_probabilities(bank, theta_new),
        atol=1e-12,
    )
    with pytest.raises(ValueError, match="positive"):
        transform(bank, 0.0, 0.0)


@pytest.mark.parametrize("method", [stocking_lord, mean_sigma])
def test_exact_rescaling_is_recovered(method):
    # The "new" calibration is the old bank expressed on a scale θ_new = (θ_old − B)/A.
    rng = np.random.default_rng(1)
    old = graded_bank(8, 3, rng)
    slope, intercept = 1.25, 0.6
    new = transform(old, 1 / slope, -intercept / slope)
    link = method(old, new, old.names[:5])
    assert link.slope == pytest.approx(slope, abs=1e-5)
    assert link.intercept == pytest.approx(intercept, abs=1e-5)
    linked = transform(new, link.slope, link.intercept)
    np.testing.assert_allclose(linked.a, old.a, atol=1e-4)
    assert not any(d.drifting for d in anchor_drift(old, linked, old.names[:5]))


@pytest.fixture(scope="module")
def two_cohorts():
    """One bank given to a reference cohort N(0, 1) and a later, stronger cohort N(.5, 1.2²)."""
    rng = np.random.default_rng(3)
    bank = typical_bank(30, rng)
    first = simulate_responses(bank, rng.normal(0.0, 1.0, 2000), rng)
    second = simulate_responses(bank, rng.normal(0.5, 1.2, 2000), rng)
    return bank, calibrate(first, bank.names, "2pl"), second


def test_separate_calibration_shifts_the_scale_and_stocking_lord_undoes_it(two_cohorts):
    bank, reference, second = two_cohorts
    new = calibrate(second, bank.names, "2pl")
    anchors = bank.names[:10]
    link = stocking_lord(reference.params, new.params, anchors)
    assert link.slope == pytest.approx(1.2, abs=0.1)
    assert link.intercept == pytest.approx(0.5, abs=0.1)
    linked = transform(new.params, link.slope, link.intercept)
    error_linked = np.sqrt(np.mean((linked.b[10:] - bank.b[10:]) ** 2))
    error_unlinked = np.sqrt(np.mean((new.params.b[10:] - bank.b[10:]) ** 2))
    assert error_linked < 0.25 < error_unlinked


def test_fixed_item_calibration_puts_new_items_on_the_old_scale(two_cohorts):
    bank, reference, second = two_cohorts
    anchors = reference.params.subset(range(10))
    fipc = calibrate(second, bank.names, "2pl", anchors=anchors)
    assert fipc.converged
    assert fipc.anchors == bank.names[:10]
    assert fipc.latent_mean == pytest.approx(0.5, abs=0.1)
    assert np.sqrt(fipc.latent_variance) == pytest.approx(1.2, abs=0.1)
    assert fipc.se_latent_mean is not None and 0 < fipc.se_latent_mean < 0.1
    np.testing.assert_array_equal(fipc.params.a[:10], anchors.a)
    assert np.all(np.isnan(fipc.se_a[:10])) and np.all(fipc.se_a[10:] > 0)
    assert np.sqrt(np.mean((fipc.params.b[10:] - bank.b[10:]) ** 2)) < 0.25


def test_rasch_anchors_must_be_rasch_items(two_cohorts):
    bank, reference, second = two_cohorts
    from assessments.psychometrics.irt import CalibrationError

    with pytest.raises(CalibrationError, match="not a Rasch item"):
        calibrate(second, bank.names, "rasch", anchors=reference.params.subset(range(3)))
    rasch_anchor = ItemParameters(("i1", "i2"), np.ones(2), np.array([[0.2], [-0.3]]))
    fit = calibrate(second, bank.names, "rasch", anchors=rasch_anchor)
    assert np.all(fit.params.a == 1.0) and fit.latent_variance > 0


def test_anchor_drift_flags_a_moved_anchor():
    old = ItemParameters(("x", "y"), np.array([1.0, 1.0]), np.array([[0.0], [1.0]]))
    new = ItemParameters(("x", "y"), np.array([1.0, 1.0]), np.array([[0.0], [0.2]]))
    drift = {d.name: d for d in anchor_drift(old, new, ["x", "y"])}
    assert not drift["x"].drifting
    assert drift["y"].drifting and drift["y"].delta_b == pytest.approx(0.8)


def test_linking_needs_two_anchors_with_matching_categories():
    rng = np.random.default_rng(2)
    old = graded_bank(3, 3, rng)
    with pytest.raises(ValueError, match="at least two"):
        mean_sigma(old, old, ["g1"])
    dichotomous = ItemParameters(old.names, old.a, old.d[:, :1])
    with pytest.raises(ValueError, match="same number of categories"):
        mean_sigma(old, dichotomous, ["g1", "g2"])
