"""Read paths of delivery: who a form reaches, a cadre's forms and attempts, and what other
apps may ask (``passed_form`` for the courses app's completion rule, ``item_version_for_ref``
for its knowledge checks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from people.models import Cadre
from people.roles import Role, roles_of
from people.scope import scope_for
from people.selectors import cadre_of as people_cadre_of
from people.selectors import targeted_cadres

from .models import AssessmentForm, Attempt, AttemptStatus, FeedbackPolicy
from .models.item import Item, ItemStatus
from .models.version import ItemVersion


def reached_cadres(form: AssessmentForm) -> QuerySet[Cadre]:
    """Cadres the form is assigned to: the shared targeting rule, within the data scope of
    whoever set the form up (HR and trainers assign only inside their scope; administrators,
    and forms loaded by the system, reach whom they name)."""
    cadres = targeted_cadres(
        units=form.target_units.all(),
        positions=form.target_positions.all(),
        cadre_ids=[c.pk for c in form.target_cadres.all()],
        levels=form.target_levels or [],
    )
    owner = form.created_by
    if owner is not None and Role.ADMIN not in roles_of(owner):
        cadres = scope_for(owner).filter_cadres(cadres)
    return cadres


def is_assigned(form: AssessmentForm, cadre: Cadre) -> bool:
    return reached_cadres(form).filter(pk=cadre.pk).exists()


def cadre_of(user: AbstractBaseUser | AnonymousUser) -> Cadre | None:
    """The user's cadre while active: a cadre who has left takes no assessment."""
    cadre = people_cadre_of(user)
    return cadre if cadre is not None and cadre.is_active else None


@dataclass(frozen=True)
class AssignedForm:
    form: AssessmentForm
    attempts: list[Attempt]
    running: Attempt | None
    attempts_left: int
    open: bool


def my_forms(user: AbstractBaseUser | AnonymousUser) -> list[AssignedForm]:
    """The published forms assigned to the user's cadre, with their attempts."""
    cadre = cadre_of(user)
    if cadre is None:
        return []
    now = timezone.now()
    out = []
    for form in AssessmentForm.objects.filter(is_published=True).select_related("created_by"):
        if not is_assigned(form, cadre):
            continue
        attempts = list(Attempt.objects.filter(form=form, cadre=cadre).order_by("number"))
        running = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
        out.append(
            AssignedForm(
                form=form,
                attempts=attempts,
                running=running,
                attempts_left=max(0, form.attempts_allowed - len(attempts)),
                open=form.is_open(now),
            )
        )
    return out


def own_attempt(user: AbstractBaseUser | AnonymousUser, attempt_id: int) -> Attempt | None:
    """The attempt if it is the user's own (cadres see only their own attempts here)."""
    cadre = cadre_of(user)
    if cadre is None:
        return None
    return (
        Attempt.objects.filter(pk=attempt_id, cadre=cadre).select_related("form", "cadre").first()
    )


def passed_form(cadre: Cadre | int, form_id: int, *, min_percent: float | None = None) -> bool:
    """Whether the cadre has a graded attempt at the form that reached its pass mark — or,
    given ``min_percent`` (a course's own stricter or looser mark), that scored at least it."""
    cadre_id = cadre if isinstance(cadre, int) else cadre.pk
    graded = Attempt.objects.filter(cadre_id=cadre_id, form_id=form_id, status=AttemptStatus.GRADED)
    if min_percent is None:
        return graded.filter(passed=True).exists()
    return graded.filter(percent__gte=min_percent).exists()


def feedback_shown(attempt: Attempt, *, now=None) -> tuple[bool, bool]:
    """(score shown, rationale shown) for a graded attempt under its form's policy."""
    if not attempt.graded:
        return False, False
    policy = attempt.form.feedback_policy
    closed = attempt.form.closes_at is not None and (now or timezone.now()) >= (
        attempt.form.closes_at
    )
    if policy == FeedbackPolicy.IMMEDIATE:
        return True, True
    if policy == FeedbackPolicy.SCORE_ONLY:
        return True, False
    if policy == FeedbackPolicy.AFTER_CLOSE:
        return closed, closed
    return False, False


def item_version_for_ref(ref: str) -> ItemVersion | None:
    """The current version of the bank item with reference ``ref`` (e.g. "M04-MC-1"), if the
    item may be delivered (pilot or operational) — a draft or retired item is not offered."""
    item = (
        Item.objects.filter(ref=ref, status__in=(ItemStatus.PILOT, ItemStatus.OPERATIONAL))
        .select_related("current_version")
        .first()
    )
    return item.current_version if item is not None else None


def item_refs(types: Iterable[str]) -> set[str]:
    """References of the bank items of these types that are not retired (what shipped course
    files may name as knowledge checks)."""
    return set(
        Item.objects.filter(type__in=list(types))
        .exclude(status=ItemStatus.RETIRED)
        .exclude(ref="")
        .values_list("ref", flat=True)
    )
