"""Response matrices as the estimators want them: checked, integer-coded and collapsed.

Many people give the same answers (LSAT7's 1,000 examinees show only 32 patterns), so every
likelihood is computed once per distinct pattern and weighted by how many people — or how much
person weight — share it. Missing responses (an item not presented) are coded −1 and simply
leave the likelihood; that is what lets linked forms and adaptive tests be calibrated together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MISSING = -1


@dataclass(frozen=True)
class Patterns:
    """Distinct response patterns, their total weights, and which pattern each person gave.

    ``codes`` has shape (P, J) with categories 0, 1, … and ``MISSING`` for not presented.
    """

    codes: np.ndarray
    weights: np.ndarray
    person_pattern: np.ndarray

    @property
    def n_items(self) -> int:
        return self.codes.shape[1]

    @property
    def observed(self) -> np.ndarray:
        return self.codes != MISSING

    def one_hot(self, n_categories: np.ndarray) -> np.ndarray:
        """Indicator matrix (P, Σ_j K_j): column block j marks which category of item j was given.

        A product of this matrix with stacked per-category log probabilities sums a pattern's
        log-likelihood in one BLAS call.
        """
        offsets = np.concatenate([[0], np.cumsum(n_categories)[:-1]])
        out = np.zeros((self.codes.shape[0], int(np.sum(n_categories))))
        rows, items = np.nonzero(self.observed)
        out[rows, offsets[items] + self.codes[rows, items]] = 1.0
        return out


def as_codes(responses: np.ndarray) -> np.ndarray:
    """Float matrix (NaN = not presented) to integer codes, refusing fractions and negatives."""
    data = np.asarray(responses, dtype=float)
    if data.ndim != 2:
        raise ValueError("responses must be a two-dimensional matrix (people × items)")
    present = ~np.isnan(data)
    values = data[present]
    if np.any(values < 0) or np.any(values != np.round(values)):
        raise ValueError("responses must be whole numbers ≥ 0 (or blank for not presented)")
    codes = np.full(data.shape, MISSING, dtype=np.int64)
    codes[present] = values.astype(np.int64)
    return codes


def collapse(codes: np.ndarray, weights: np.ndarray | None = None) -> Patterns:
    """Group identical rows of an integer response matrix, summing their person weights."""
    codes = np.asarray(codes, dtype=np.int64)
    n = codes.shape[0]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise ValueError("one weight per person is required")
    if np.any(~np.isfinite(w)) or np.any(w < 0):
        raise ValueError("person weights must be finite and ≥ 0")
    unique, inverse = np.unique(codes, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    return Patterns(unique, np.bincount(inverse, weights=w, minlength=len(unique)), inverse)
