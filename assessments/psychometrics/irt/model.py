"""The item model every IRT routine shares: the graded logistic family in slope-intercept form.

One representation serves dichotomous and polytomous items alike. Item j has a slope ``a_j``
and decreasing intercepts ``d_j1 > d_j2 > … > d_j,K-1``; the probability of scoring at least k
is ``P*_jk(θ) = σ(a_j θ + d_jk)`` and of scoring exactly k is ``P*_jk − P*_j,k+1`` (Samejima's
graded response model). With two categories this *is* the 2PL, ``P(1) = σ(aθ + d)``, so
calibration, scoring, information and adaptive selection never need to ask which kind of item
they hold. Items with fewer categories than the widest item pad their intercepts with NaN.

We store ``a`` and ``d`` (as R mirt does) because they are what the likelihood uses and they stay
finite when ``a`` is near zero; difficulty ``b = −d/a`` is derived for people who think in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

_TINY = 1e-300  # floor for probabilities before taking logs


@dataclass(frozen=True)
class ItemParameters:
    """Calibrated parameters of a set of items, in one fixed order.

    ``d`` has shape (J, K_max − 1): row j holds item j's intercepts in decreasing order, NaN-padded
    for items with fewer categories.
    """

    names: tuple[str, ...]
    a: np.ndarray
    d: np.ndarray
    n_categories: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        a = np.asarray(self.a, dtype=float).reshape(-1)
        d = np.asarray(self.d, dtype=float)
        if d.ndim == 1:
            d = d[:, None]
        if len(self.names) != a.size or d.shape[0] != a.size:
            raise ValueError("names, a and d must describe the same number of items")
        present = ~np.isnan(d)
        # Intercepts must be a contiguous, strictly decreasing run from the first column.
        if np.any(present[:, 1:] & ~present[:, :-1]) or not present[:, 0].all():
            raise ValueError("each item needs its intercepts in the first columns, without gaps")
        diffs = np.diff(np.where(present, d, 0.0), axis=1)
        if np.any((diffs >= 0) & present[:, 1:]):
            raise ValueError("intercepts must decrease: d_1 > d_2 > … for every item")
        object.__setattr__(self, "names", tuple(str(n) for n in self.names))
        object.__setattr__(self, "a", a)
        object.__setattr__(self, "d", d)
        object.__setattr__(self, "n_categories", present.sum(axis=1) + 1)

    @property
    def n_items(self) -> int:
        return self.a.size

    @property
    def b(self) -> np.ndarray:
        """Difficulties (thresholds) ``b = −d/a``, same shape as ``d``."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return -self.d / self.a[:, None]

    def subset(self, indices: Sequence[int]) -> ItemParameters:
        """The parameters of the given items, in the given order."""
        idx = np.asarray(indices, dtype=int)
        d = self.d[idx]
        keep = max(1, int((~np.isnan(d)).sum(axis=1).max(initial=1)))
        return ItemParameters(tuple(self.names[i] for i in idx), self.a[idx], d[:, :keep])

    def index(self, names: Sequence[str]) -> list[int]:
        """Positions of the named items; a clear error names the first unknown one."""
        where = {n: i for i, n in enumerate(self.names)}
        missing = [n for n in names if n not in where]
        if missing:
            raise KeyError(f"unknown item {missing[0]!r}")
        return [where[n] for n in names]


def cumulative_logits(params: ItemParameters, theta: np.ndarray) -> np.ndarray:
    """``a θ + d`` bounded by +∞ (score ≥ 0) and −∞ (score ≥ K): shape (J, K_max + 1, Q).

    Padding intercepts become −∞, so padded categories get probability exactly zero.
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    d = np.where(np.isnan(params.d), -np.inf, params.d)
    inner = params.a[:, None, None] * theta[None, None, :] + d[:, :, None]
    j, q = params.n_items, theta.size
    return np.concatenate([np.full((j, 1, q), np.inf), inner, np.full((j, 1, q), -np.inf)], axis=1)


def category_probabilities(params: ItemParameters, theta: np.ndarray) -> np.ndarray:
    """P(X_j = k | θ) for every item, category and θ: shape (J, K_max, Q).

    Differences of logistic curves are taken on whichever side keeps precision: near the top of
    the curves ``σ(z_k) − σ(z_k+1)`` cancels catastrophically, ``σ(−z_k+1) − σ(−z_k)`` does not.
    """
    z = cumulative_logits(params, theta)
    upper, lower = z[:, :-1], z[:, 1:]
    return np.where(
        lower > 0,
        expit(-lower) - expit(-upper),
        expit(upper) - expit(lower),
    )


def log_category_probabilities(params: ItemParameters, theta: np.ndarray) -> np.ndarray:
    """log P(X_j = k | θ), shape (J, K_max, Q); padded categories get a very negative value."""
    return np.log(np.maximum(category_probabilities(params, theta), _TINY))


def category_derivatives(
    params: ItemParameters, theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P, ∂P/∂θ and ∂²P/∂θ² for every item, category and θ, each of shape (J, K_max, Q).

    Scoring (MAP, WLE) and information need the derivatives; they follow from
    ``∂P*/∂θ = a P*(1 − P*)`` and ``∂²P*/∂θ² = a² P*(1 − P*)(1 − 2P*)``.
    """
    z = cumulative_logits(params, theta)
    star = expit(z)
    slope = params.a[:, None, None]
    s1 = slope * star * (1.0 - star)
    s2 = slope * s1 * (1.0 - 2.0 * star)
    prob = category_probabilities(params, theta)
    return prob, s1[:, :-1] - s1[:, 1:], s2[:, :-1] - s2[:, 1:]


def item_information(params: ItemParameters, theta: np.ndarray) -> np.ndarray:
    """Fisher information of each item at each θ, shape (J, Q): Σ_k (∂P_k/∂θ)² / P_k.

    For a 2PL item this is ``a² P Q``.
    """
    prob, first, _ = category_derivatives(params, theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(prob > _TINY, first**2 / np.maximum(prob, _TINY), 0.0)
    return terms.sum(axis=1)


def total_information(params: ItemParameters, theta: np.ndarray) -> np.ndarray:
    """Test information Σ_j I_j(θ) of the items, shape (Q,); ``1/√I`` is the SE of ML θ̂."""
    return item_information(params, theta).sum(axis=0)


def expected_scores(params: ItemParameters, theta: np.ndarray) -> np.ndarray:
    """Expected item score Σ_k k P_k(θ), shape (J, Q); summed over items it is the TCC."""
    prob = category_probabilities(params, theta)
    return np.tensordot(np.arange(prob.shape[1]), prob, axes=([0], [1]))
