"""Assignments: targeting by subtree and by position, HR's scope, reminders once per deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from courses.assignments import assign_course, send_reminders
from courses.selectors import my_learning
from courses.tasks import send_deadline_reminders
from tests import factories


def _in(days: int):
    return timezone.localdate() + timedelta(days=days)


def _cadres(assignment) -> set[str]:
    return set(assignment.targets.values_list("cadre__employee_no", flat=True))


def test_subtree_targeting_reaches_everyone_below(world, course):
    assignment = assign_course(world.admin, course, _in(30), units=[world.district])
    assert _cadres(assignment) == {"EMP-A-0001", "EMP-B-0001"}
    assignment = assign_course(world.admin, course, _in(30), units=[world.unit_a])
    assert _cadres(assignment) == {"EMP-A-0001"}


def test_position_targeting(world, course):
    from people.models import Position

    other = Position.objects.exclude(pk=world.position.pk).first()
    factories.cadre(world.unit_b, other, "EMP-B-0002", "乙单位另一干部")
    assignment = assign_course(world.admin, course, _in(30), positions=[world.position])
    assert _cadres(assignment) == {"EMP-A-0001", "EMP-B-0001"}


def test_hr_targets_only_inside_their_scope(world, course):
    with pytest.raises(PermissionDenied):
        assign_course(world.hr_a, course, _in(30), units=[world.district])
    with pytest.raises(PermissionDenied):
        assign_course(world.hr_a, course, _in(30), cadre_ids=[world.cadre_b.pk])
    with pytest.raises(PermissionDenied):
        assign_course(world.cadre_a.user, course, _in(30), units=[world.unit_a])
    # A position reaches only the HR officer's own units.
    assignment = assign_course(world.hr_a, course, _in(30), positions=[world.position])
    assert _cadres(assignment) == {"EMP-A-0001"}


def test_cadre_sees_assignment_with_deadline_and_overdue(world, course):
    assign_course(world.admin, course, _in(10), units=[world.unit_a])
    assignment = assign_course(world.admin, course, _in(5), units=[world.unit_a])
    assignment.deadline = _in(-1)
    assignment.save()
    learning = my_learning(world.cadre_a.user)
    assert [(a.deadline, a.overdue) for a in learning["assigned"]] == [
        (_in(-1), True),
        (_in(10), False),
    ]
    assert learning["credit_required"] == 50
    assert my_learning(world.cadre_b.user)["assigned"] == []


def test_reminders_once_per_assignment_cadre_and_deadline(world, course, settings):
    settings.SHUZHI_COURSES_REMINDER_DAYS = 7
    for cadre in (world.cadre_a, world.cadre_b):
        cadre.user.email = f"{cadre.employee_no}@example.org"
        cadre.user.save()
    soon = assign_course(world.admin, course, _in(3), units=[world.district])
    assign_course(world.admin, course, _in(30), units=[world.district])  # not yet due
    assert send_deadline_reminders.delay().get() == 2
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["EMP-A-0001@example.org", "EMP-B-0001@example.org"]
    assert send_reminders() == 0  # idempotent
    soon.deadline = _in(5)  # a new deadline is a new reminder window
    soon.save()
    assert send_reminders() == 2
    assert len(mail.outbox) == 4
