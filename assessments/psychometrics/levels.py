"""From θ to competency levels 1–5, and from SME judgements to cut scores (modified Angoff).

Each competency bank has increasing cut scores on its θ scale; a score at or above the k-th cut
is at least level k + 1. The test-based cuts per competency-model.md §2 are L1/L2, L2/L3 and
L3/L4 (L4–L5 need work evidence as well, which the competencies app decides), so 1–4 cuts are
accepted. Because θ̂ is uncertain, :meth:`CutScores.classify` also gives the probability of each
level under θ ~ N(θ̂, SE²) and flags scores too imprecise to report (PSD > 0.50, psychometrics.md
T10).

Modified Angoff: judges picture the minimally competent candidate at a boundary and estimate,
item by item, the probability that such a candidate succeeds (or, for a polytomous item, the
expected score). A judge's cut is the sum of their estimates; the panel's cut is the mean over
judges, reported with its standard error (SD/√judges) because a cut is an estimate too. The
raw-score cut is carried to θ through the test characteristic curve of the calibrated items.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

from .irt.model import ItemParameters, expected_scores

MAX_LEVEL = 5
IMPRECISE_SE = 0.50


@dataclass(frozen=True)
class LevelResult:
    level: int
    probabilities: tuple[float, ...]  # P(level = 1 … 5) under θ ~ N(θ̂, SE²)
    imprecise: bool


@dataclass(frozen=True)
class CutScores:
    """Increasing θ cuts of one competency: ``cuts[k]`` is the lowest θ of level k + 2."""

    competency: str
    cuts: tuple[float, ...]

    def __post_init__(self) -> None:
        cuts = tuple(float(c) for c in self.cuts)
        if not 1 <= len(cuts) <= MAX_LEVEL - 1:
            raise ValueError(f"give between 1 and {MAX_LEVEL - 1} cut scores")
        if not all(np.isfinite(cuts)) or any(b <= a for a, b in pairwise(cuts)):
            raise ValueError("cut scores must be finite and strictly increasing")
        object.__setattr__(self, "cuts", cuts)

    def level(self, theta: float) -> int:
        """1 + the number of cuts at or below θ."""
        return 1 + int(np.searchsorted(self.cuts, theta, side="right"))

    def classify(self, theta: float, se: float) -> LevelResult:
        """The level of θ̂ with the probability of every level given its standard error."""
        edges = np.concatenate([[-np.inf], self.cuts, [np.inf]])
        cdf = norm.cdf(edges, loc=theta, scale=max(se, 1e-12))
        probs = np.zeros(MAX_LEVEL)
        probs[: len(self.cuts) + 1] = np.diff(cdf)
        return LevelResult(self.level(theta), tuple(float(p) for p in probs), se > IMPRECISE_SE)


@dataclass(frozen=True)
class AngoffCut:
    """A panel's cut at one boundary, as raw score and (given item parameters) on θ."""

    raw: float
    raw_se: float
    judge_cuts: tuple[float, ...]
    theta: float | None
    theta_se: float | None


def angoff_cut(ratings: np.ndarray, params: ItemParameters | None = None) -> AngoffCut:
    """Cut from a judges × items matrix of borderline-candidate expected item scores.

    Ratings of 0/1 items are probabilities in [0, 1]; a polytomous item's rating is an expected
    score between 0 and its top category. With ``params`` (the same items, same order) the cut
    is also placed on θ, with SE by the delta method through the TCC's slope.
    """
    data = np.asarray(ratings, dtype=float)
    if data.ndim != 2 or data.shape[0] < 1 or data.shape[1] < 1:
        raise ValueError("ratings must be a judges × items matrix")
    top = np.ones(data.shape[1]) if params is None else params.n_categories - 1.0
    if params is not None and params.n_items != data.shape[1]:
        raise ValueError(f"{data.shape[1]} rated items but {params.n_items} calibrated items")
    if np.any(~np.isfinite(data)) or np.any(data < 0) or np.any(data > top[None, :]):
        raise ValueError("each rating must lie between 0 and the item's maximum score")
    judge_cuts = data.sum(axis=1)
    raw = float(judge_cuts.mean())
    raw_se = (
        float(judge_cuts.std(ddof=1) / np.sqrt(judge_cuts.size)) if judge_cuts.size > 1 else 0.0
    )
    if params is None:
        return AngoffCut(raw, raw_se, tuple(judge_cuts.tolist()), None, None)
    theta = raw_to_theta(raw, params)
    slope = _tcc_slope(params, theta)
    return AngoffCut(raw, raw_se, tuple(judge_cuts.tolist()), theta, raw_se / slope)


def raw_to_theta(raw: float, params: ItemParameters, bound: float = 6.0) -> float:
    """The θ whose expected total score (TCC) equals ``raw``; must lie inside the TCC's range."""

    def gap(theta: float) -> float:
        return float(expected_scores(params, np.array([theta])).sum()) - raw

    low, high = gap(-bound), gap(bound)
    if not low < 0 < high:
        raise ValueError(
            f"raw score {raw:.3f} is outside what the items can express on θ ∈ [−{bound}, {bound}]"
        )
    return float(brentq(gap, -bound, bound, xtol=1e-10))


def _tcc_slope(params: ItemParameters, theta: float, h: float = 1e-5) -> float:
    up = expected_scores(params, np.array([theta + h])).sum()
    down = expected_scores(params, np.array([theta - h])).sum()
    return float((up - down) / (2 * h))
