"""Demo evidence: what a year of assessments would have recorded about the demo cadres.

Each cadre gets a latent ability per competency that differs systematically by administrative
level, kind of unit and age band (so the gap analysis has real structure to find), plus a
general and a competency-specific individual part. Two waves of observations are written:
a baseline for everyone about nine months ago and a follow-up for about 40% two months ago,
showing some growth. Rows are keyed on (source, cadre), so re-running adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.utils import timezone

from people.models import AdminLevel, AgeBand, Cadre, UnitKind

from .models import Competency, Evidence, EvidenceSource, Tag
from .services import EvidenceRecord, record_evidence_rows

LEVEL_EFFECT = {AdminLevel.CITY: 0.35, AdminLevel.DISTRICT: 0.1, AdminLevel.TOWNSHIP: -0.25}
AGE_EFFECT_BY_TAG = {  # (technical, governance, leadership)
    AgeBand.UNDER_30: (0.35, -0.15, -0.35),
    AgeBand.FROM_30: (0.15, 0.0, -0.1),
    AgeBand.FROM_40: (-0.1, 0.1, 0.15),
    AgeBand.FROM_50: (-0.45, 0.15, 0.25),
}
KIND_EFFECT_BY_TAG = {
    UnitKind.DIGITAL_CENTRE: (0.35, 0.0, -0.05),
    UnitKind.PARTY_DEPARTMENT: (-0.2, 0.15, 0.3),
    UnitKind.GOV_DEPARTMENT: (0.0, 0.15, 0.1),
}
TAG_INDEX = {Tag.TECHNICAL: 0, Tag.GOVERNANCE: 1, Tag.LEADERSHIP: 2}
# Security is the "short plank" found in cadre surveys: everyone is a bit weaker on it.
COMPETENCY_SHIFT = {"D4.2": -0.3, "D4.3": -0.2, "D1.4": -0.15}
SE = 0.35


def theta_to_level(theta: np.ndarray) -> np.ndarray:
    """Map θ to the 1–5 scale: the population mean sits near 2.7, one SD is about one level."""
    return np.clip(np.round(2.7 + 0.95 * theta, 1), 1.0, 5.0)


def _latent(seed: int, cadres: list[tuple], comps: list[tuple[int, str, str]]) -> np.ndarray:
    """θ for each cadre (rows) × competency (columns)."""
    tags = np.array([TAG_INDEX[tag] for _id, _code, tag in comps])
    shift = np.array([COMPETENCY_SHIFT.get(code, 0.0) for _id, code, _tag in comps])
    out = np.empty((len(cadres), len(comps)))
    for row, (index, level, kind, age) in enumerate(cadres):
        rng = np.random.default_rng([seed, index, 7])
        general = rng.normal(0, 0.55)
        specific = rng.normal(0, 0.5, size=len(comps))
        age_eff = np.array(AGE_EFFECT_BY_TAG[age])[tags]
        kind_eff = np.array(KIND_EFFECT_BY_TAG.get(kind, (0.0, 0.0, 0.0)))[tags]
        out[row] = LEVEL_EFFECT[level] + age_eff + kind_eff + shift + general + specific
    return out


def seed_evidence(seed: int, chunk: int = 2000) -> int:
    """Write the two demo waves for every cadre that has none yet; returns rows written."""
    comps = list(
        Competency.objects.filter(domain__framework__is_current=True)
        .order_by("domain__sort_order", "sort_order")
        .values_list("id", "code", "tag")
    )
    now = timezone.now()
    baseline_at = now - timedelta(days=270)
    follow_up_at = now - timedelta(days=60)
    done = set(
        Evidence.objects.filter(
            source_kind=EvidenceSource.IMPORT, source_ref__startswith="demo-baseline:"
        )
        .values_list("cadre_id", flat=True)
        .distinct()
    )
    cadres = (
        Cadre.objects.exclude(pk__in=done)
        .order_by("pk")
        .values_list("pk", "employee_no", "unit__level", "unit__kind", "age_band")
    )
    written = 0
    kind = str(EvidenceSource.IMPORT)
    batch: list[tuple] = []

    def flush():
        nonlocal written
        index = [int(no[2:]) if no.startswith("CQ") else 10_000_000 + pk for pk, no, *_ in batch]
        theta = _latent(
            seed,
            [
                (i, lvl, kind, age)
                for i, (_pk, _no, lvl, kind, age) in zip(index, batch, strict=True)
            ],
            comps,
        )
        rows = []
        for r, (pk, no, *_rest) in enumerate(batch):
            rng = np.random.default_rng([seed, index[r], 11])
            waves = [("demo-baseline", baseline_at, theta[r])]
            if rng.random() < 0.4:
                waves.append(
                    (
                        "demo-follow-up",
                        follow_up_at,
                        theta[r] + rng.normal(0.25, 0.15, size=len(comps)),
                    )
                )
            for name, when, true_theta in waves:
                observed = true_theta + rng.normal(0, SE, size=len(comps))
                levels = theta_to_level(observed)
                ref = f"{name}:{seed}:{no}"
                rows.extend(
                    EvidenceRecord(pk, comp_id, kind, ref, level, round(theta, 3), SE, when)
                    for (comp_id, _code, _tag), level, theta in zip(
                        comps, levels.tolist(), observed.tolist(), strict=True
                    )
                )
        written += record_evidence_rows(rows)
        batch.clear()

    for row in cadres.iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    return written
