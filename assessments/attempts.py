"""Write paths of delivery: start an attempt, save answers, answer an adaptive item, submit,
close expired attempts. Every rule is enforced here, on the server.

Concurrency: each write takes the attempt's row lock (``select_for_update``) inside a
transaction and re-reads its status, so a double click, a second tab or a retried request finds
the attempt already graded and returns it; the unique constraints on ``Attempt`` (one running
attempt per cadre and form) and ``CompetencyResult`` (one result per competency) back the lock
up should anything bypass it.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import Cadre

from . import cat_delivery
from . import content as c
from .grading import grade
from .models import (
    AssessmentForm,
    Attempt,
    AttemptItem,
    AttemptStatus,
    CloseReason,
    FormSection,
    Item,
    ItemStatus,
    ItemVersion,
)
from .models.item import DELIVERED_STATUSES
from .parameters import category
from .psychometrics.cat import CatState
from .rows import update_rows
from .scoring import ResponseError, score
from .selectors import is_assigned
from .services import lock_version

UNSHUFFLED_TYPES = (c.TRUE_FALSE,)  # "true" stays first


class DeliveryError(Exception):
    """A request the rules refuse; the message is for the cadre."""


class AttemptClosed(DeliveryError):
    """The attempt is over (time ran out or it was graded); answers are no longer accepted."""

    def __init__(self, attempt: Attempt, message: str) -> None:
        super().__init__(message)
        self.attempt = attempt


def _deadline(form: AssessmentForm, started: datetime) -> datetime | None:
    ends = [form.closes_at] if form.closes_at else []
    if form.time_limit_minutes:
        ends.append(started + timedelta(minutes=form.time_limit_minutes))
    return min(ends) if ends else None


def attempts_left(form: AssessmentForm, cadre: Cadre) -> int:
    return max(0, form.attempts_allowed - Attempt.objects.filter(form=form, cadre=cadre).count())


def start_attempt(form: AssessmentForm, cadre: Cadre, *, now: datetime | None = None) -> Attempt:
    """The cadre's running attempt at ``form``, or a new one if the rules allow it."""
    now = now or timezone.now()
    running = Attempt.objects.filter(form=form, cadre=cadre, status=AttemptStatus.IN_PROGRESS)
    for attempt in running:
        if attempt.deadline is None or now < attempt.deadline:
            return attempt
        submit(attempt.pk, now=now)  # expired while away: close it with what was saved
    if not is_assigned(form, cadre):
        raise DeliveryError(_("This assessment is not assigned to you."))
    if not form.is_open(now):
        raise DeliveryError(_("This assessment is not open now."))
    if attempts_left(form, cadre) < 1:
        raise DeliveryError(_("You have used all your attempts at this assessment."))
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                form=form,
                cadre=cadre,
                number=Attempt.objects.filter(form=form, cadre=cadre).count() + 1,
                seed=secrets.randbits(62),
                started_at=now,
                deadline=_deadline(form, now),
            )
            if form.adaptive:
                _start_adaptive(attempt)
            else:
                _draw_fixed(attempt)
    except IntegrityError:  # another tab started it a moment ago
        return Attempt.objects.get(form=form, cadre=cadre, status=AttemptStatus.IN_PROGRESS)
    return attempt


def _section_pool(form: AssessmentForm, section: FormSection) -> list[Item]:
    chosen = section.pool.filter(status__in=DELIVERED_STATUSES).exclude(status=ItemStatus.RETIRED)
    if not chosen.exists():
        chosen = Item.objects.filter(
            bank=form.bank, competencies=section.competency_id, status=ItemStatus.OPERATIONAL
        )
    return list(chosen.filter(current_version__isnull=False).select_related("current_version"))


def _option_order(version_content: dict, rng: random.Random, shuffle: bool) -> list[str]:
    keys = [str(o["key"]) for o in version_content.get("options") or []]
    if shuffle and version_content["type"] not in UNSHUFFLED_TYPES:
        rng.shuffle(keys)
    return keys


def _draw_fixed(attempt: Attempt) -> None:
    """Draw each section's items from its pool; shuffle items and options per the form."""
    form, rng = attempt.form, random.Random(attempt.seed)  # noqa: S311 (order, not secrets)
    picked: list[tuple[Item, int]] = []
    seen: set[int] = set()
    for section in form.sections.order_by("sort_order", "pk"):
        pool = sorted(
            (i for i in _section_pool(form, section) if i.pk not in seen), key=lambda i: i.pk
        )
        for item in rng.sample(pool, min(section.count, len(pool))):
            seen.add(item.pk)
            picked.append((item, section.competency_id))
    if not picked:
        raise DeliveryError(_("This assessment has no items yet."))
    if form.shuffle_items:
        rng.shuffle(picked)
    slots = []
    for position, (item, competency_id) in enumerate(picked, start=1):
        version = item.current_version
        lock_version(version)
        slots.append(
            AttemptItem(
                attempt=attempt,
                position=position,
                version=version,
                competency_id=competency_id,
                option_order=_option_order(version.content, rng, form.shuffle_options),
            )
        )
    AttemptItem.objects.bulk_create(slots)


def _start_adaptive(attempt: Attempt) -> None:
    pool = cat_delivery.adaptive_pool(attempt.form)
    if not pool:
        raise DeliveryError(_("This assessment has no items yet."))
    engine = cat_delivery.engine_for(attempt.form, pool)
    _present_next(attempt, engine, CatState(seed=attempt.seed % 2**31), pool)
    attempt.save(update_fields=["cat_state"])


def _present_next(attempt, engine, state: CatState, pool) -> bool:
    """Ask the engine for the next item and add its slot; False when the test is over."""
    name, state = engine.next_item(state)
    cat_delivery.store(attempt, state, pool)
    if name is None:
        return False
    version = ItemVersion.objects.get(pk=int(name))
    lock_version(version)
    row = next(r for r in pool if r["version"] == version.pk)
    AttemptItem.objects.create(
        attempt=attempt,
        position=len(state.items) + 1,
        version=version,
        competency_id=row["competency_id"],
        option_order=_option_order(
            version.content,
            random.Random(f"{attempt.seed}:{name}"),  # noqa: S311 (order, not secrets)
            attempt.form.shuffle_options,
        ),
    )
    return True


def _locked(attempt_id: int, now: datetime) -> tuple[Attempt, str | None]:
    """The attempt under its row lock, and why it no longer takes answers (None: it does).

    An attempt whose time is up is graded here, with what was saved; the caller raises
    AttemptClosed *after* its transaction, so that the grading is committed."""
    attempt = Attempt.objects.select_for_update().select_related("form").get(pk=attempt_id)
    if attempt.graded:
        return attempt, _("This attempt has already been submitted.")
    if attempt.deadline is not None and now >= attempt.deadline:
        grade(attempt, CloseReason.DEADLINE, now)
        return attempt, _(
            "Time is up: answers sent after the deadline are not accepted. "
            "Your attempt was closed and graded with the answers saved before it."
        )
    return attempt, None


def save_answers(
    attempt_id: int, answers: dict[int, Any], *, now: datetime | None = None
) -> dict[int, str]:
    """Save answers of a fixed form by slot position; returns {position: problem} for answers
    refused as malformed (the others are saved). Raises AttemptClosed after the deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt, closed = _locked(attempt_id, now)
        if closed is None:
            problems = _save(attempt, answers, now)
    if closed is not None:
        raise AttemptClosed(attempt, closed)
    return problems


def _save(attempt: Attempt, answers: dict[int, Any], now: datetime) -> dict[int, str]:
    problems: dict[int, str] = {}
    if attempt.form.adaptive:
        raise DeliveryError(_("Adaptive assessments take one answer at a time."))
    slots = {
        s.position: s
        for s in attempt.items.filter(position__in=list(answers)).select_related("version")
    }
    changed = []
    for position, response in answers.items():
        slot = slots.get(position)
        if slot is None:
            problems[position] = _("There is no such question in this attempt.")
            continue
        try:
            score(slot.version, response)
        except ResponseError:
            problems[position] = _("This answer could not be read; please check it.")
            continue
        slot.response, slot.saved_at = response, now
        changed.append(slot)
    update_rows(AttemptItem, ["response", "saved_at"], changed)
    return problems


def answer_adaptive(attempt_id: int, response: Any, *, now: datetime | None = None) -> Attempt:
    """Record the answer to the item on screen and present the next one (or grade)."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt, closed = _locked(attempt_id, now)
        if closed is None:
            _answer(attempt, response, now)
    if closed is not None:
        raise AttemptClosed(attempt, closed)
    return attempt


def _answer(attempt: Attempt, response: Any, now: datetime) -> None:
    engine, state, pool = cat_delivery.load(attempt)
    slot = attempt.items.select_related("version").get(version_id=int(state.pending))
    try:
        result = score(slot.version, response)
    except ResponseError as exc:
        raise DeliveryError(_("This answer could not be read; please check it.")) from exc
    n_categories = int(engine.params.n_categories[engine.position[state.pending]])
    state = engine.answer(state, state.pending, category(result.credit, n_categories))
    slot.response, slot.saved_at = response, now
    slot.save(update_fields=["response", "saved_at"])
    if _present_next(attempt, engine, state, pool):
        attempt.save(update_fields=["cat_state"])
    else:
        grade(attempt, CloseReason.FINISHED, now)


def submit(attempt_id: int, *, now: datetime | None = None) -> Attempt:
    """Grade the attempt once. Safe to repeat: a graded attempt is returned unchanged."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("form").get(pk=attempt_id)
        if not attempt.graded:
            late = attempt.deadline is not None and now >= attempt.deadline
            grade(attempt, CloseReason.DEADLINE if late else CloseReason.SUBMITTED, now)
    return attempt


def close_expired(*, now: datetime | None = None) -> int:
    """Grade every running attempt whose deadline has passed (the beat task calls this)."""
    now = now or timezone.now()
    ids = list(
        Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lte=now).values_list(
            "pk", flat=True
        )
    )
    for attempt_id in ids:
        submit(attempt_id, now=now)
    return len(ids)
