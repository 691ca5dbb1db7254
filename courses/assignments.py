"""Assignments: HR or an administrator assigns a course, with a deadline; reminders before it.

Whom an assignment reaches is ``people.selectors.targeted_cadres`` (the one targeting rule),
resolved when the assignment is created. An HR officer may target only units inside their data
scope, and only their scope's cadres are ever assigned: a position chosen by HR in district A
does not reach district B's holders of that position.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from people.bulk import insert_rows
from people.models import OrgUnit, Position
from people.scope import scope_for
from people.selectors import targeted_cadres

from .models import AssignedCadre, Assignment, CoursePage
from .services import canonical


@transaction.atomic
def assign_course(
    user,
    course: CoursePage,
    deadline: date,
    *,
    units: Iterable[OrgUnit] = (),
    positions: Iterable[Position] = (),
    cadre_ids: Iterable[int] = (),
    levels: Iterable[str] = (),
    note: str = "",
) -> Assignment:
    """Create the assignment and its cadre list; returns it. Refuses targets outside scope."""
    scope = scope_for(user)
    if not scope.sees_others:
        raise PermissionDenied
    units, positions = list(units), list(positions)
    cadre_ids, levels = list(cadre_ids), list(levels)
    if not (units or positions or cadre_ids or levels):
        raise ValidationError(_("Choose at least one unit, position, level or cadre."))
    if any(not scope.covers_unit(unit) for unit in units):
        raise PermissionDenied
    reached = scope.filter_cadres(
        targeted_cadres(units=units, positions=positions, cadre_ids=cadre_ids, levels=levels)
    )
    if cadre_ids and reached.filter(pk__in=cadre_ids).count() != len(set(cadre_ids)):
        raise PermissionDenied
    assignment = Assignment.objects.create(
        course=canonical(course), deadline=deadline, levels=levels, note=note, created_by=user
    )
    assignment.units.set(units)
    assignment.positions.set(positions)
    insert_rows(
        AssignedCadre,
        ("assignment_id", "cadre_id"),
        [(assignment.pk, pk) for pk in reached.values_list("pk", flat=True)],
    )
    return assignment


def reminder_days() -> int:
    return int(getattr(settings, "SHUZHI_COURSES_REMINDER_DAYS", 7))


def send_reminders(today: date | None = None) -> int:
    """Email every assigned cadre who has not completed the course, once per deadline, when the
    deadline is at most ``reminder_days()`` away. Idempotent: ``reminded_for`` records the
    deadline each reminder was sent for, so a re-run (or a retried task) sends nothing twice."""
    today = today or timezone.localdate()
    window_end = today + timedelta(days=reminder_days())
    due = AssignedCadre.objects.filter(
        assignment__deadline__gte=today, assignment__deadline__lte=window_end
    ).select_related("assignment__course", "cadre__user")
    sent = 0
    for target in due:
        deadline = target.assignment.deadline
        if target.reminded_for == deadline:
            continue
        if target.cadre.enrolments.filter(
            course=target.assignment.course, completed_at__isnull=False
        ).exists():
            continue
        with transaction.atomic():
            claimed = (
                AssignedCadre.objects.filter(pk=target.pk)
                .exclude(reminded_for=deadline)
                .update(reminded_for=deadline)
            )
            if not claimed:
                continue
            _mail(target, deadline)
        sent += 1
    return sent


def _mail(target: AssignedCadre, deadline: date) -> None:
    user = target.cadre.user
    if user is None or not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Reminder: complete “%(course)s” by %(deadline)s") % {
            "course": target.assignment.course.title,
            "deadline": deadline.isoformat(),
        }
        body = _(
            "%(name)s, the course “%(course)s” assigned to you is due on %(deadline)s. "
            "Open My learning to continue."
        ) % {
            "name": target.cadre.display_name,
            "course": target.assignment.course.title,
            "deadline": deadline.isoformat(),
        }
    send_mail(subject, body, None, [user.email])
