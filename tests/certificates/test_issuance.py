"""Issuance rules: which achievements earn which certificate, exactly once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments.signals import level_certified
from certificates.models import AchievementRecord, Certificate, IssuanceRule
from certificates.services import Achievement, issue, issue_for
from certificates.tasks import issue_certificates_task

from .conftest import course_achievement, level_achievement


@pytest.fixture
def send_level(django_capture_on_commit_callbacks):
    """Send level_certified as assessments does (after its commit); tasks run in-process."""

    def send(cadre, code="D2.3", level=3, attempt=1):
        with django_capture_on_commit_callbacks(execute=True):
            level_certified.send(
                sender=None,
                cadre_id=cadre.pk,
                competency_code=code,
                level=level,
                attempt_id=attempt,
            )

    return send


def test_a_certified_level_issues_a_certificate_with_a_pdf(world, rules, send_level):
    send_level(world.cadre_a, "D2.3", 3)
    (certificate,) = Certificate.objects.filter(cadre=world.cadre_a)
    assert certificate.rule == rules[1]
    assert certificate.achievement.reference == "D2.3"
    assert certificate.achievement.level == 3
    assert certificate.holder_name == world.cadre_a.display_name
    assert certificate.achievement.title_zh.startswith("D2.3 ")  # named from the framework
    assert certificate.expires_at is not None  # the level rule is valid for 36 months
    assert certificate.pdf and certificate.pdf.read(4) == b"%PDF"


def test_a_level_below_the_rule_minimum_earns_nothing(world, rules, send_level):
    send_level(world.cadre_a, "D2.3", 1)
    assert not Certificate.objects.exists()
    assert AchievementRecord.objects.count() == 1  # remembered for a later, looser rule


def test_repeated_signals_and_task_retries_issue_once(world, rules, send_level):
    for attempt in range(3):
        send_level(world.cadre_a, "D2.3", 3, attempt)
    payload = level_achievement(world.cadre_a).to_json()
    issue_certificates_task.apply(args=[payload])
    issue_certificates_task.apply(args=[payload])
    assert Certificate.objects.count() == 1


def test_each_level_reached_is_its_own_certificate(world, rules):
    issue_for(level_achievement(world.cadre_a, level=2))
    issue_for(level_achievement(world.cadre_a, level=3))
    assert sorted(Certificate.objects.values_list("achievement__level", flat=True)) == [2, 3]


def test_a_competency_specific_rule_fires_only_for_its_competency(world, template):
    rule = IssuanceRule.objects.create(
        name_zh="数据安全",
        kind="competency_level",
        competency_code="D4.2",
        min_level=1,
        template=template,
    )
    assert issue_for(level_achievement(world.cadre_a, code="D2.3")) == []
    (certificate,) = issue_for(level_achievement(world.cadre_a, code="D4.2"))
    assert certificate.rule == rule


def test_course_completion_rules(world, template):
    every_course = IssuanceRule.objects.create(name_zh="结业", kind="course", template=template)
    only_seven = IssuanceRule.objects.create(
        name_zh="专题", kind="course", course_id=7, template=template
    )
    issued = issue_for(course_achievement(world.cadre_a, course_id=7))
    assert {c.rule for c in issued} == {every_course, only_seven}
    issued = issue_for(course_achievement(world.cadre_a, course_id=8))
    assert {c.rule for c in issued} == {every_course}
    issued[0].achievement.refresh_from_db()
    assert issued[0].achievement.credit_hours == 8
    assert issued[0].expires_at is None


def test_inactive_rules_issue_nothing(world, rules):
    IssuanceRule.objects.update(is_active=False)
    assert issue_for(level_achievement(world.cadre_a)) == []


def test_the_database_enforces_once_per_rule(world, rules, certificate_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            code="X" * 28,
            rule=certificate_a.rule,
            cadre=world.cadre_a,
            achievement=certificate_a.achievement,
            holder_name="dup",
        )
    again, created = issue(certificate_a.rule, certificate_a.achievement)
    assert (again, created) == (certificate_a, False)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"cadre_id": 999_999}, "no cadre"),
        ({"kind": "diploma"}, "unknown achievement kind"),
        ({"title_zh": " "}, "Chinese title"),
        ({"level": 9}, "outside 1–5"),
        ({"credit_hours": "-1"}, "out of range"),
        ({"credit_hours": "lots"}, "not a number"),
    ],
)
def test_bad_achievements_are_refused_and_write_nothing(world, rules, change, message):
    data = {**level_achievement(world.cadre_a).__dict__, **change}
    with pytest.raises(ValidationError, match=message):
        issue_for(Achievement(**data))
    assert not AchievementRecord.objects.exists()
    assert not Certificate.objects.exists()


def test_rule_kind_and_target_must_agree(template):
    rule = IssuanceRule(name_zh="x", kind="course", competency_code="D1.1", template=template)
    with pytest.raises(ValidationError):
        rule.full_clean()
