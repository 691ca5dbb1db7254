"""Simulated examinees: the yardstick for recovery studies, CAT design and benchmarks.

Recovery is how an estimator is judged when no published value exists: draw parameters, draw
responses from the model, calibrate, and compare with the truth. The default bank follows the
design of psychometrics.md §2 (a ~ LogNormal(0, 0.3), b ~ N(0, 1) clipped to ±2.5).
"""

from __future__ import annotations

import numpy as np

from .model import ItemParameters, category_probabilities


def simulate_responses(
    params: ItemParameters, theta: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One response per person and item, drawn from the model: shape (N, J), float categories."""
    theta = np.asarray(theta, dtype=float)
    prob = category_probabilities(params, theta)  # (J, K, N)
    cumulative = np.cumsum(prob, axis=1)
    draws = rng.random((params.n_items, 1, theta.size))
    return (draws > cumulative[:, :-1, :]).sum(axis=1).T.astype(float)


def typical_bank(n_items: int, rng: np.random.Generator, prefix: str = "i") -> ItemParameters:
    """A 2PL bank like the research notes' 'typical' one: a ~ LogNormal(0, .3), b ~ N(0,1) ±2.5."""
    a = rng.lognormal(0.0, 0.3, n_items)
    b = np.clip(rng.normal(0.0, 1.0, n_items), -2.5, 2.5)
    names = tuple(f"{prefix}{j + 1}" for j in range(n_items))
    return ItemParameters(names, a, (-a * b)[:, None])


def graded_bank(
    n_items: int, n_categories: int, rng: np.random.Generator, prefix: str = "g"
) -> ItemParameters:
    """A graded-response bank with ordered thresholds spread around a random item location."""
    a = rng.lognormal(0.2, 0.25, n_items)
    location = rng.normal(0.0, 0.8, n_items)
    spread = np.sort(rng.uniform(-1.5, 1.5, (n_items, n_categories - 1)), axis=1)
    spread += np.linspace(0.0, 0.3, n_categories - 1)  # keep neighbouring thresholds apart
    b = location[:, None] + spread
    names = tuple(f"{prefix}{j + 1}" for j in range(n_items))
    return ItemParameters(names, a, -a[:, None] * b)
