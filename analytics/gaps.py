"""Gap measures of competency-model.md §3 (a pure core: no Django), vectorised with numpy/pandas.

Notation: R = required level (0–5) of the cadre's position on a competency, w = its criticality
(1 useful, 2 important, 3 critical), A = the cadre's fused level (analytics.fusion).

* gap g = max(0, R − A); surplus = max(0, A − R), kept apart (redeployable capacity, never
  netted against gaps);
* WGI = Σ w·g / Σ w·R over the competencies the position requires; readiness = 1 − WGI;
* coverage = the share of cadres with A ≥ R among those whose position requires the competency;
* critical-gap flag: among cadres for whom the competency is critical (w = 3), coverage is below
  ``CRITICAL_COVERAGE`` (60 %, §3.3 — "to be calibrated").

Aggregates are kept as *sums* (``SUM_COLUMNS``), so a unit's figure is the sum over its
sub-units and any group (level, position, age band) is a sum of stored rows; ``measures`` turns
sums into the reported means and shares. A cadre without an estimate on a competency has no
gap there (unknown is not zero): they are left out of that competency's sums.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

CRITICAL_WEIGHT = 3
CRITICAL_COVERAGE = 0.6

SUM_COLUMNS = (
    "n",  # cadres with an estimate
    "sum_level",
    "n_low_confidence",
    "n_required",  # … whose position requires the competency (R > 0)
    "n_met",  # … and who meet it (A ≥ R)
    "sum_gap",
    "sum_surplus",
    "sum_weighted_gap",  # Σ w·g
    "sum_weighted_required",  # Σ w·R
    "n_critical",  # cadres for whom the competency is critical (w = 3, R > 0)
    "n_critical_met",
)


def gap(required: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """g = max(0, R − A), elementwise (NaN where either is unknown)."""
    return np.maximum(0.0, np.asarray(required, float) - np.asarray(actual, float))


def surplus(required: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """max(0, A − R): capacity above the requirement, reported separately from gaps."""
    return np.maximum(0.0, np.asarray(actual, float) - np.asarray(required, float))


def weighted_gap_index(
    required: Sequence[float], weight: Sequence[float], actual: Sequence[float]
) -> float:
    """WGI of one cadre: Σ w·g / Σ w·R over required competencies with a known level, in [0, 1].
    NaN when nothing required has been measured."""
    r, w, a = (np.asarray(x, float) for x in (required, weight, actual))
    known = np.isfinite(r) & np.isfinite(w) & np.isfinite(a) & (r > 0)
    denominator = float(np.sum(w[known] * r[known]))
    if denominator == 0:
        return float("nan")
    return float(np.sum(w[known] * gap(r[known], a[known])) / denominator)


def readiness(wgi: float | np.ndarray) -> float | np.ndarray:
    """1 − WGI: the share of the position's weighted demand the cadre already meets."""
    return 1.0 - wgi


def cell_frame(cells: pd.DataFrame) -> pd.DataFrame:
    """Per cadre × competency terms of every sum. ``cells`` has ``level`` (A), ``required``
    (R, NaN when the position has no requirement), ``weight`` and ``low_confidence``."""
    level = cells["level"].to_numpy(float)
    required = cells["required"].fillna(0).to_numpy(float)
    weight = cells["weight"].fillna(0).to_numpy(float)
    has_level = np.isfinite(level)
    is_required = has_level & (required > 0)
    g = np.where(is_required, gap(required, level), 0.0)
    met = is_required & (g == 0)
    critical = is_required & (weight == CRITICAL_WEIGHT)
    out = cells.copy()
    out["n"] = has_level.astype(np.int64)
    out["sum_level"] = np.where(has_level, level, 0.0)
    out["n_low_confidence"] = (
        has_level & cells["low_confidence"].fillna(False).to_numpy(bool)
    ).astype(np.int64)
    out["n_required"] = is_required.astype(np.int64)
    out["n_met"] = met.astype(np.int64)
    out["sum_gap"] = g
    out["sum_surplus"] = np.where(is_required, surplus(required, level), 0.0)
    out["sum_weighted_gap"] = np.where(is_required, weight * g, 0.0)
    out["sum_weighted_required"] = np.where(is_required, weight * required, 0.0)
    out["n_critical"] = critical.astype(np.int64)
    out["n_critical_met"] = (critical & met).astype(np.int64)
    return out


def partial_sums(cells: pd.DataFrame, by: Sequence[str], *, terms: bool = False) -> pd.DataFrame:
    """SUM_COLUMNS grouped by ``by`` (e.g. unit and competency): the stored aggregate.
    ``terms=True`` when ``cells`` already went through cell_frame (grouped several ways)."""
    frame = cells if terms else cell_frame(cells)
    return frame.groupby(list(by), sort=True)[list(SUM_COLUMNS)].sum().reset_index()


def measures(sums: pd.DataFrame) -> pd.DataFrame:
    """Reported measures from sums: mean level, coverage, mean gap (over cadres the
    competency is required of), WGI/readiness of the group, share of critical-requirement
    cadres with a gap, and the critical-gap flag."""
    out = sums.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        n = sums["n"].astype(float)
        n_required = sums["n_required"].astype(float)
        n_critical = sums["n_critical"].astype(float)
        out["mean_level"] = (sums["sum_level"] / n).where(n > 0)
        out["coverage"] = (sums["n_met"] / n_required).where(n_required > 0)
        out["mean_gap"] = (sums["sum_gap"] / n_required).where(n_required > 0)
        out["wgi"] = (sums["sum_weighted_gap"] / sums["sum_weighted_required"]).where(
            sums["sum_weighted_required"] > 0
        )
        out["readiness"] = readiness(out["wgi"])
        critical_coverage = (sums["n_critical_met"] / n_critical).where(n_critical > 0)
        out["critical_share"] = 1.0 - critical_coverage
        out["critical_gap"] = (critical_coverage < CRITICAL_COVERAGE).fillna(False)
    return out


def cadre_gaps(cells: pd.DataFrame) -> pd.DataFrame:
    """Per cadre: WGI and readiness over their position's requirements (one profile, or a
    roster): Σ w·g / Σ w·R with the sums taken per cadre."""
    sums = partial_sums(cells, ["cadre_id"])
    with np.errstate(divide="ignore", invalid="ignore"):
        sums["wgi"] = (sums["sum_weighted_gap"] / sums["sum_weighted_required"]).where(
            sums["sum_weighted_required"] > 0
        )
    sums["readiness"] = readiness(sums["wgi"])
    return sums[["cadre_id", "wgi", "readiness", "sum_weighted_gap", "sum_surplus"]]
