"""The adaptive side of delivery: the pool an adaptive attempt draws from, frozen at its start,
and the CAT engine rebuilt from it on each request.

The pool (each version id with its competency and parameters) is stored in the attempt's
``cat_state`` beside the engine's own state and log, so a later calibration or a new item
version cannot change a running test, and the audit can replay it exactly
(:func:`replay_attempt`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .models import AssessmentForm, Attempt, Item, ItemStatus
from .parameters import VersionParameters, as_item_parameters, parameters_for
from .psychometrics.cat import CatConfig, CatEngine, CatState, replay


def form_competencies(form: AssessmentForm) -> list[tuple[str, int, int]]:
    """(code, competency id, blueprint count) per section, in section order."""
    return [
        (s.competency.code, s.competency_id, s.count)
        for s in form.sections.select_related("competency").order_by("sort_order", "pk")
    ]


def adaptive_pool(form: AssessmentForm) -> list[dict[str, Any]]:
    """Operational items of the form's competencies in its bank, with parameters, as stored."""
    sections = form_competencies(form)
    order = {comp_id: (code, i) for i, (code, comp_id, _n) in enumerate(sections)}
    items = (
        Item.objects.filter(
            bank=form.bank,
            status=ItemStatus.OPERATIONAL,
            current_version__isnull=False,
            competencies__in=list(order),
        )
        .distinct()
        .select_related("current_version")
        .prefetch_related("competencies")
        .order_by("pk")
    )
    versions = [item.current_version for item in items]
    params = parameters_for(versions)
    pool = []
    for item, version in zip(items, versions, strict=True):
        mine = sorted((order[c.pk][1], c.pk) for c in item.competencies.all() if c.pk in order)
        comp_id = mine[0][1]
        p = params[version.pk]
        pool.append(
            {
                "version": version.pk,
                "competency": order[comp_id][0],
                "competency_id": comp_id,
                "a": p.a,
                "d": list(p.d),
                "calibrated": p.calibrated,
            }
        )
    return pool


def config_for(form: AssessmentForm) -> CatConfig:
    return CatConfig(
        se_target=form.se_target,
        max_items=form.max_items,
        min_items=form.min_items,
        min_per_competency=form.min_per_competency,
        randomesque=form.randomesque,
        blueprint={code: float(n) for code, _id, n in form_competencies(form)},
    )


def engine_for(form: AssessmentForm, pool: list[dict[str, Any]]) -> CatEngine:
    params, _all = as_item_parameters(
        [str(row["version"]) for row in pool],
        [VersionParameters(row["a"], tuple(row["d"]), row["calibrated"]) for row in pool],
    )
    config = config_for(form)
    present = {row["competency"] for row in pool}
    blueprint = {c: s for c, s in (config.blueprint or {}).items() if c in present}
    config = replace(config, blueprint=blueprint or None)
    return CatEngine(params, [row["competency"] for row in pool], config)


def load(attempt: Attempt) -> tuple[CatEngine, CatState, list[dict[str, Any]]]:
    stored = attempt.cat_state or {}
    pool = stored["pool"]
    return engine_for(attempt.form, pool), CatState.from_json(stored["state"]), pool


def store(attempt: Attempt, state: CatState, pool: list[dict[str, Any]]) -> None:
    attempt.cat_state = {"pool": pool, "state": state.to_json()}


def replay_attempt(attempt: Attempt) -> list[str]:
    """Re-run the attempt's adaptive test from its seed and responses: [] when it checks out."""
    engine, state, _pool = load(attempt)
    return replay(engine, state)
