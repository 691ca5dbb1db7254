"""Write paths of the competency app: the one way evidence enters the ledger."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.bulk import insert_rows

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
    return _append(
        [
            EvidenceRecord(
                cadre_id=obs.cadre_id,
                competency_id=competency_ids[obs.competency],
                source_kind=str(source_kind),
                source_ref=source_ref,
                value=obs.value,
                theta=obs.theta,
                theta_se=obs.theta_se,
                observed_at=obs.observed_at or now,
                note=obs.note,
            )
            for obs in observations
        ]
    )


class EvidenceRecord(NamedTuple):
    """A ledger row as plain values: the bulk path's currency (no model instance per row)."""

    cadre_id: int
    competency_id: int
    source_kind: str
    source_ref: str
    value: float | None
    theta: float | None
    theta_se: float | None
    observed_at: datetime
    note: str = ""

    @property
    def key(self) -> tuple:
        return (self.cadre_id, self.competency_id, self.source_kind, self.source_ref)


def _append(records: list[EvidenceRecord], batch_size: int = 5000) -> int:
    """Insert the records not yet in the ledger; returns how many were new.

    Rows go in as plain tuples (people.bulk.insert_rows), not model instances: the ORM's
    per-field preparation costs more than the database for millions of demo or imported rows.
    The values were validated by the caller; the table's constraints still hold.
    """
    if not records:
        return 0
    with transaction.atomic():
        existing = _existing_keys(records)
        new: list[EvidenceRecord] = []
        for record in records:
            if record.key not in existing:
                existing.add(record.key)  # the same observation twice in one call counts once
                new.append(record)
        # ON CONFLICT DO NOTHING: a concurrent writer of the same observation is no error.
        insert_rows(
            Evidence, EvidenceRecord._fields, new, ignore_conflicts=True, batch_size=batch_size
        )
        if new:
            touched = sorted({r.cadre_id for r in new})
            competency_ids = sorted({r.competency_id for r in new})
            transaction.on_commit(
                lambda: evidence_recorded.send(
                    sender=Evidence, cadre_ids=touched, competency_ids=competency_ids
                )
            )
    return len(new)


def _existing_keys(records: list[EvidenceRecord]) -> set[tuple]:
    refs = {(r.source_kind, r.source_ref) for r in records}
    cadre_ids = sorted({r.cadre_id for r in records})
    existing: set[tuple] = set()
    for kind in {k for k, _ in refs}:
        # Filtering on the cadres too lets the unique index (cadre, competency, kind, ref)
        # answer; by kind and reference alone it would scan the whole ledger per batch.
        existing.update(
            Evidence.objects.filter(
                cadre_id__in=cadre_ids,
                source_kind=kind,
                source_ref__in=[ref for k, ref in refs if k == kind],
            ).values_list("cadre_id", "competency_id", "source_kind", "source_ref")
        )
    return existing


def record_evidence_rows(rows: Iterable[Evidence | EvidenceRecord], batch_size: int = 5000) -> int:
    """Bulk path for importers and demo data that hold validated rows (Evidence instances or,
    cheaper, EvidenceRecord tuples). Idempotent like record_evidence."""
    records = [
        row
        if isinstance(row, EvidenceRecord)
        else EvidenceRecord(
            row.cadre_id,
            row.competency_id,
            str(row.source_kind),
            row.source_ref,
            row.value,
            row.theta,
            row.theta_se,
            row.observed_at or timezone.now(),
            row.note,
        )
        for row in rows
    ]
    return _append(records, batch_size=batch_size)


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
