"""Calibrating a bank: the one entry point for 2PL, 1PL, Rasch and graded-response calibration.

It checks the response matrix, collapses patterns, runs the right EM engine and returns the
estimates with standard errors in the form people and files use (a, d, b and their SEs).

Models, as R mirt defines them so results can be compared with it:

- ``2pl``: a slope and an intercept per item, θ ~ N(0, 1).
- ``1pl``: one slope shared by all items, θ ~ N(0, 1).
- ``rasch``: slopes fixed at 1 and the latent variance estimated (mirt's itemtype 'Rasch'). This
  is the 1PL reparametrised — θ = σz turns ``σ(σz + d)`` into ``σ(a z + d)`` with a = σ — so it
  is fitted as a 1PL and reported with a = 1, variance σ² and its SE by the delta method
  (``se(σ²) = 2σ se(σ)``); intercepts and their SEs are the same in both forms.
- ``grm``: Samejima's graded response model for items scored 0 … K−1.

With ``anchors`` (dichotomous models), the anchor items keep their earlier parameters and the new
cohort's latent mean and SD are estimated: fixed-item parameter calibration, which puts the new
items on the old scale. See ``linking`` for Stocking–Lord linking of separate calibrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from . import dichotomous, graded
from .blas import single_threaded_blas
from .model import ItemParameters
from .patterns import MISSING, as_codes, collapse
from .quadrature import DEFAULT_POINTS, normal_quadrature

Model = Literal["2pl", "1pl", "rasch", "grm"]
MODELS: tuple[str, ...] = ("2pl", "1pl", "rasch", "grm")
LOW_SLOPE, EXTREME_B, IMPRECISE_SE = 0.3, 4.0, 1.0  # item screening thresholds


class CalibrationError(ValueError):
    """The data cannot be calibrated as asked; the message says which item and why."""


@dataclass(frozen=True)
class Calibration:
    """Estimates, standard errors and fit summary of one calibration run.

    ``se_a`` is NaN where a slope was not estimated (Rasch, anchors); a common 1PL slope has its
    one SE repeated on every row. The latent mean/variance are those of the calibration cohort
    on the reported scale: 0 and 1 unless estimated (Rasch variance; anchored calibrations).
    """

    model: str
    params: ItemParameters
    se_a: np.ndarray
    se_d: np.ndarray
    loglik: float
    iterations: int
    converged: bool
    n_persons: float
    latent_mean: float
    latent_variance: float
    se_latent_mean: float | None
    se_latent_variance: float | None
    quadrature_points: int
    anchors: tuple[str, ...]

    def item_flags(self) -> dict[str, tuple[str, ...]]:
        """Items to review before operational use (psychometrics.md §4.7), by name.

        ``low-slope`` a < 0.3 (the item barely separates people), ``extreme-difficulty`` some
        |b| > 4, ``imprecise`` an SE of a or d above 1, ``not-converged`` for every item of a
        run that stopped before converging.
        """
        flags = {}
        for j, name in enumerate(self.params.names):
            reasons = []
            if self.params.a[j] < LOW_SLOPE:
                reasons.append("low-slope")
            if np.nanmax(np.abs(self.params.b[j])) > EXTREME_B:
                reasons.append("extreme-difficulty")
            ses = [self.se_a[j], *self.se_d[j, : self.params.n_categories[j] - 1]]
            if any(np.isfinite(x) and x > IMPRECISE_SE for x in ses):
                reasons.append("imprecise")
            if not self.converged:
                reasons.append("not-converged")
            if reasons:
                flags[name] = tuple(reasons)
        return flags

    @property
    def se_b(self) -> np.ndarray:
        """Delta-method SEs of b = −d/a ignoring the a–d covariance: a reporting aid only."""
        a, d = self.params.a[:, None], self.params.d
        se_a = np.nan_to_num(self.se_a)[:, None]
        return np.sqrt((self.se_d / a) ** 2 + (d * se_a / a**2) ** 2)


def calibrate(
    responses: np.ndarray,
    names: tuple[str, ...] | list[str],
    model: Model,
    *,
    weights: np.ndarray | None = None,
    quadrature_points: int = DEFAULT_POINTS,
    anchors: ItemParameters | None = None,
    tol: float = 1e-4,
    max_cycles: int = 2000,
    standard_errors: bool = True,
) -> Calibration:
    """Calibrate ``responses`` (people × items, NaN = not presented) under ``model``.

    ``standard_errors=False`` skips the information matrix (SEs become NaN) for simulations.
    """
    with single_threaded_blas():
        return _calibrate(
            responses,
            names,
            model,
            weights=weights,
            quadrature_points=quadrature_points,
            anchors=anchors,
            tol=tol,
            max_cycles=max_cycles,
            standard_errors=standard_errors,
        )


def _calibrate(
    responses: np.ndarray,
    names: tuple[str, ...] | list[str],
    model: Model,
    *,
    weights: np.ndarray | None,
    quadrature_points: int,
    anchors: ItemParameters | None,
    tol: float,
    max_cycles: int,
    standard_errors: bool,
) -> Calibration:
    if model not in MODELS:
        raise CalibrationError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    names = tuple(str(n) for n in names)
    try:
        codes = as_codes(responses)
    except ValueError as exc:
        raise CalibrationError(str(exc)) from exc
    if codes.shape[1] != len(names):
        raise CalibrationError(f"{len(names)} item names for {codes.shape[1]} response columns")
    if codes.shape[0] < 2:
        raise CalibrationError("calibration needs responses from at least two people")
    n_categories = _check_items(codes, names, dichotomous_only=model != "grm")
    try:
        patterns = collapse(codes, weights)
        quadrature = normal_quadrature(quadrature_points)
    except ValueError as exc:
        raise CalibrationError(str(exc)) from exc
    n_persons = float(patterns.weights.sum())
    options = {"tol": tol, "max_cycles": max_cycles, "standard_errors": standard_errors}
    if model == "grm":
        if anchors is not None:
            raise CalibrationError(
                "anchored (fixed-item) calibration is available for 2pl, 1pl and rasch; "
                "link graded calibrations with Stocking–Lord instead"
            )
        return _graded(patterns, n_categories, names, quadrature, n_persons, options)
    return _dichotomous(patterns, names, model, quadrature, anchors, n_persons, options)


def _graded(patterns, n_categories, names, quadrature, n_persons, options) -> Calibration:
    result = graded.fit(patterns, n_categories, names, quadrature, **options)
    se = _standard_errors(result.information, int(np.sum(n_categories)))
    se_a = np.empty(len(names))
    se_d = np.full((len(names), result.params.d.shape[1]), np.nan)
    pos = 0
    for j, k in enumerate(n_categories):  # information rows: (a_j, d_j1, …) item by item
        se_a[j] = se[pos]
        se_d[j, : k - 1] = se[pos + 1 : pos + k]
        pos += k
    return Calibration(
        "grm", result.params, se_a, se_d, result.loglik, result.iterations, result.converged,
        n_persons, 0.0, 1.0, None, None, quadrature.nodes.size, (),
    )  # fmt: skip


def _dichotomous(patterns, names, model, quadrature, anchors, n_persons, options) -> Calibration:
    design = _design(model, names, anchors)
    result = dichotomous.fit(patterns, quadrature, design, **options)
    ses = _standard_errors(result.information, len(result.labels))
    se = dict(zip(result.labels, ses, strict=True))
    n_items = len(names)
    se_a = np.array([se.get(("a", j), se.get(("a", None), np.nan)) for j in range(n_items)])
    se_d = np.array([se.get(("d", j), np.nan) for j in range(n_items)])[:, None]
    a = result.a.copy()
    variance = result.sd**2
    se_var = 2 * result.sd * se[("sd", None)] if ("sd", None) in se else None
    if model == "rasch":
        if anchors is None:  # fitted as a 1PL: its common slope is the latent SD
            variance, se_var = a[0] ** 2, 2 * a[0] * se_a[0]
            a[:] = 1.0
        se_a[:] = np.nan
    return Calibration(
        model,
        ItemParameters(names, a, result.d[:, None]),
        se_a,
        se_d,
        result.loglik,
        result.iterations,
        result.converged,
        n_persons,
        result.mean,
        variance,
        se.get(("mean", None)),
        se_var,
        quadrature.nodes.size,
        tuple(names[j] for j in sorted(design.fixed)),
    )


def _design(
    model: Model, names: tuple[str, ...], anchors: ItemParameters | None
) -> dichotomous.Design:
    if anchors is None:
        return dichotomous.Design(slope="free" if model == "2pl" else "common")
    if np.any(anchors.n_categories != 2):
        raise CalibrationError("anchor items for a dichotomous calibration must be 0/1 items")
    where = {n: j for j, n in enumerate(names)}
    fixed = {}
    for i, name in enumerate(anchors.names):
        if name not in where:
            raise CalibrationError(f"anchor item {name!r} is not among the response columns")
        if model == "rasch" and not np.isclose(anchors.a[i], 1.0):
            raise CalibrationError(f"anchor item {name!r} has a ≠ 1, so it is not a Rasch item")
        fixed[where[name]] = (float(anchors.a[i]), float(anchors.d[i, 0]))
    if len(fixed) == len(names):
        raise CalibrationError("every item is an anchor: nothing is left to calibrate")
    slope = {"2pl": "free", "1pl": "common", "rasch": "unit"}[model]
    return dichotomous.Design(slope=slope, fixed=fixed, estimate_mean=True, estimate_sd=True)


def _check_items(codes: np.ndarray, names: tuple[str, ...], dichotomous_only: bool) -> np.ndarray:
    """Number of categories per item, refusing items whose parameters cannot be estimated."""
    n_categories = np.zeros(len(names), dtype=int)
    for j, name in enumerate(names):
        seen = codes[:, j][codes[:, j] != MISSING]
        if seen.size == 0:
            raise CalibrationError(f"item {name!r} has no responses")
        top = int(seen.max())
        if dichotomous_only and top > 1:
            raise CalibrationError(
                f"item {name!r} has a response {top}; this model needs 0/1 responses (use grm)"
            )
        missing = sorted(set(range(max(top, 1) + 1)) - set(np.unique(seen).tolist()))
        if missing:
            raise CalibrationError(
                f"item {name!r}: nobody scored {missing[0]}, so that category cannot be "
                "estimated (scores must run 0, 1, … with every score observed)"
            )
        n_categories[j] = top + 1
    return n_categories


def _standard_errors(information: np.ndarray | None, size: int) -> np.ndarray:
    """Square roots of the diagonal of the inverse information; NaN where it is singular or
    was not computed."""
    if information is None:
        return np.full(size, np.nan)
    if information.size == 0:
        return np.zeros(0)
    try:
        covariance = np.linalg.inv(information)
    except np.linalg.LinAlgError:
        return np.full(information.shape[0], np.nan)
    diagonal = np.diag(covariance)
    return np.sqrt(np.where(diagonal > 0, diagonal, np.nan))
