"""Person scores with standard errors: EAP, MAP, WLE and ML.

- **EAP** (Bock & Mislevy, 1982): posterior mean over quadrature, SE = posterior SD. Defined for
  every pattern, including all-correct and all-wrong; it shrinks towards the prior mean, which is
  why it is the adaptive test's running estimate and the default report.
- **MAP**: posterior mode by Newton's method, SE from the observed curvature of the log
  posterior, ``1/√(−∂² log p(θ|x))`` (= ``1/√(I(θ̂) + 1/σ²)`` for 0/1 items).
- **WLE** (Warm, 1989): root of ``∂ log L/∂θ + J(θ)/(2 I(θ))`` with ``J = Σ P′P″/P``. Nearly
  unbiased and finite for perfect patterns; the choice when decisions sit at extreme cut scores.
  SE = ``1/√I(θ̂)``.
- **ML**: root of ``∂ log L/∂θ``; ±∞ for all-minimum and all-maximum patterns, so it is offered
  for checking against other software rather than for reports.

A person with no observed responses gets the prior (EAP, MAP) or NaN (WLE, ML).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .blas import single_threaded_blas
from .model import ItemParameters, category_derivatives, log_category_probabilities
from .patterns import MISSING, Patterns, as_codes, collapse
from .quadrature import normal_quadrature, posterior_over_nodes

Method = Literal["eap", "map", "wle", "ml"]
METHODS: tuple[str, ...] = ("eap", "map", "wle", "ml")
SCORING_POINTS = 121
_BOUND = 20.0  # WLE/ML search interval [−20, 20]


class ScoringError(ValueError):
    """Responses that do not fit the item parameters (unknown category, wrong shape)."""


@dataclass(frozen=True)
class Scores:
    theta: np.ndarray
    se: np.ndarray
    method: str


def score(
    responses: np.ndarray,
    params: ItemParameters,
    method: Method = "eap",
    *,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
    quadrature_points: int = SCORING_POINTS,
) -> Scores:
    """Score each row of ``responses`` (people × items in ``params`` order, NaN = not presented)."""
    with single_threaded_blas():
        return _score(responses, params, method, prior_mean, prior_sd, quadrature_points)


def _score(
    responses: np.ndarray,
    params: ItemParameters,
    method: Method,
    prior_mean: float,
    prior_sd: float,
    quadrature_points: int,
) -> Scores:
    if method not in METHODS:
        raise ScoringError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if not prior_sd > 0:
        raise ScoringError("the prior SD must be positive")
    try:
        codes = as_codes(responses)
    except ValueError as exc:
        raise ScoringError(str(exc)) from exc
    if codes.shape[1] != params.n_items:
        raise ScoringError(f"{codes.shape[1]} response columns for {params.n_items} items")
    too_high = codes >= params.n_categories[None, :]
    if too_high.any():
        row, col = np.argwhere(too_high)[0]
        raise ScoringError(
            f"row {row + 1}, item {params.names[col]!r}: response {codes[row, col]} but the item "
            f"has categories 0–{params.n_categories[col] - 1}"
        )
    patterns = collapse(codes)
    theta, se = _eap(patterns, params, prior_mean, prior_sd, quadrature_points)
    if method == "map":
        theta, se = _map(patterns, params, theta, prior_mean, prior_sd)
    elif method in ("wle", "ml"):
        theta, se = _root(patterns, params, weighted=method == "wle")
    return Scores(theta[patterns.person_pattern], se[patterns.person_pattern], method)


def _eap(
    patterns: Patterns, params: ItemParameters, mean: float, sd: float, points: int
) -> tuple[np.ndarray, np.ndarray]:
    quadrature = normal_quadrature(points)
    nodes = mean + sd * quadrature.nodes
    log_prob = log_category_probabilities(params, nodes)
    valid = np.arange(log_prob.shape[1])[None, :] < params.n_categories[:, None]
    log_like = patterns.one_hot(params.n_categories) @ log_prob[valid]
    _, posterior = posterior_over_nodes(log_like, quadrature)
    theta = posterior @ nodes
    return theta, np.sqrt(np.maximum(posterior @ nodes**2 - theta**2, 0.0))


def _observed_terms(
    patterns: Patterns, params: ItemParameters, theta: np.ndarray
) -> dict[str, np.ndarray]:
    """Per-pattern score, observed and expected information, and Warm's J at each pattern's θ."""
    prob, first, second = category_derivatives(params, theta)  # (J, K, P)
    seen = patterns.observed.T  # (J, P)
    pick = np.where(seen, patterns.codes.T, 0)[:, None, :]
    p_x = np.maximum(np.take_along_axis(prob, pick, axis=1)[:, 0], 1e-300)
    d1_x = np.take_along_axis(first, pick, axis=1)[:, 0]
    d2_x = np.take_along_axis(second, pick, axis=1)[:, 0]
    safe = np.maximum(prob, 1e-300)
    info_items = np.where(prob > 1e-300, first**2 / safe, 0.0).sum(axis=1)
    warm_items = np.where(prob > 1e-300, first * second / safe, 0.0).sum(axis=1)
    ratio = d1_x / p_x
    return {
        "score": np.sum(seen * ratio, axis=0),
        "curvature": np.sum(seen * (d2_x / p_x - ratio**2), axis=0),
        "information": np.sum(seen * info_items, axis=0),
        "warm": np.sum(seen * warm_items, axis=0),
    }


def _map(
    patterns: Patterns, params: ItemParameters, start: np.ndarray, mean: float, sd: float
) -> tuple[np.ndarray, np.ndarray]:
    """Newton on log L − (θ − μ)²/(2σ²), from the EAP; the log posterior is concave here."""
    theta = start.copy()
    for _ in range(100):
        terms = _observed_terms(patterns, params, theta)
        grad = terms["score"] - (theta - mean) / sd**2
        curv = terms["curvature"] - 1.0 / sd**2
        step = np.clip(-grad / curv, -1.0, 1.0)
        theta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    curv = _observed_terms(patterns, params, theta)["curvature"] - 1.0 / sd**2
    return theta, 1.0 / np.sqrt(-curv)


def _root(
    patterns: Patterns, params: ItemParameters, weighted: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Solve the ML (or Warm-weighted) estimating equation by vectorised bisection."""

    def equation(theta: np.ndarray) -> np.ndarray:
        terms = _observed_terms(patterns, params, theta)
        value = terms["score"]
        if weighted:
            value = value + terms["warm"] / (2 * np.maximum(terms["information"], 1e-300))
        return value

    n = patterns.codes.shape[0]
    low, high = np.full(n, -_BOUND), np.full(n, _BOUND)
    at_low, at_high = equation(low), equation(high)
    for _ in range(70):
        mid = (low + high) / 2
        up = equation(mid) > 0
        low, high = np.where(up, mid, low), np.where(up, high, mid)
    theta = (low + high) / 2
    theta[at_low <= 0] = -np.inf if not weighted else -_BOUND
    theta[at_high >= 0] = np.inf if not weighted else _BOUND
    seen_any = (patterns.codes != MISSING).any(axis=1)
    theta[~seen_any] = np.nan
    finite = np.isfinite(theta)
    info = np.full(n, np.nan)
    info[finite] = _observed_terms(patterns, params, theta)["information"][finite]
    return theta, 1.0 / np.sqrt(info)
