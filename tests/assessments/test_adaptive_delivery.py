"""Adaptive delivery: the server picks each item with the CAT engine, balances content, stops
by its rules, logs every step and the log replays."""

from __future__ import annotations

import json

import pytest

from assessments import attempts as svc
from assessments.cat_delivery import replay_attempt
from assessments.models import AttemptStatus, CloseReason
from assessments.scoring import key_of

from .delivery_helpers import adaptive_form, load_bank

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(world):
    load_bank()


def _pending(attempt):
    pending = json.loads(attempt.cat_state["state"])["pending"]
    return attempt.items.select_related("version").get(version_id=int(pending))


def _run(attempt, answer_right):
    """Answer until the test ends; ``answer_right(step)`` says whether to answer correctly."""
    step = 0
    while attempt.status == AttemptStatus.IN_PROGRESS:
        step += 1
        slot = _pending(attempt)
        key = key_of(slot.version)["response"]
        response = key if answer_right(step) else _wrong(slot.version.content, key)
        attempt = svc.answer_adaptive(attempt.pk, response)
        assert step < 100
    return attempt


def _wrong(content, key):
    if content["type"] in ("single_choice", "true_false"):
        return next(o["key"] for o in content["options"] if o["key"] != key)
    return None if content["type"] != "multiple_response" else []


def test_adaptive_attempt_stops_by_its_rules_with_content_balance(world, bank):
    form = adaptive_form(world)
    attempt = svc.start_attempt(form, world.cadre_a)
    assert attempt.items.count() == 1  # one item at a time, chosen by the server
    attempt = _run(attempt, lambda step: step % 2 == 0)
    assert attempt.status == AttemptStatus.GRADED
    assert attempt.close_reason == CloseReason.FINISHED
    slots = list(attempt.items.select_related("competency"))
    assert form.min_items <= len(slots) <= form.max_items
    per_competency = {}
    for slot in slots:
        per_competency[slot.competency.code] = per_competency.get(slot.competency.code, 0) + 1
    assert set(per_competency) == {"D2.3", "D4.2"}
    assert min(per_competency.values()) >= form.min_per_competency
    state = attempt.cat_state
    assert state["pool"] and "log" in state["state"]
    log = json.loads(state["state"])["log"]
    steps = [entry for entry in log if "item" in entry]
    assert len(steps) == len(slots)
    assert all({"theta", "se", "candidates", "randomesque"} <= set(entry) for entry in steps)
    assert json.loads(state["state"])["stop_reason"] in ("se-target", "max-items")
    assert replay_attempt(attempt) == []
    results = {r.competency.code: r for r in attempt.results.select_related("competency")}
    assert set(results) == {"D2.3", "D4.2"}


def test_adaptive_stops_at_max_items_when_precision_is_out_of_reach(world, bank):
    form = adaptive_form(world, se_target=0.05, max_items=6, min_items=1, min_per_competency=1)
    attempt = _run(svc.start_attempt(form, world.cadre_a), lambda step: True)
    assert attempt.items.count() == 6
    assert json.loads(attempt.cat_state["state"])["stop_reason"] == "max-items"


def test_adaptive_refuses_bulk_autosave(world, bank):
    attempt = svc.start_attempt(adaptive_form(world), world.cadre_a)
    with pytest.raises(svc.DeliveryError):
        svc.save_answers(attempt.pk, {1: "A"})


def test_finishing_early_grades_what_was_answered(world, bank):
    attempt = svc.start_attempt(adaptive_form(world), world.cadre_a)
    slot = _pending(attempt)
    svc.answer_adaptive(attempt.pk, key_of(slot.version)["response"])
    graded = svc.submit(attempt.pk)
    assert graded.status == AttemptStatus.GRADED and graded.close_reason == CloseReason.SUBMITTED
    assert graded.items.count() == 2  # the answered one and the one on screen (no credit)
