"""Putting a new calibration on an old θ scale through anchor items — explicitly, never silently.

Every calibration fixes its scale by assuming its own cohort has θ ~ N(0, 1). Recalibrating a
bank on a later, stronger cohort would therefore shift every item and every stored score unless
the new estimates are carried back to the old scale. Two ways are offered:

- fixed-item parameter calibration (``calibrate(..., anchors=old)``): anchors keep their old
  parameters during estimation and the new cohort's mean and SD are estimated;
- Stocking & Lord (1983) linking of a separate calibration, here: find the A, B of
  ``θ_old = A θ_new + B`` that make the anchors' test characteristic curves agree, then transform
  the new parameters (``a* = a/A``, ``d* = d − a*B``).

Both return what they did (constants, anchors used, each anchor's drift) so the caller can store
it beside the new calibration version and decide, in the open, whether to adopt it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from .model import ItemParameters, expected_scores

DRIFT_THRESHOLD = 0.3  # |Δb| on the θ scale above which an anchor is reported as drifting


@dataclass(frozen=True)
class Linking:
    """``θ_old = slope · θ_new + intercept``, how it was found, and how well the anchors agree."""

    slope: float
    intercept: float
    method: str
    anchors: tuple[str, ...]
    criterion: float


@dataclass(frozen=True)
class AnchorDrift:
    """One anchor after linking: differences (new − old) in slope and the largest in b."""

    name: str
    delta_a: float
    delta_b: float
    drifting: bool


def transform(params: ItemParameters, slope: float, intercept: float) -> ItemParameters:
    """Re-express parameters from the new scale on the old one: a* = a/A, d* = d − a*·B."""
    if not slope > 0:
        raise ValueError("the linking slope must be positive")
    a_star = params.a / slope
    return ItemParameters(params.names, a_star, params.d - (a_star * intercept)[:, None])


def mean_sigma(old: ItemParameters, new: ItemParameters, anchors: Sequence[str]) -> Linking:
    """Mean/sigma (Marco, 1977) on anchor thresholds: A = sd_old/sd_new, B = m_old − A·m_new."""
    b_old, b_new = _anchor_thresholds(old, new, anchors)
    slope = float(np.std(b_old) / np.std(b_new))
    intercept = float(np.mean(b_old) - slope * np.mean(b_new))
    return Linking(slope, intercept, "mean-sigma", tuple(anchors), float("nan"))


def stocking_lord(
    old: ItemParameters,
    new: ItemParameters,
    anchors: Sequence[str],
    *,
    points: int = 41,
    bound: float = 4.0,
) -> Linking:
    """Minimise Σ_q w_q [TCC_old(θ_q) − TCC_new*(θ_q)]² over A, B; θ_q on the old scale, w ∝ φ."""
    old_anchor = old.subset(old.index(anchors))
    new_anchor = new.subset(new.index(anchors))
    theta = np.linspace(-bound, bound, points)
    weights = np.exp(-0.5 * theta**2)
    weights /= weights.sum()
    target = expected_scores(old_anchor, theta).sum(axis=0)

    def criterion(x: np.ndarray) -> float:
        moved = transform(new_anchor, float(np.exp(x[0])), float(x[1]))
        gap = target - expected_scores(moved, theta).sum(axis=0)
        return float(weights @ gap**2)

    start = mean_sigma(old, new, anchors)
    x0 = np.array([np.log(max(start.slope, 1e-3)), start.intercept])
    result = minimize(criterion, x0, method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-14})
    return Linking(
        float(np.exp(result.x[0])),
        float(result.x[1]),
        "stocking-lord",
        tuple(anchors),
        float(result.fun),
    )


def anchor_drift(
    old: ItemParameters, linked: ItemParameters, anchors: Sequence[str]
) -> list[AnchorDrift]:
    """Compare each anchor's linked parameters with its old ones; large |Δb| flags drift."""
    out = []
    for name in anchors:
        (i,), (j,) = old.index([name]), linked.index([name])
        b_old, b_new = old.b[i], linked.b[j]
        delta_b = float(np.nanmax(np.abs(b_new - b_old)))
        out.append(
            AnchorDrift(name, float(linked.a[j] - old.a[i]), delta_b, delta_b > DRIFT_THRESHOLD)
        )
    return out


def _anchor_thresholds(
    old: ItemParameters, new: ItemParameters, anchors: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    if len(anchors) < 2:
        raise ValueError("linking needs at least two anchor items")
    b_old = old.b[old.index(anchors)]
    b_new = new.b[new.index(anchors)]
    if b_old.shape != b_new.shape or np.any(np.isnan(b_old) != np.isnan(b_new)):
        raise ValueError(
            "anchor items must have the same number of categories in both calibrations"
        )
    keep = ~np.isnan(b_old)
    return b_old[keep], b_new[keep]
