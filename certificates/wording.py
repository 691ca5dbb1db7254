"""The words a certificate prints, in Chinese and English, from what it records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from competencies.selectors import level_names

from .models import AchievementKind, AchievementRecord, Certificate, CertificateTemplate

KIND_WORDS = {
    AchievementKind.COURSE: ("课程结业", "Course completion"),
    AchievementKind.COMPETENCY_LEVEL: ("能力等级认证", "Competency level certification"),
}
EN_MONTHS = "January February March April May June July August September October November December"


@dataclass(frozen=True)
class Printed:
    """What one certificate shows: the inputs of a template."""

    holder_name: str
    kind: str
    title_zh: str
    title_en: str
    level: int
    credit_hours: Decimal | None
    issued_at: datetime
    serial: str
    code: str
    verify_url: str


def verify_url(code: str) -> str:
    """The absolute address of a certificate's public verification page (Chinese, the default)."""
    from django.utils.translation import override

    with override("zh-hans"):
        path = reverse("certificates:verify", kwargs={"code": code})
    return f"{settings.CERTIFICATES_BASE_URL}{path}"


def printed(certificate: Certificate) -> Printed:
    achievement = certificate.achievement
    return Printed(
        holder_name=certificate.holder_name,
        kind=achievement.kind,
        title_zh=achievement.title_zh,
        title_en=achievement.title_en or achievement.title_zh,
        level=achievement.level,
        credit_hours=achievement.credit_hours,
        issued_at=certificate.issued_at,
        serial=certificate.serial,
        code=certificate.display_code,
        verify_url=verify_url(certificate.code),
    )


def _hours(hours: Decimal | None) -> tuple[str, str]:
    if hours is None:
        return "", ""
    text = f"{hours.normalize():f}"
    return f"{text} 学时", f"{text} credit hour{'' if hours == 1 else 's'}"


def _level(level: int, names: dict[int, tuple[str, str]]) -> tuple[str, str]:
    if not level:
        return "", ""
    zh, en = names.get(level, ("", ""))
    return (f"第{level}级（{zh}）" if zh else f"第{level}级"), (
        f"Level {level} ({en})" if en else f"Level {level}"
    )


def values(
    item: Printed, template: CertificateTemplate, names: dict[int, tuple[str, str]] | None = None
) -> dict[str, str]:
    """Placeholder values (plain text; escaping happens in placeholders.fill)."""
    names = level_names() if names is None else names
    day = timezone.localtime(item.issued_at).date()
    kind_zh, kind_en = KIND_WORDS[AchievementKind(item.kind)]
    level_zh, level_en = _level(item.level, names)
    hours_zh, hours_en = _hours(item.credit_hours)
    return {
        "holder_name": item.holder_name,
        "achievement": item.title_zh,
        "achievement_en": item.title_en,
        "kind": kind_zh,
        "kind_en": kind_en,
        "level": level_zh,
        "level_en": level_en,
        "credit_hours": hours_zh,
        "credit_hours_en": hours_en,
        "date": f"{day.year}年{day.month}月{day.day}日",
        "date_en": f"{day.day} {EN_MONTHS.split()[day.month - 1]} {day.year}",
        "serial": item.serial,
        "code": item.code,
        "verify_url": item.verify_url,
        "issuer": template.issuer_name_zh or settings.CERTIFICATES_ISSUER_NAME_ZH,
        "issuer_en": template.issuer_name_en or settings.CERTIFICATES_ISSUER_NAME_EN,
    }


def achievement_title(achievement: AchievementRecord) -> str:
    """The achievement in the active language, with its level (for pages, not the PDF)."""
    english = (get_language() or "").startswith("en")
    title = (achievement.title_en or achievement.title_zh) if english else achievement.title_zh
    if achievement.level:
        zh, en = _level(achievement.level, level_names())
        title = f"{title} · {en if english else zh}"
    return title
