"""Marginal maximum likelihood for 0/1 items by Bock–Aitkin EM, with Louis standard errors.

One engine covers the 2PL (a slope per item), the 1PL (one slope shared by the estimated items;
the Rasch model is its reparametrisation, see ``calibration``) and unit slopes, optionally with
*anchor* items held at parameters from an earlier calibration. With anchors the latent mean and
standard deviation of the new cohort are estimated too — fixed-item parameter calibration
(FIPC; Kim, 2006) — which is how a recalibration stays on the old scale instead of being
silently re-standardised to N(0, 1).

The trait is θ = μ + σz on fixed standard-normal quadrature nodes z. Each EM cycle computes the
posterior over the nodes for every distinct response pattern (E-step), turns it into expected
counts ``n̄_jq`` (people at node q who saw item j) and ``r̄_jq`` (of whom answered correctly), and
maximises each item's expected complete-data log-likelihood by Newton's method (M-step). Standard
errors come from the observed information of the marginal likelihood, computed exactly by
Louis's (1982) identity rather than by numerical differentiation, so they cost about one more
E-step's worth of matrix products instead of 2×(number of parameters) E-steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.special import expit, log_expit

from .patterns import Patterns
from .quadrature import Quadrature, posterior_over_nodes

Slope = Literal["free", "common", "unit"]
_MAX_STEP = 1.0  # Newton steps in the M-step are clipped to keep early cycles sane


@dataclass(frozen=True)
class Design:
    """What is estimated: the slope structure, anchors, and the latent mean and SD.

    ``fixed`` maps item positions to (a, d) held constant. Estimating the latent mean or SD only
    makes sense when something else fixes the scale — anchors, or unit slopes for the SD.
    """

    slope: Slope = "free"
    fixed: dict[int, tuple[float, float]] = field(default_factory=dict)
    estimate_mean: bool = False
    estimate_sd: bool = False


@dataclass(frozen=True)
class Fit:
    """Estimates of one calibration, with the observed information over the free parameters.

    ``labels`` names the rows of ``information``: ``("a", j)``, ``("a", None)`` for a common
    slope, ``("d", j)``, ``("mean", None)`` and ``("sd", None)``.
    """

    a: np.ndarray
    d: np.ndarray
    mean: float
    sd: float
    loglik: float
    iterations: int
    converged: bool
    labels: list[tuple[str, int | None]]
    information: np.ndarray | None  # None when standard errors were not asked for


@dataclass
class _Data:
    correct: np.ndarray  # U: 1 where answered correctly (P, J)
    seen: np.ndarray  # M: 1 where presented (P, J)
    weights: np.ndarray  # w: pattern weights (P,)


def fit(
    patterns: Patterns,
    quadrature: Quadrature,
    design: Design,
    *,
    tol: float = 1e-4,
    max_cycles: int = 2000,
    standard_errors: bool = True,
) -> Fit:
    """Run EM to convergence (largest parameter change < ``tol``) and return estimates and SEs."""
    data = _Data(
        (patterns.codes == 1).astype(float), patterns.observed.astype(float), patterns.weights
    )
    n_items = patterns.n_items
    free = np.ones(n_items, dtype=bool)
    a, d = _starting_values(data)
    if design.slope == "unit":
        a[:] = 1.0
    for j, (aj, dj) in design.fixed.items():
        free[j] = False
        a[j], d[j] = aj, dj
    mean, sd = 0.0, 1.0

    converged = False
    cycle = 0
    for cycle in range(1, max_cycles + 1):  # noqa: B007 — the count is reported
        before = np.concatenate([a[free], d[free], [mean, sd]])
        theta = mean + sd * quadrature.nodes
        _, n_bar, r_bar, post = _expected_counts(data, quadrature, a, d, theta)
        _maximise_items(a, d, free, design.slope, n_bar, r_bar, theta)
        if design.estimate_mean or design.estimate_sd:
            mean, sd = _maximise_latent(post, data.weights, theta, mean, sd, design)
        after = np.concatenate([a[free], d[free], [mean, sd]])
        if np.max(np.abs(after - before)) < tol:
            converged = True
            break

    loglik = log_likelihood(patterns, quadrature, a, d, mean, sd)
    if standard_errors:
        labels, information = _louis_information(data, quadrature, a, d, mean, sd, free, design)
    else:
        labels, information = _projection(a.size, free, design)[0], None
    return Fit(a, d, mean, sd, loglik, cycle, converged, labels, information)


def log_likelihood(
    patterns: Patterns,
    quadrature: Quadrature,
    a: np.ndarray,
    d: np.ndarray,
    mean: float = 0.0,
    sd: float = 1.0,
) -> float:
    """Marginal log-likelihood Σ_p w_p log ∫ L_p(θ) φ(θ; μ, σ) dθ of 0/1 items at given values.

    What EM maximises; also what likelihood-ratio comparisons of nested models need.
    """
    data = _Data(
        (patterns.codes == 1).astype(float), patterns.observed.astype(float), patterns.weights
    )
    theta = mean + sd * quadrature.nodes
    return _expected_counts(data, quadrature, np.asarray(a, float), np.asarray(d, float), theta)[0]


def _starting_values(data: _Data) -> tuple[np.ndarray, np.ndarray]:
    seen = data.weights @ data.seen
    right = data.weights @ data.correct
    p = np.clip(right / np.maximum(seen, 1e-12), 0.02, 0.98)
    return np.ones(p.size), np.log(p / (1 - p)) * 1.3


def _expected_counts(
    data: _Data, quadrature: Quadrature, a: np.ndarray, d: np.ndarray, theta: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """E-step: marginal log-likelihood, expected counts n̄ and r̄ (J, Q), and the posterior (P, Q)."""
    logit = a[:, None] * theta[None, :] + d[:, None]
    log_p, log_q = log_expit(logit), log_expit(-logit)
    # log L = Σ_j u log P + (m − u) log Q, written to need two matrix products.
    log_like = data.correct @ (log_p - log_q) + data.seen @ log_q
    log_marginal, posterior = posterior_over_nodes(log_like, quadrature)
    weighted = posterior * data.weights[:, None]
    return (
        float(data.weights @ log_marginal),
        data.seen.T @ weighted,
        data.correct.T @ weighted,
        posterior,
    )


def _maximise_items(
    a: np.ndarray,
    d: np.ndarray,
    free: np.ndarray,
    slope: Slope,
    n_bar: np.ndarray,
    r_bar: np.ndarray,
    theta: np.ndarray,
    iterations: int = 10,
) -> None:
    """M-step: Newton on each item's expected log-likelihood, vectorised across items (in place).

    Gradient ``g_a = Σ_q θ_q (r̄ − n̄P)``, ``g_d = Σ_q (r̄ − n̄P)``; information
    ``Σ_q n̄ P Q [θ², θ; θ, 1]``. A common slope couples the items through ``a``, giving an arrow-
    shaped information matrix that is solved by its Schur complement.
    """
    idx = np.flatnonzero(free)
    if idx.size == 0:
        return
    n, r = n_bar[idx], r_bar[idx]
    for _ in range(iterations):
        p = expit(a[idx, None] * theta[None, :] + d[idx, None])
        resid = r - n * p
        curv = n * p * (1 - p)
        g_a, g_d = resid @ theta, resid.sum(axis=1)
        i_aa, i_ad, i_dd = curv @ theta**2, curv @ theta, curv.sum(axis=1)
        i_dd = np.maximum(i_dd, 1e-12)
        if slope == "free":
            det = np.maximum(i_aa * i_dd - i_ad**2, 1e-12)
            step_a = (i_dd * g_a - i_ad * g_d) / det
            step_d = (i_aa * g_d - i_ad * g_a) / det
        elif slope == "common":
            schur = i_aa.sum() - np.sum(i_ad**2 / i_dd)
            common = (g_a.sum() - np.sum(i_ad * g_d / i_dd)) / max(schur, 1e-12)
            step_a = np.full(idx.size, common)
            step_d = (g_d - i_ad * common) / i_dd
        else:  # unit slopes: only intercepts move
            step_a = np.zeros(idx.size)
            step_d = g_d / i_dd
        step_a = np.clip(step_a, -_MAX_STEP, _MAX_STEP)
        step_d = np.clip(step_d, -_MAX_STEP, _MAX_STEP)
        a[idx] += step_a
        d[idx] += step_d
        if max(np.max(np.abs(step_a)), np.max(np.abs(step_d))) < 1e-9:
            break


def _maximise_latent(
    posterior: np.ndarray,
    weights: np.ndarray,
    theta: np.ndarray,
    mean: float,
    sd: float,
    design: Design,
) -> tuple[float, float]:
    """M-step for the cohort's N(μ, σ²): the weighted posterior mean and SD of θ."""
    total = weights.sum()
    post_mean = posterior @ theta
    new_mean = float(weights @ post_mean / total) if design.estimate_mean else mean
    if not design.estimate_sd:
        return new_mean, sd
    second = posterior @ (theta - new_mean) ** 2
    return new_mean, float(np.sqrt(weights @ second / total))


def _louis_information(
    data: _Data,
    quadrature: Quadrature,
    a: np.ndarray,
    d: np.ndarray,
    mean: float,
    sd: float,
    free: np.ndarray,
    design: Design,
) -> tuple[list[tuple[str, int | None]], np.ndarray]:
    """Observed information of the marginal log-likelihood at the estimates (Louis, 1982).

    ``I = Σ_p w_p (E_post[−∂² log L_p] − Var_post[∂ log L_p])``, first in an extended linear
    parametrisation (every a_j, every d_j, μ, σ), then projected onto what was estimated: a
    common slope is the sum of the a_j columns, anchors' rows are dropped. The terms of
    ``∂²η/∂a∂μ`` are proportional to the item score equations and vanish at the maximum, so the
    result is exact there (and only there).
    """
    z = quadrature.nodes
    theta = mean + sd * z
    n_items = a.size
    _, n_bar, _, post = _expected_counts(data, quadrature, a, d, theta)
    prob = expit(a[:, None] * theta[None, :] + d[:, None])  # (J, Q)

    # E_post[−∂²]: Σ_q n̄ P Q (∂η)(∂η)ᵀ with ∂η = (θ_q at a_j, 1 at d_j, a_j at μ, a_j z_q at σ).
    curv = n_bar * prob * (1 - prob)
    dim = 2 * n_items + 2
    info = np.zeros((dim, dim))
    ia, id_, im, is_ = np.arange(n_items), n_items + np.arange(n_items), dim - 2, dim - 1
    info[ia, ia] = curv @ theta**2
    info[ia, id_] = info[id_, ia] = curv @ theta
    info[id_, id_] = curv.sum(axis=1)
    info[ia, im] = info[im, ia] = a * (curv @ theta)
    info[ia, is_] = info[is_, ia] = a * (curv @ (theta * z))
    info[id_, im] = info[im, id_] = a * curv.sum(axis=1)
    info[id_, is_] = info[is_, id_] = a * (curv @ z)
    info[im, im] = a**2 @ curv.sum(axis=1)
    info[im, is_] = info[is_, im] = a**2 @ (curv @ z)
    info[is_, is_] = a**2 @ (curv @ z**2)

    # E_post[s sᵀ] where the score at node q is s = Gᵀ e, e_j = m_j (u_j − P_jq).
    c0, c1, c2 = (np.zeros((n_items, n_items)) for _ in range(3))
    cz, c_tz, czz = (np.zeros((n_items, n_items)) for _ in range(3))
    for q in range(z.size):
        # Only patterns with posterior mass at this node contribute; skipping the rest (mass
        # < 1e−12) makes this loop several times faster on long, informative tests.
        near = np.flatnonzero(post[:, q] > 1e-12)
        resid = data.correct[near] - data.seen[near] * prob[:, q][None, :]
        cq = (resid * (data.weights[near] * post[near, q])[:, None]).T @ resid
        c0 += cq
        c1 += theta[q] * cq
        c2 += theta[q] ** 2 * cq
        cz += z[q] * cq
        c_tz += theta[q] * z[q] * cq
        czz += z[q] ** 2 * cq
    second = np.zeros((dim, dim))
    second[np.ix_(ia, ia)] = c2
    second[np.ix_(ia, id_)] = c1
    second[np.ix_(id_, ia)] = c1.T
    second[np.ix_(id_, id_)] = c0
    for rows, block in ((ia, c1), (id_, c0)):
        second[rows, im] = second[im, rows] = block @ a
    for rows, block in ((ia, c_tz), (id_, cz)):
        second[rows, is_] = second[is_, rows] = block @ a
    second[im, im] = a @ c0 @ a
    second[im, is_] = second[is_, im] = a @ cz @ a
    second[is_, is_] = a @ czz @ a

    # E_post[s] per pattern, then Σ_p w_p s̄ s̄ᵀ.
    mean_p = post @ prob.T  # Σ_q h P_jq
    mean_theta_p = (post * theta) @ prob.T
    mean_z_p = (post * z) @ prob.T
    s_d = data.correct - data.seen * mean_p
    s_a = data.correct * (post @ theta)[:, None] - data.seen * mean_theta_p
    s_z = data.correct * (post @ z)[:, None] - data.seen * mean_z_p
    scores = np.column_stack([s_a, s_d, s_d @ a, s_z @ a])
    first = (scores * data.weights[:, None]).T @ scores

    info = info - second + first
    labels, projection = _projection(n_items, free, design)
    return labels, projection.T @ info @ projection


def _projection(
    n_items: int, free: np.ndarray, design: Design
) -> tuple[list[tuple[str, int | None]], np.ndarray]:
    """Map from the estimated parameters to the extended (a_1…a_J, d_1…d_J, μ, σ) layout."""
    columns: list[np.ndarray] = []
    labels: list[tuple[str, int | None]] = []
    dim = 2 * n_items + 2
    idx = np.flatnonzero(free)

    def unit(*positions: int) -> np.ndarray:
        col = np.zeros(dim)
        col[list(positions)] = 1.0
        return col

    if design.slope == "free":
        for j in idx:
            columns.append(unit(j))
            labels.append(("a", int(j)))
    elif design.slope == "common" and idx.size:
        columns.append(unit(*idx))
        labels.append(("a", None))
    for j in idx:
        columns.append(unit(n_items + j))
        labels.append(("d", int(j)))
    if design.estimate_mean:
        columns.append(unit(dim - 2))
        labels.append(("mean", None))
    if design.estimate_sd:
        columns.append(unit(dim - 1))
        labels.append(("sd", None))
    return labels, np.column_stack(columns) if columns else np.zeros((dim, 0))
