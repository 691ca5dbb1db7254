"""Samejima's graded response model by Bock–Aitkin EM, for rubric, SJT and partial-credit items.

The E-step is the dichotomous one generalised to categories: a one-hot matrix of the observed
categories times the per-category log probabilities gives every pattern's likelihood at every
node, and its transpose times the weighted posterior gives the expected category counts
``r̄_jkq``. The M-step maximises each item's expected log-likelihood by Fisher scoring with step
halving, which keeps the intercepts ordered (d_1 > d_2 > …) as the model requires.

Standard errors: central differences of the exact marginal score (Fisher's identity — the
M-step gradient evaluated at a fresh E-step), i.e. a numerical observed information. It costs
two E-steps per parameter, which is fine for the few dozen polytomous items of a competency
bank (psychometrics.md §4.5 allows it up to J ≈ 300).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from .model import ItemParameters, log_category_probabilities
from .patterns import Patterns
from .quadrature import Quadrature, posterior_over_nodes


@dataclass(frozen=True)
class GradedFit:
    """Estimates with the observed information over (a_1, d_11…, a_2, d_21…, …) in item order."""

    params: ItemParameters
    loglik: float
    iterations: int
    converged: bool
    information: np.ndarray | None  # None when standard errors were not asked for


def fit(
    patterns: Patterns,
    n_categories: np.ndarray,
    names: tuple[str, ...],
    quadrature: Quadrature,
    *,
    tol: float = 1e-4,
    max_cycles: int = 2000,
    standard_errors: bool = True,
) -> GradedFit:
    """Calibrate a graded response model; categories are coded 0 … K_j − 1 in ``patterns``."""
    onehot = patterns.one_hot(n_categories)
    vectors = _starting_values(onehot, patterns, n_categories)
    theta = quadrature.nodes
    converged = False
    cycle = 0
    for cycle in range(1, max_cycles + 1):  # noqa: B007 — the count is reported
        params = _params(names, vectors)
        _, counts = _expected_counts(onehot, patterns.weights, params, quadrature)
        before = np.concatenate(vectors)
        vectors = [
            _maximise_item(vec, counts_j, theta)
            for vec, counts_j in zip(vectors, _split(counts, n_categories), strict=True)
        ]
        if np.max(np.abs(np.concatenate(vectors) - before)) < tol:
            converged = True
            break
    params = _params(names, vectors)
    loglik = log_likelihood(patterns, params, quadrature)
    information = (
        _numerical_information(onehot, patterns.weights, names, vectors, quadrature)
        if standard_errors
        else None
    )
    return GradedFit(params, loglik, cycle, converged, information)


def log_likelihood(patterns: Patterns, params: ItemParameters, quadrature: Quadrature) -> float:
    """Marginal log-likelihood of graded (or 0/1) items at given parameters, θ ~ N(0, 1)."""
    onehot = patterns.one_hot(params.n_categories)
    return _expected_counts(onehot, patterns.weights, params, quadrature)[0]


def _params(names: tuple[str, ...], vectors: list[np.ndarray]) -> ItemParameters:
    width = max(v.size - 1 for v in vectors)
    d = np.full((len(vectors), width), np.nan)
    for j, v in enumerate(vectors):
        d[j, : v.size - 1] = v[1:]
    return ItemParameters(names, np.array([v[0] for v in vectors]), d)


def _split(counts: np.ndarray, n_categories: np.ndarray) -> list[np.ndarray]:
    return np.split(counts, np.cumsum(n_categories)[:-1])


def _starting_values(
    onehot: np.ndarray, patterns: Patterns, n_categories: np.ndarray
) -> list[np.ndarray]:
    """Slope 1 and intercepts from the observed cumulative proportions (ordered by construction)."""
    totals = patterns.weights @ onehot
    vectors = []
    for block in _split(totals, n_categories):
        at_least = np.cumsum(block[::-1])[::-1][1:] / block.sum()
        at_least = np.clip(at_least, 0.01, 0.99)
        d = 1.3 * np.log(at_least / (1 - at_least))
        d -= np.arange(d.size) * 1e-3  # strictly decreasing even when proportions tie
        vectors.append(np.concatenate([[1.0], d]))
    return vectors


def _expected_counts(
    onehot: np.ndarray, weights: np.ndarray, params: ItemParameters, quadrature: Quadrature
) -> tuple[float, np.ndarray]:
    """E-step: marginal log-likelihood and expected category counts (Σ_j K_j, Q)."""
    log_prob = log_category_probabilities(params, quadrature.nodes)  # (J, K_max, Q)
    valid = np.arange(log_prob.shape[1])[None, :] < params.n_categories[:, None]
    stacked = log_prob[valid]  # (Σ K_j, Q), item-major like the one-hot columns
    log_marginal, posterior = posterior_over_nodes(onehot @ stacked, quadrature)
    return float(weights @ log_marginal), onehot.T @ (posterior * weights[:, None])


def _item_terms(vec: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Category probabilities (K, Q) and their derivatives w.r.t. (a, d_1…) (K, 1+K−1, Q)."""
    a, d = vec[0], vec[1:]
    n_cat = d.size + 1
    star = expit(a * theta[None, :] + d[:, None])  # (K−1, Q)
    ones, zeros = np.ones((1, theta.size)), np.zeros((1, theta.size))
    full = np.vstack([ones, star, zeros])
    prob = full[:-1] - full[1:]
    slope = np.vstack([zeros, star * (1 - star), zeros])  # dP*/dz, zero at the ends
    deriv = np.zeros((n_cat, n_cat, theta.size))
    deriv[:, 0, :] = theta[None, :] * (slope[:-1] - slope[1:])
    for m in range(1, n_cat):  # intercept d_m raises P_{m} and lowers P_{m−1}
        deriv[m, m, :] += slope[m]
        deriv[m - 1, m, :] -= slope[m]
    return np.maximum(prob, 1e-300), deriv


def _item_gradient(vec: np.ndarray, counts: np.ndarray, theta: np.ndarray) -> np.ndarray:
    prob, deriv = _item_terms(vec, theta)
    return np.einsum("kq,kpq->p", counts / prob, deriv)


def _item_loglik(vec: np.ndarray, counts: np.ndarray, theta: np.ndarray) -> float:
    prob, _ = _item_terms(vec, theta)
    return float(np.sum(counts * np.log(prob)))


def _maximise_item(
    vec: np.ndarray, counts: np.ndarray, theta: np.ndarray, iterations: int = 10
) -> np.ndarray:
    """M-step for one item: Fisher scoring, halving any step that disorders the intercepts."""
    n_q = counts.sum(axis=0)
    current = _item_loglik(vec, counts, theta)
    for _ in range(iterations):
        prob, deriv = _item_terms(vec, theta)
        grad = np.einsum("kq,kpq->p", counts / prob, deriv)
        info = np.einsum("q,kpq,krq->pr", n_q, deriv / prob[:, None, :], deriv)
        try:
            step = np.linalg.solve(info + 1e-10 * np.eye(vec.size), grad)
        except np.linalg.LinAlgError:
            break
        step = np.clip(step, -1.0, 1.0)
        for _halving in range(30):
            candidate = vec + step
            if np.all(np.diff(candidate[1:]) < 0):
                value = _item_loglik(candidate, counts, theta)
                if value >= current - 1e-12:
                    break
            step = step / 2
        else:
            break
        vec, current = candidate, value
        if np.max(np.abs(step)) < 1e-9:
            break
    return vec


def _numerical_information(
    onehot: np.ndarray,
    weights: np.ndarray,
    names: tuple[str, ...],
    vectors: list[np.ndarray],
    quadrature: Quadrature,
) -> np.ndarray:
    """−∂²ℓ by central differences of the exact marginal score; symmetrised."""
    sizes = [v.size for v in vectors]
    flat = np.concatenate(vectors)
    theta = quadrature.nodes

    def score(point: np.ndarray) -> np.ndarray:
        parts = np.split(point, np.cumsum(sizes)[:-1])
        _, counts = _expected_counts(onehot, weights, _params(names, parts), quadrature)
        n_cat = np.array(sizes)
        return np.concatenate(
            [_item_gradient(v, c, theta) for v, c in zip(parts, _split(counts, n_cat), strict=True)]
        )

    hessian = np.zeros((flat.size, flat.size))
    for i in range(flat.size):
        h = 1e-4 * max(1.0, abs(flat[i]))
        up, down = flat.copy(), flat.copy()
        up[i] += h
        down[i] -= h
        hessian[:, i] = (score(up) - score(down)) / (2 * h)
    return -(hessian + hessian.T) / 2
