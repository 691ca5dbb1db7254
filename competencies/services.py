"""Write paths of the competency app: the one way evidence enters the ledger."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Competency, Evidence, EvidenceSource
from .signals import evidence_recorded


@dataclass(frozen=True)
class Observation:
    """One piece of evidence to record; ``competency`` is a code such as "D2.3" or an id."""

    cadre_id: int
    competency: str | int
    value: float | None = None
    theta: float | None = None
    theta_se: float | None = None
    observed_at: datetime | None = None
    note: str = ""


def _check(obs: Observation) -> None:
    if obs.value is None and obs.theta is None:
        raise ValidationError("evidence needs a level value or a θ estimate")
    if obs.value is not None and not (1 <= obs.value <= 5 and math.isfinite(obs.value)):
        raise ValidationError(f"level value {obs.value} is outside 1–5")
    if obs.theta is not None and not math.isfinite(obs.theta):
        raise ValidationError("θ must be a finite number")
    if obs.theta_se is not None and not (obs.theta_se > 0 and math.isfinite(obs.theta_se)):
        raise ValidationError("the standard error of θ must be positive")


def _competency_ids(keys: set[str | int]) -> dict[str | int, int]:
    codes = {k for k in keys if isinstance(k, str)}
    ids = {k: k for k in keys if isinstance(k, int)}
    if codes:
        found = dict(
            Competency.objects.filter(
                code__in=codes, domain__framework__is_current=True
            ).values_list("code", "id")
        )
        missing = codes - found.keys()
        if missing:
            raise ValidationError(f"unknown competency code(s): {', '.join(sorted(missing))}")
        ids.update(found)
    return ids


def record_evidence(
    observations: Iterable[Observation],
    *,
    source_kind: EvidenceSource | str,
    source_ref: str,
) -> int:
    """Append observations from one source to the ledger; returns how many rows were new.

    Idempotent: an observation already recorded for the same cadre, competency and source is
    skipped (a retried task records nothing twice). Either every row is valid and written, or
    a ValidationError is raised and nothing is.
    """
    observations = list(observations)
    if source_kind not in EvidenceSource.values:
        raise ValidationError(f"unknown evidence source kind {source_kind!r}")
    if not source_ref:
        raise ValidationError("evidence needs a source reference")
    for obs in observations:
        _check(obs)
    competency_ids = _competency_ids({obs.competency for obs in observations})
    now = timezone.now()
    rows = [
        Evidence(
            cadre_id=obs.cadre_id,
            competency_id=competency_ids[obs.competency],
            source_kind=source_kind,
            source_ref=source_ref,
            value=obs.value,
            theta=obs.theta,
            theta_se=obs.theta_se,
            observed_at=obs.observed_at or now,
            note=obs.note,
        )
        for obs in observations
    ]
    return _append(rows)


def _append(rows: list[Evidence], batch_size: int = 5000) -> int:
    """Insert the rows not yet in the ledger; returns how many were new."""
    if not rows:
        return 0
    with transaction.atomic():
        refs = {(r.source_kind, r.source_ref) for r in rows}
        existing: set[tuple] = set()
        for kind in {k for k, _ in refs}:
            existing.update(
                Evidence.objects.filter(
                    source_kind=kind, source_ref__in=[ref for k, ref in refs if k == kind]
                ).values_list("cadre_id", "competency_id", "source_kind", "source_ref")
            )
        new = [
            r
            for r in rows
            if (r.cadre_id, r.competency_id, r.source_kind, r.source_ref) not in existing
        ]
        # ignore_conflicts covers a concurrent writer of the same observation.
        Evidence.objects.bulk_create(new, batch_size=batch_size, ignore_conflicts=True)
        if new:
            cadre_ids = sorted({r.cadre_id for r in new})
            competency_ids = sorted({r.competency_id for r in new})
            transaction.on_commit(
                lambda: evidence_recorded.send(
                    sender=Evidence, cadre_ids=cadre_ids, competency_ids=competency_ids
                )
            )
    return len(new)


def record_evidence_rows(rows: Iterable[Evidence], batch_size: int = 5000) -> int:
    """Bulk path for importers and demo data that already hold validated Evidence objects."""
    return _append(list(rows), batch_size=batch_size)


def correct_evidence(
    original: Evidence,
    *,
    value: float | None = None,
    theta: float | None = None,
    theta_se: float | None = None,
    note: str,
) -> Evidence:
    """Record a correction: a new row that supersedes ``original`` (which stays, unchanged)."""
    obs = Observation(original.cadre_id, original.competency_id, value, theta, theta_se, note=note)
    _check(obs)
    if not note:
        raise ValidationError("a correction needs a note saying why")
    with transaction.atomic():
        n = original.corrections.count() + 1
        row = Evidence.objects.create(
            cadre_id=original.cadre_id,
            competency_id=original.competency_id,
            source_kind=original.source_kind,
            source_ref=f"{original.source_ref}#correction-{n}"[:120],
            value=value,
            theta=theta,
            theta_se=theta_se,
            observed_at=original.observed_at,
            corrects=original,
            note=note,
        )
        transaction.on_commit(
            lambda: evidence_recorded.send(
                sender=Evidence, cadre_ids=[row.cadre_id], competency_ids=[row.competency_id]
            )
        )
    return row
