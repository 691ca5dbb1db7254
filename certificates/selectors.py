"""Read paths of the certificates app. Pages about people go through the data scope; the public
verification look-up shows only what a verifier needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from people.models import OrgUnit
from people.scope import scope_for

from .codes import normalise
from .models import Certificate, CertificateStatus, IssuanceRule


def _certificates() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("achievement", "rule", "cadre__unit")


def my_certificates(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Certificate]:
    if not user.is_authenticated:
        return Certificate.objects.none()
    return _certificates().filter(cadre__user=user)


def certificate_for(viewer: AbstractBaseUser | AnonymousUser, code: str) -> Certificate | None:
    """A certificate the viewer may download: their own, or one in their data scope."""
    canonical = normalise(code)
    if canonical is None or not viewer.is_authenticated:
        return None
    return scope_for(viewer).filter_cadres(_certificates(), "cadre").filter(code=canonical).first()


def visible_certificates(
    viewer: AbstractBaseUser | AnonymousUser,
    *,
    rule: IssuanceRule | None = None,
    unit: OrgUnit | None = None,
    status: str = "",
    query: str = "",
) -> QuerySet[Certificate]:
    """Certificates of cadres the viewer is responsible for, filtered for the admin listing."""
    rows = scope_for(viewer).filter_cadres(_certificates(), "cadre")
    if rule is not None:
        rows = rows.filter(rule=rule)
    if unit is not None:
        rows = rows.filter(cadre__unit__path__startswith=unit.path)
    now = timezone.now()
    if status == CertificateStatus.REVOKED:
        rows = rows.filter(revoked_at__isnull=False)
    elif status == CertificateStatus.EXPIRED:
        rows = rows.filter(revoked_at__isnull=True, expires_at__lte=now)
    elif status == CertificateStatus.VALID:
        rows = rows.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
    if query:
        canonical = normalise(query)
        rows = rows.filter(
            Q(holder_name__icontains=query)
            | Q(cadre__employee_no=query)
            | Q(code=canonical or "-")
            | Q(pk=_serial_pk(query) or 0)
        )
    return rows.order_by("-issued_at", "-pk")


def _serial_pk(serial: str) -> int | None:
    head, _sep, tail = serial.strip().upper().partition("-")
    return int(tail) if head.startswith("SZ") and tail.isdigit() else None


@dataclass(frozen=True)
class PublicRecord:
    """What the public verification page may show: nothing beyond a masked name."""

    masked_name: str
    title: str
    issued_at: datetime
    expires_at: datetime | None
    status: str
    status_label: str
    revoked_at: datetime | None
    revocation_reason: str
    serial: str
    issuer: str


def mask_name(name: str) -> str:
    """张三 → 张*, 王小明 → 王*明, 欧阳明华 → 欧**华, John Smith → J*** S****."""
    name = name.strip()
    if not name:
        return ""
    if name.isascii():
        return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())
    if len(name) <= 2:
        return name[0] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]


def public_record(code: str, issuer: str) -> PublicRecord | None:
    """The certificate with exactly this code, or None (malformed, altered or unknown)."""
    canonical = normalise(code)
    if canonical is None:
        return None
    certificate = _certificates().filter(code=canonical).first()
    if certificate is None:
        return None
    return PublicRecord(
        masked_name=mask_name(certificate.holder_name),
        title=certificate.title,
        issued_at=certificate.issued_at,
        expires_at=certificate.expires_at,
        status=certificate.status,
        status_label=certificate.get_status_display(),
        revoked_at=certificate.revoked_at,
        revocation_reason=certificate.revocation_reason,
        serial=certificate.serial,
        issuer=issuer,
    )
