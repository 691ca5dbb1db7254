"""Classical item analysis exactly as Moodle's quiz statistics report computes it.

Trainers move between Moodle and Shuzhi, so a facility or a discrimination index must mean the
same number in both. The formulas are ported from Moodle's
``question/classes/statistics/questions/calculator.php`` (items) and
``mod/quiz/report/statistics/classes/calculator.php`` (test), including their choices:

- ``T`` is the raw sum of marks; for item i the *rest* of the test is ``X₋ᵢ = T − xᵢ``;
- all variances and covariances divide by s − 1 (s = number of attempts);
- the discrimination index is the corrected item–rest correlation × 100 — *not* an
  upper-minus-lower-27% index;
- discriminative efficiency divides the item–rest covariance by the largest covariance the two
  marginals allow (both vectors sorted ascending independently and paired by rank);
- an item whose covariance with the total is negative has no effective weight;
- an item is "dubious" when its discriminative efficiency is below 15%;
- kurtosis is excess kurtosis from k-statistics; CIC is Cronbach's α × 100.

A statistic Moodle leaves null (division by zero, too few attempts) is ``None`` here.
Reliability extras Moodle lacks (α-if-deleted, α per competency) and distractor analysis live in
``reliability`` and ``distractors``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DUBIOUS_EFFICIENCY = 15.0  # Moodle flags items whose discriminative efficiency is below 15%


@dataclass(frozen=True)
class ItemStatistics:
    """Moodle's per-slot statistics. facility and sd are fractions of the max mark, the rest %."""

    slot: str
    max_mark: float
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    effective_weight: float | None
    mark_variance: float | None
    other_mark_variance: float | None
    covariance: float | None
    covariance_max: float | None
    covariance_with_total: float | None

    @property
    def dubious(self) -> bool:
        """Moodle's rule: discriminative efficiency is known and below 15%."""
        de = self.discriminative_efficiency
        return de is not None and de < DUBIOUS_EFFICIENCY

    @property
    def flags(self) -> tuple[str, ...]:
        """Reasons to review the item, for the admin report: Moodle's flag plus a negative DI."""
        reasons = []
        if self.dubious:
            reasons.append("low-discriminative-efficiency")
        if self.discrimination_index is not None and self.discrimination_index < 0:
            reasons.append("negative-discrimination")
        return tuple(reasons)


@dataclass(frozen=True)
class TotalStatistics:
    """Moodle's statistics of the total mark; cic, error ratio in %, standard error in marks."""

    n: int
    average: float | None
    median: float | None
    standard_deviation: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None


def _check(marks: np.ndarray, max_marks: np.ndarray | None = None) -> np.ndarray:
    data = np.asarray(marks, dtype=float)
    if data.ndim != 2:
        raise ValueError("marks must be a matrix: one row per attempt, one column per slot")
    if not np.all(np.isfinite(data)):
        raise ValueError("every attempt needs a mark for every slot")
    if max_marks is not None:
        if max_marks.shape != (data.shape[1],):
            raise ValueError(f"{max_marks.size} max marks for {data.shape[1]} slots")
        if np.any(max_marks < 0):
            raise ValueError("max marks must be ≥ 0")
    return data


def item_statistics(
    marks: np.ndarray,
    max_marks: Sequence[float] | np.ndarray | None = None,
    slots: Sequence[str] | None = None,
) -> list[ItemStatistics]:
    """Moodle's question statistics for each column of ``marks`` (attempts × slots)."""
    max_arr = None if max_marks is None else np.asarray(max_marks, dtype=float)
    data = _check(marks, max_arr)
    s, n_slots = data.shape
    if max_arr is None:
        max_arr = np.ones(n_slots)
    names = [str(i + 1) for i in range(n_slots)] if slots is None else [str(x) for x in slots]
    totals = data.sum(axis=1)

    raw = [_slot_moments(data[:, i], totals) if s > 1 else None for i in range(n_slots)]
    # Effective weight: √Cov(xᵢ, T) shares, over slots whose covariance with T is ≥ 0.
    roots = [np.sqrt(r["cov_total"]) for r in raw if r is not None and r["cov_total"] >= 0]
    root_sum = float(np.sum(roots)) if roots else 0.0

    out = []
    for i in range(n_slots):
        facility = float(data[:, i].mean() / max_arr[i]) if max_arr[i] != 0 else None
        r = raw[i]
        if r is None:
            out.append(ItemStatistics(names[i], float(max_arr[i]), facility, *([None] * 9)))
            continue
        product = r["var"] * r["other_var"]
        di = 100 * r["cov"] / np.sqrt(product) if product else None
        de = 100 * r["cov"] / r["cov_max"] if r["cov_max"] else None
        ew = 100 * np.sqrt(r["cov_total"]) / root_sum if root_sum and r["cov_total"] >= 0 else None
        sd = float(np.sqrt(r["var"]) / max_arr[i]) if max_arr[i] != 0 else None
        out.append(
            ItemStatistics(
                names[i],
                float(max_arr[i]),
                facility,
                sd,
                _maybe(di),
                _maybe(de),
                _maybe(ew),
                r["var"],
                r["other_var"],
                r["cov"],
                r["cov_max"],
                r["cov_total"],
            )
        )
    return out


def _slot_moments(x: np.ndarray, totals: np.ndarray) -> dict[str, float]:
    """Variances and covariances of one slot with the rest and the total, all over s − 1."""
    rest = totals - x
    dx, drest, dtotal = x - x.mean(), rest - rest.mean(), totals - totals.mean()
    # Largest covariance the marginals allow: both sorted ascending, paired by rank.
    sorted_dx = np.sort(x) - x.mean()
    sorted_drest = np.sort(rest) - rest.mean()
    s1 = x.size - 1
    return {
        "var": float(dx @ dx / s1),
        "other_var": float(drest @ drest / s1),
        "cov": float(dx @ drest / s1),
        "cov_max": float(sorted_dx @ sorted_drest / s1),
        "cov_total": float(dx @ dtotal / s1),
    }


def _maybe(value: float | None) -> float | None:
    return None if value is None else float(value)


def total_statistics(marks: np.ndarray) -> TotalStatistics:
    """Moodle's statistics of the total mark (sum of the slot marks) over attempts."""
    data = _check(marks)
    s, n_slots = data.shape
    t = data.sum(axis=1)
    if s == 0:
        return TotalStatistics(0, *([None] * 8))
    average = float(t.mean())
    ordered = np.sort(t)
    median = float(ordered[s // 2]) if s % 2 else float(ordered[s // 2 - 1 : s // 2 + 1].mean())
    sd = skewness = kurtosis = cic = error_ratio = standard_error = None
    if s > 1:
        dev = t - average
        power2, power3, power4 = (float(np.sum(dev**k)) for k in (2, 3, 4))
        sd = float(np.sqrt(power2 / (s - 1)))
        if s > 2:
            m2, m3, m4 = power2 / s, power3 / s, power4 / s
            k2 = s * m2 / (s - 1)
            k3 = s * s * m3 / ((s - 1) * (s - 2))
            if k2 != 0:
                skewness = float(k3 / k2**1.5)
                if s > 3:
                    k4 = (
                        s
                        * s
                        * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2)
                        / ((s - 1) * (s - 2) * (s - 3))
                    )
                    kurtosis = float(k4 / (k2 * k2))
                if n_slots > 1:
                    sum_var = float(np.sum(np.var(data, axis=0, ddof=1)))
                    cic = float((100 * n_slots / (n_slots - 1)) * (1 - sum_var / k2))
                    error_ratio = float(100 * np.sqrt(max(0.0, 1 - cic / 100)))
                    standard_error = float(error_ratio * sd / 100)
    return TotalStatistics(
        s, average, median, sd, skewness, kurtosis, cic, error_ratio, standard_error
    )
