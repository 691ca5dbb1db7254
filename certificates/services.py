"""Write paths of the certificates app: recording achievements, issuing (exactly once),
storing PDFs, revoking."""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from people.models import Cadre

from .codes import new_code
from .models import AchievementKind, AchievementRecord, Certificate, IssuanceRule

REVOKE_ACTION = "certificates.revoke"


@dataclass(frozen=True)
class Achievement:
    """What a cadre achieved, as reported by courses or assessments."""

    cadre_id: int
    kind: str
    reference: str
    title_zh: str
    title_en: str = ""
    credit_hours: Decimal | None = None
    level: int = 0
    achieved_at: datetime | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        data["credit_hours"] = None if self.credit_hours is None else str(self.credit_hours)
        data["achieved_at"] = self.achieved_at.isoformat() if self.achieved_at else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> Achievement:
        hours = data.get("credit_hours")
        at = data.get("achieved_at")
        return cls(
            **{
                **data,
                "credit_hours": None if hours is None else Decimal(hours),
                "achieved_at": datetime.fromisoformat(at) if at else None,
            }
        )


def _validated(achievement: Achievement) -> Achievement:
    if achievement.kind not in AchievementKind.values:
        raise ValidationError(f"unknown achievement kind {achievement.kind!r}")
    if not str(achievement.reference).strip():
        raise ValidationError("an achievement needs a reference (course id or competency code)")
    if not achievement.title_zh.strip():
        raise ValidationError("an achievement needs a Chinese title")
    if achievement.kind == AchievementKind.COMPETENCY_LEVEL and not 1 <= achievement.level <= 5:
        raise ValidationError(f"competency level {achievement.level} is outside 1–5")
    if achievement.kind == AchievementKind.COURSE and achievement.level:
        raise ValidationError("a course completion has no level")
    hours = achievement.credit_hours
    if hours is not None:
        try:
            hours = Decimal(hours)
        except (InvalidOperation, TypeError) as exc:
            raise ValidationError(f"credit hours {hours!r} are not a number") from exc
        if not hours.is_finite() or hours < 0 or hours >= 100_000:
            raise ValidationError(f"credit hours {hours} are out of range")
    if not Cadre.objects.filter(pk=achievement.cadre_id).exists():
        raise ValidationError(f"no cadre with id {achievement.cadre_id}")
    return achievement


def record_achievement(achievement: Achievement) -> AchievementRecord:
    """Store the achievement once (a repeated report returns the stored row)."""
    a = _validated(achievement)
    record, _created = AchievementRecord.objects.get_or_create(
        cadre_id=a.cadre_id,
        kind=a.kind,
        reference=str(a.reference),
        level=a.level,
        defaults={
            "title_zh": a.title_zh.strip()[:200],
            "title_en": a.title_en.strip()[:200],
            "credit_hours": a.credit_hours,
            "achieved_at": a.achieved_at or timezone.now(),
        },
    )
    return record


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def issue(rule: IssuanceRule, record: AchievementRecord) -> tuple[Certificate, bool]:
    """The certificate of ``record`` under ``rule``: created once, found ever after.

    Exactly once holds under retries and concurrent triggers because the database enforces it
    (``certificates_once_per_rule``): a losing concurrent insert fails and reads the winner's row.
    """
    keys = {"rule": rule, "cadre_id": record.cadre_id, "achievement": record}
    issued_at = timezone.now()
    expires_at = _add_months(issued_at, rule.valid_for_months) if rule.valid_for_months else None
    holder = Cadre.objects.values_list("display_name", flat=True).get(pk=record.cadre_id)
    return Certificate.objects.get_or_create(
        **keys,
        defaults={
            "code": new_code(),
            "holder_name": holder,
            "issued_at": issued_at,
            "expires_at": expires_at,
        },
    )


def issue_for(achievement: Achievement) -> list[Certificate]:
    """Record an achievement and issue a certificate under every active rule it satisfies.
    Returns the certificates (new and earlier ones) for it."""
    record = record_achievement(achievement)
    certificates = []
    for rule in IssuanceRule.objects.filter(is_active=True, kind=record.kind):
        if rule.matches(record):
            certificates.append(issue(rule, record)[0])
    return certificates


def store_pdf(certificate: Certificate, pdf: bytes) -> None:
    """Keep the rendered PDF (the issued document) with the certificate."""
    old = certificate.pdf.name
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(pdf), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    if old and old != certificate.pdf.name:
        certificate.pdf.storage.delete(old)


@transaction.atomic
def revoke(certificate: Certificate, *, by: AbstractBaseUser, reason: str) -> Certificate:
    """Revoke with a reason; the audit entry is written in the same transaction."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("a revocation needs a reason")
    if len(reason) > 300:
        raise ValidationError("the reason may be at most 300 characters")
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise ValidationError("this certificate is already revoked")
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.revocation_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    log(locked, REVOKE_ACTION, user=by, data={"reason": reason, "serial": locked.serial})
    return locked
