"""IRT parameters of delivered item versions: calibrated where an adopted calibration has them,
provisional otherwise (docs/assessments.md, "Before calibration").

Provisional parameters let a new bank be delivered and scored on the same θ scale convention
before anyone has answered it: slope 1 and difficulty from the author's target level,
``b = 0.8 · (target level − 3)`` (level-3 items centred on the population mean, one level
≈ 0.8 SD). Scores that used any provisional item say so (method ``eap-provisional``) and are
replaced in the evidence ledger's eyes by the next calibrated attempt, never silently rescaled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .models import CalibrationStatus, ItemCalibration, ItemVersion
from .psychometrics.irt import ItemParameters

PROVISIONAL_SLOPE = 1.0
LEVEL_SPACING = 0.8


@dataclass(frozen=True)
class VersionParameters:
    a: float
    d: tuple[float, ...]
    calibrated: bool

    @property
    def n_categories(self) -> int:
        return len(self.d) + 1


def provisional(target_level: int | None) -> VersionParameters:
    b = LEVEL_SPACING * ((target_level or 3) - 3)
    return VersionParameters(PROVISIONAL_SLOPE, (-PROVISIONAL_SLOPE * b,), calibrated=False)


def parameters_for(versions: Iterable[ItemVersion]) -> dict[int, VersionParameters]:
    """Parameters per version id: the newest adopted calibration, else provisional."""
    versions = list(versions)
    found: dict[int, VersionParameters] = {}
    rows = (
        ItemCalibration.objects.filter(
            version__in=[v.pk for v in versions], run__status=CalibrationStatus.ADOPTED
        )
        .order_by("version_id", "-run__finished_at", "-run_id")
        .values_list("version_id", "a", "d")
    )
    for version_id, a, d in rows:
        found.setdefault(version_id, VersionParameters(float(a), tuple(map(float, d)), True))
    missing = [v.pk for v in versions if v.pk not in found]
    levels = dict(
        ItemVersion.objects.filter(pk__in=missing).values_list("pk", "item__target_level")
    )
    for version_id in missing:
        found[version_id] = provisional(levels[version_id])
    return found


def as_item_parameters(
    names: list[str], params: list[VersionParameters]
) -> tuple[ItemParameters, bool]:
    """The engine's parameter set for the given items; True when all are calibrated."""
    width = max((len(p.d) for p in params), default=1)
    d = np.full((len(params), width), np.nan)
    for row, p in enumerate(params):
        d[row, : len(p.d)] = p.d
    a = np.array([p.a for p in params], dtype=float)
    return ItemParameters(tuple(names), a, d), all(p.calibrated for p in params)


def category(credit: float | None, n_categories: int) -> int:
    """An item's credit in [0, 1] as a response category of its IRT model.

    Dichotomous models: 1 from half credit up (a mostly right partial-credit answer counts as
    right); graded models: the nearest of the K equally spaced categories."""
    credit = 0.0 if credit is None else min(1.0, max(0.0, credit))
    if n_categories <= 2:
        return 1 if credit >= 0.5 else 0
    return round(credit * (n_categories - 1))
