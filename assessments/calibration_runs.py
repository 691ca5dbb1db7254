"""Calibrating one competency bank from graded attempts, as a new version on the old scale.

1. Responses: every graded attempt's items of the competency in the bank (people × item
   versions, not presented = missing), as categories (``parameters.category``); items with
   fewer than ``MIN_RESPONSES`` answers are left out.
2. A separate 2PL calibration by marginal maximum likelihood (the pure engine).
3. No adopted run yet: this run *defines* the bank's scale (cohort θ ~ N(0, 1)) and is adopted.
   Otherwise the item versions shared with the adopted run are the anchors: Stocking–Lord
   finds θ_old = A·θ_new + B, anchors whose |Δb| after linking exceeds 0.3 are dropped and the
   link is recomputed once; with at least ``MIN_ANCHORS`` anchors left the linked parameters are
   stored and the run adopted. Fewer anchors: the run is stored on its own scale with status
   "needs review" and feeds nothing — a bank is never silently rescaled.
"""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import (
    AttemptItem,
    AttemptStatus,
    CalibrationRun,
    CalibrationStatus,
    ItemCalibration,
)
from .parameters import category
from .psychometrics.irt import (
    CalibrationError,
    ItemParameters,
    anchor_drift,
    calibrate,
    stocking_lord,
    transform,
)

MIN_RESPONSES = 20
MIN_PERSONS = 50
MIN_ANCHORS = 3


def response_matrix(bank_id: int, competency_id: int) -> tuple[np.ndarray, list[int]]:
    """People × item versions (NaN = not presented) and the version ids, in column order."""
    rows = AttemptItem.objects.filter(
        attempt__status=AttemptStatus.GRADED,
        attempt__form__bank_id=bank_id,
        competency_id=competency_id,
    ).values_list("attempt_id", "version_id", "credit")
    people: dict[int, int] = {}
    counts: dict[int, int] = {}
    data = list(rows)
    for attempt_id, version_id, _credit in data:
        people.setdefault(attempt_id, len(people))
        counts[version_id] = counts.get(version_id, 0) + 1
    versions = sorted(v for v, n in counts.items() if n >= MIN_RESPONSES)
    column = {v: j for j, v in enumerate(versions)}
    matrix = np.full((len(people), len(versions)), np.nan)
    for attempt_id, version_id, credit in data:
        if version_id in column:
            matrix[people[attempt_id], column[version_id]] = category(credit, 2)
    keep = ~np.all(np.isnan(matrix), axis=1) if versions else np.zeros(len(people), bool)
    return matrix[keep], versions


def _previous(bank_id: int, competency_id: int) -> tuple[CalibrationRun | None, ItemParameters]:
    run = (
        CalibrationRun.objects.filter(
            bank_id=bank_id, competency_id=competency_id, status=CalibrationStatus.ADOPTED
        )
        .order_by("-number")
        .first()
    )
    rows = list(run.items.values_list("version_id", "a", "d")) if run else []
    return run, ItemParameters(
        tuple(str(v) for v, _a, _d in rows),
        np.array([a for _v, a, _d in rows], dtype=float),
        np.array([[d[0]] for _v, _a, d in rows], dtype=float).reshape(len(rows), 1),
    )


def _link(old: ItemParameters, new: ItemParameters) -> tuple[ItemParameters | None, dict]:
    """Stocking–Lord through the shared items, dropping drifting anchors once."""
    anchors = [n for n in new.names if n in set(old.names)]
    if len(anchors) < MIN_ANCHORS:
        return None, {"method": "stocking-lord", "anchors": anchors, "reason": "too few anchors"}
    dropped: list[str] = []
    for _round in range(2):
        link = stocking_lord(old, new, anchors)
        linked = transform(new, link.slope, link.intercept)
        drift = anchor_drift(old, linked, anchors)
        drifting = [d.name for d in drift if d.drifting]
        if not drifting or len(anchors) - len(drifting) < MIN_ANCHORS:
            break
        dropped += drifting
        anchors = [a for a in anchors if a not in drifting]
    info = {
        "method": "stocking-lord",
        "slope": link.slope,
        "intercept": link.intercept,
        "criterion": link.criterion,
        "anchors": anchors,
        "dropped": dropped,
        "drift": [{"item": d.name, "delta_a": d.delta_a, "delta_b": d.delta_b} for d in drift],
    }
    if len(anchors) < MIN_ANCHORS:
        return None, {**info, "reason": "too few stable anchors"}
    return linked, info


def new_run(bank_id: int, competency_id: int, *, user_id: int | None = None) -> CalibrationRun:
    """Reserve the next version number of the competency bank (status "running")."""
    with transaction.atomic():
        number = (
            CalibrationRun.objects.select_for_update()
            .filter(bank_id=bank_id, competency_id=competency_id)
            .aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        return CalibrationRun.objects.create(
            bank_id=bank_id, competency_id=competency_id, number=number, requested_by_id=user_id
        )


def run_calibration(run_id: int) -> CalibrationRun:
    """Calibrate, link and store the reserved version (see the module docstring). A run that
    already finished is returned as it is (the task may be retried)."""
    run = CalibrationRun.objects.get(pk=run_id)
    if run.status != CalibrationStatus.RUNNING:
        return run
    bank_id, competency_id = run.bank_id, run.competency_id
    responses, versions = response_matrix(bank_id, competency_id)
    run.n_persons, run.n_items = responses.shape
    if responses.shape[0] < MIN_PERSONS or len(versions) < 2:
        return _finish(run, CalibrationStatus.FAILED, "not enough data", message_args=responses)
    try:
        fit = calibrate(responses, [str(v) for v in versions], "2pl")
    except CalibrationError as exc:
        return _finish(run, CalibrationStatus.FAILED, str(exc))
    run.loglik, run.converged = fit.loglik, fit.converged
    previous, old = _previous(bank_id, competency_id)
    params, status = fit.params, CalibrationStatus.ADOPTED
    if previous is not None:
        linked, run.linking = _link(old, fit.params)
        run.linked_to = previous
        params, status = (linked, status) if linked is not None else (fit.params, "review")
    else:
        run.linking = {"method": "defines-scale", "anchors": []}
    anchors = set(run.linking.get("anchors", []))
    with transaction.atomic():
        ItemCalibration.objects.bulk_create(
            ItemCalibration(
                run=run,
                version_id=int(name),
                a=float(params.a[j]),
                d=[float(params.d[j, 0])],
                se_a=_finite(fit.se_a[j]),
                se_d=_finite(fit.se_d[j, 0]),
                anchor=name in anchors,
            )
            for j, name in enumerate(params.names)
        )
        return _finish(run, status, run.linking.get("reason", ""))


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _finish(run: CalibrationRun, status: str, message: str, message_args=None) -> CalibrationRun:
    if message_args is not None:
        message = f"{message}: {run.n_persons} people, {run.n_items} items"
    run.status, run.message, run.finished_at = status, message, timezone.now()
    run.save()
    return run
