"""Fusing the Evidence ledger into one estimate per cadre × competency (a pure core: no Django).

Why one rule: the profile, the gap matrix, the heat maps and the planning helpers must all read
the *same* number for "how good is this cadre at D2.3 today", or HR would see figures that
disagree. The rule (docs/analytics.md, "Fusion"):

* Every observation is a noisy measurement of the cadre's level on the 1–5 scale with a
  standard error (SE). IRT-scored assessments carry their own SE of θ, converted to levels
  (``LEVELS_PER_THETA`` levels per unit of θ, the scale the framework's θ→level mapping uses);
  other sources get a fixed SE per kind: scenario runs are weaker evidence (larger SE) than
  assessments.
* Older evidence decays: its precision is multiplied by ``0.5 ** (age / half_life)``
  (half-life one year by default) — one year old, it counts half as much.
* The estimate is the precision-weighted mean (inverse-variance weighting, the maximum-
  likelihood estimate for independent normal errors); its SE is ``1 / sqrt(Σ precision)``.
  θ is fused in the same way over the rows that carry θ and its SE.
* An estimate whose SE exceeds ``low_confidence_se`` is flagged low-confidence: one old
  scenario run is not enough to place a cadre.

Everything is vectorised over a DataFrame of ledger rows (pandas group-by sums), so a chunk of
thousands of cadres is fused in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

LEVELS_PER_THETA = 0.95  # one SD of θ is about one level (competencies.demo.theta_to_level)

EVIDENCE_COLUMNS = (
    "cadre_id",
    "competency_id",
    "source_kind",
    "value",
    "theta",
    "theta_se",
    "observed_at",
)
ESTIMATE_COLUMNS = (
    "cadre_id",
    "competency_id",
    "level",
    "level_se",
    "theta",
    "theta_se",
    "n_evidence",
    "last_observed",
    "low_confidence",
)


@dataclass(frozen=True)
class FusionParams:
    """The documented constants of the fusion rule (docs/analytics.md)."""

    half_life_days: float = 365.0
    # SE (in levels) of one observation of each kind when it carries no SE of its own.
    default_se: dict[str, float] = field(
        default_factory=lambda: {
            "assessment": 0.45,
            "import": 0.45,
            "rating": 0.6,
            "scenario": 0.8,  # scenario runs are weaker evidence than assessments
        }
    )
    fallback_se: float = 0.8
    # SE above which an estimate is flagged low-confidence (one fresh assessment passes,
    # a lone scenario run or a two-year-old assessment does not).
    low_confidence_se: float = 0.6
    # Scenario evidence is never treated as more precise than this, even if it reports an SE.
    scenario_min_se: float = 0.6


DEFAULT_PARAMS = FusionParams()


def decay(age_days: np.ndarray, half_life_days: float) -> np.ndarray:
    """Multiplier of an observation's precision for its age (1 when new, ½ after a half-life).
    Evidence dated in the future (clock skew) counts as new."""
    return np.power(0.5, np.clip(age_days, 0.0, None) / half_life_days)


def observation_se(frame: pd.DataFrame, params: FusionParams = DEFAULT_PARAMS) -> np.ndarray:
    """SE on the level scale of each ledger row: from θ's SE where the row is IRT-scored,
    otherwise the default of its kind; scenario rows are floored at ``scenario_min_se``."""
    kinds = frame["source_kind"].astype(str)
    default = kinds.map(params.default_se).fillna(params.fallback_se).to_numpy(float)
    theta_se = pd.to_numeric(frame["theta_se"], errors="coerce").to_numpy(float)
    se = np.where(np.isfinite(theta_se), theta_se * LEVELS_PER_THETA, default)
    return np.where(kinds.eq("scenario").to_numpy(), np.maximum(se, params.scenario_min_se), se)


def empty_estimates() -> pd.DataFrame:
    return pd.DataFrame({column: [] for column in ESTIMATE_COLUMNS})


def fuse(
    evidence: pd.DataFrame, as_of: datetime, params: FusionParams = DEFAULT_PARAMS
) -> pd.DataFrame:
    """One row per (cadre, competency) present in ``evidence`` (columns EVIDENCE_COLUMNS;
    superseded rows already removed), fused as of ``as_of``. Rows observed after ``as_of``
    are ignored, so the same function gives the profile at any past date."""
    if evidence.empty:
        return empty_estimates()
    observed = pd.to_datetime(evidence["observed_at"], utc=True)
    keep = (observed <= pd.Timestamp(as_of)).to_numpy()
    frame = evidence.loc[keep, list(EVIDENCE_COLUMNS)].copy()
    if frame.empty:
        return empty_estimates()
    observed = observed[keep]
    age_days = (pd.Timestamp(as_of) - observed).dt.total_seconds().to_numpy() / 86400.0
    weight = decay(age_days, params.half_life_days)
    se = observation_se(frame, params)
    value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(float)
    theta = pd.to_numeric(frame["theta"], errors="coerce").to_numpy(float)
    theta_se = pd.to_numeric(frame["theta_se"], errors="coerce").to_numpy(float)
    has_level = np.isfinite(value)
    has_theta = np.isfinite(theta) & np.isfinite(theta_se)
    precision = np.where(has_level, weight / se**2, 0.0)
    theta_precision = np.where(has_theta, weight / np.where(has_theta, theta_se, 1.0) ** 2, 0.0)
    parts = pd.DataFrame(
        {
            "cadre_id": frame["cadre_id"].to_numpy(),
            "competency_id": frame["competency_id"].to_numpy(),
            "p": precision,
            "pv": precision * np.nan_to_num(value),
            "tp": theta_precision,
            "tpv": theta_precision * np.nan_to_num(theta),
            "n": has_level.astype(int),
            "observed_at": observed.to_numpy(),
        }
    )
    sums = parts.groupby(["cadre_id", "competency_id"], sort=True).agg(
        p=("p", "sum"),
        pv=("pv", "sum"),
        tp=("tp", "sum"),
        tpv=("tpv", "sum"),
        n=("n", "sum"),
        last_observed=("observed_at", "max"),
    )
    sums = sums[sums["p"] > 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        level = sums["pv"] / sums["p"]
        level_se = 1.0 / np.sqrt(sums["p"])
        theta_hat = (sums["tpv"] / sums["tp"]).where(sums["tp"] > 0)
        theta_hat_se = (1.0 / np.sqrt(sums["tp"])).where(sums["tp"] > 0)
    out = pd.DataFrame(
        {
            # Rounded to 10⁻⁶ level: far below any measurement's precision, and it keeps A ≥ R
            # from flipping on floating-point noise when the same evidence is re-fused later.
            "level": level.clip(1.0, 5.0).round(6),
            "level_se": level_se,
            "theta": theta_hat,
            "theta_se": theta_hat_se,
            "n_evidence": sums["n"].astype(int),
            "last_observed": sums["last_observed"],
            "low_confidence": level_se > params.low_confidence_se,
        }
    ).reset_index()
    return out[list(ESTIMATE_COLUMNS)]
