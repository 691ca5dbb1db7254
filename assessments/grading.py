"""Grading an attempt: item scores, total, per-competency θ ± SE and level, evidence, signals.

Called by ``assessments.attempts`` with the attempt's row lock held, exactly once per attempt.

- Each presented item is scored from its saved answer (none: zero credit; an answer the item
  cannot read, which autosave refuses, also scores zero).
- θ per competency: EAP (N(0, 1) prior) over the competency's items with their calibrated
  parameters, or provisional ones (``assessments.parameters``) — the method says which.
- Level: the competency's cut scores (``CutScore``), else the default cuts below; a level whose
  SE exceeds 0.50 is flagged imprecise and certifies nothing.
- Fixed forms report the share of credit; adaptive forms, whose items differ in difficulty from
  one cadre to the next, report the *domain score*: the expected share of credit over their
  whole pool at the cadre's θ. Either is compared with the pass mark.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import numpy as np
from django.db import transaction

from competencies.models import EvidenceSource
from competencies.services import Observation, record_evidence

from . import cat_delivery
from .models import Attempt, AttemptItem, AttemptStatus, CompetencyResult, CutScore
from .parameters import VersionParameters, as_item_parameters, category, parameters_for
from .psychometrics.irt import expected_scores
from .psychometrics.irt import score as irt_score
from .psychometrics.levels import CutScores
from .rows import update_rows
from .scoring import ResponseError, score
from .signals import attempt_graded, level_certified

# Midpoints between the provisional difficulties of adjacent target levels (b = 0.8·(L − 3)).
DEFAULT_CUTS = (-1.2, -0.4, 0.4, 1.2)
CERTIFIABLE_BY_TEST = 3  # L4–L5 need work evidence as well (competency-model.md §2)


def _score_slot(slot: AttemptItem) -> None:
    try:
        result = score(slot.version, slot.response)
    except ResponseError:
        result = score(slot.version, None)
    slot.credit, slot.points, slot.max_points = result.credit, result.points, result.max_points


def cut_scores(competency_ids: list[int], codes: dict[int, str]) -> dict[int, CutScores]:
    stored = {
        row.competency_id: row.cuts
        for row in CutScore.objects.filter(competency_id__in=competency_ids)
    }
    return {cid: CutScores(codes[cid], stored.get(cid) or DEFAULT_CUTS) for cid in competency_ids}


def _thetas(
    groups: list[list[AttemptItem]], params: dict[int, VersionParameters]
) -> list[tuple[float, float, bool]]:
    """EAP θ, SE and "all calibrated" for each group of slots, in one scoring call: one row
    per group over all the attempt's items, items outside the group not presented (NaN)."""
    slots = [s for group in groups for s in group]
    chosen = [params[s.version_id] for s in slots]
    item_params, _all = as_item_parameters([str(s.version_id) for s in slots], chosen)
    rows = np.full((len(groups), len(slots)), np.nan)
    column = 0
    for row, group in enumerate(groups):
        for slot in group:
            rows[row, column] = category(slot.credit, chosen[column].n_categories)
            column += 1
    result = irt_score(rows, item_params, "eap")
    return [
        (
            float(result.theta[i]),
            float(result.se[i]),
            all(params[s.version_id].calibrated for s in g),
        )
        for i, g in enumerate(groups)
    ]


def _domain_percent(attempt: Attempt, theta: float) -> float:
    _engine, _state, pool = cat_delivery.load(attempt)
    params, _ = as_item_parameters(
        [str(r["version"]) for r in pool],
        [VersionParameters(r["a"], tuple(r["d"]), r["calibrated"]) for r in pool],
    )
    expected = expected_scores(params, np.array([theta]))[:, 0] / (params.n_categories - 1)
    return float(100.0 * expected.mean())


def grade(attempt: Attempt, reason: str, now: datetime) -> None:
    slots = list(attempt.items.select_related("version", "competency"))
    for slot in slots:
        _score_slot(slot)
    update_rows(AttemptItem, ["credit", "points", "max_points"], slots)
    params = parameters_for([s.version for s in slots])
    by_competency: dict[int, list[AttemptItem]] = defaultdict(list)
    for slot in slots:
        by_competency[slot.competency_id].append(slot)
    codes = {s.competency_id: s.competency.code for s in slots}
    cuts = cut_scores(list(by_competency), codes)
    results = []
    groups = list(by_competency.values())
    if attempt.form.adaptive and slots:
        groups.append(slots)  # the overall θ, for the domain score
    estimates = _thetas(groups, params)
    for (competency_id, group), (theta, se, calibrated) in zip(
        by_competency.items(), estimates, strict=False
    ):
        level = cuts[competency_id].classify(theta, se)
        results.append(
            CompetencyResult(
                attempt=attempt,
                competency_id=competency_id,
                theta=theta,
                se=se,
                level=level.level,
                probabilities=list(level.probabilities),
                imprecise=level.imprecise,
                method="eap" if calibrated else "eap-provisional",
                n_items=len(group),
                points=sum(s.credit or 0.0 for s in group),
                max_points=float(len(group)),
            )
        )
    CompetencyResult.objects.bulk_create(results)
    credit = sum(s.credit or 0.0 for s in slots)
    attempt.points, attempt.max_points = credit, float(len(slots))
    if attempt.form.adaptive and slots:
        attempt.percent = _domain_percent(attempt, estimates[-1][0])
    else:
        attempt.percent = 100.0 * credit / len(slots) if slots else 0.0
    attempt.passed = attempt.percent >= attempt.form.pass_mark
    attempt.status, attempt.close_reason, attempt.graded_at = AttemptStatus.GRADED, reason, now
    attempt.save(
        update_fields=[
            "points",
            "max_points",
            "percent",
            "passed",
            "status",
            "close_reason",
            "graded_at",
            "cat_state",
        ]
    )
    _record(attempt, results, codes, now)


def _record(
    attempt: Attempt, results: list[CompetencyResult], codes: dict[int, str], now: datetime
) -> None:
    """Evidence rows (through the competencies service) and, on commit, the signals."""
    record_evidence(
        [
            Observation(
                cadre_id=attempt.cadre_id,
                competency=codes[r.competency_id],
                value=float(r.level),
                theta=r.theta,
                theta_se=r.se,
                observed_at=now,
                note=f"{attempt.form.title_zh} #{attempt.number} ({r.method}, n={r.n_items})",
            )
            for r in results
        ],
        source_kind=EvidenceSource.ASSESSMENT,
        source_ref=f"attempt-{attempt.pk}",
    )
    certified = [
        (codes[r.competency_id], min(r.level, CERTIFIABLE_BY_TEST))
        for r in results
        if not r.imprecise
    ]
    ids = {"attempt_id": attempt.pk, "cadre_id": attempt.cadre_id}

    def send() -> None:
        attempt_graded.send(Attempt, form_id=attempt.form_id, passed=attempt.passed, **ids)
        for code, level in certified:
            level_certified.send(Attempt, competency_code=code, level=level, **ids)

    transaction.on_commit(send)
