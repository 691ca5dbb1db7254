"""Open Badges 3.0 credentials (W3C Verifiable Credentials 2.0), secured as VC-JWT.

The JWT's payload is the credential itself (VC-JOSE-COSE), with the registered claims iss, sub,
iat/nbf and exp (those the VC 2.0 context defines) repeated for plain JWT tooling; the header
names the key (kid) published in the site's JWKS. The subject is a random pseudonym, never a
name or phone number.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import jwt
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from .jsonld import OB_V3, VC_V2, undefined_terms
from .models import AchievementKind, Certificate, CertificateStatus
from .signing import Signer, issuer_signer, jws_for
from .wording import KIND_WORDS

MEDIA_TYPE = "application/vc+jwt"
ACHIEVEMENT_TYPES = {
    AchievementKind.COURSE: "Course",
    AchievementKind.COMPETENCY_LEVEL: "Competency",
}


def absolute(name: str, **kwargs: Any) -> str:
    with override("zh-hans"):
        return f"{settings.CERTIFICATES_BASE_URL}{reverse(name, kwargs=kwargs or None)}"


def issuer_id() -> str:
    return absolute("certificates:issuer")


def issuer_profile() -> dict[str, Any]:
    """The issuer's OB 3.0 Profile, published at its own id."""
    return {
        "@context": [VC_V2, OB_V3],
        "id": issuer_id(),
        "type": ["Profile"],
        "name": settings.CERTIFICATES_ISSUER_NAME_ZH,
        "description": settings.CERTIFICATES_ISSUER_NAME_EN,
        "url": f"{settings.CERTIFICATES_BASE_URL}/",
    }


def jwks() -> dict[str, Any]:
    return {"keys": [issuer_signer().jwk()]}


def _iso(moment: datetime) -> str:
    return moment.astimezone().isoformat(timespec="seconds")


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def credential(certificate: Certificate) -> dict[str, Any]:
    achievement = certificate.achievement
    kind_zh, kind_en = KIND_WORDS[AchievementKind(achievement.kind)]
    level = f"（第{achievement.level}级）" if achievement.level else ""
    level_en = f" (level {achievement.level})" if achievement.level else ""
    key = f"{achievement.kind}:{achievement.reference}:{achievement.level}"
    achievement_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.CERTIFICATES_BASE_URL}/{key}")
    badge: dict[str, Any] = {
        "id": f"urn:uuid:{achievement_id}",
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[AchievementKind(achievement.kind)],
        "name": f"{achievement.title_zh}{level}",
        "description": f"{kind_zh}：{achievement.title_zh}{level}。"
        f"{kind_en}: {achievement.title_en or achievement.title_zh}{level_en}.",
        "criteria": {
            "narrative": "完成课程全部学习（含所配置的结业测评）。"
            if achievement.kind == AchievementKind.COURSE
            else f"经测评认证达到第{achievement.level}级。"
        },
        "inLanguage": "zh-Hans",
    }
    if achievement.kind == AchievementKind.COMPETENCY_LEVEL:
        badge["humanCode"] = achievement.reference
    subject: dict[str, Any] = {
        "id": f"urn:uuid:{certificate.subject_pseudonym}",
        "type": ["AchievementSubject"],
        "achievement": badge,
    }
    if achievement.credit_hours is not None:
        badge["creditsAvailable"] = _number(achievement.credit_hours)
        subject["creditsEarned"] = _number(achievement.credit_hours)
    body: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": f"urn:uuid:{certificate.uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": badge["name"],
        "issuer": {
            "id": issuer_id(),
            "type": ["Profile"],
            "name": settings.CERTIFICATES_ISSUER_NAME_ZH,
        },
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": subject,
    }
    if certificate.expires_at:
        body["validUntil"] = _iso(certificate.expires_at)
    return body


def sign(certificate: Certificate, signer: Signer | None = None) -> str:
    """The certificate as a compact VC-JWT (deterministic for a key: Ed25519 signatures are)."""
    signer = signer or issuer_signer()
    body = credential(certificate)
    claims = {
        **body,
        "iss": body["issuer"]["id"],
        "sub": body["credentialSubject"]["id"],
        "iat": int(certificate.issued_at.timestamp()),
        "nbf": int(certificate.issued_at.timestamp()),
    }
    if certificate.expires_at:
        claims["exp"] = int(certificate.expires_at.timestamp())
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
    return jws_for(signer).encode(
        payload,
        key=signer,
        algorithm=signer.algorithm,
        headers={"kid": signer.key_id, "typ": "vc+jwt", "cty": "vc"},
    )


@dataclass
class Verification:
    """The outcome of checking a presented VC-JWT."""

    verified: bool = False
    status: str = "invalid"
    errors: list[str] = field(default_factory=list)
    credential: dict[str, Any] | None = None
    certificate: Certificate | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "status": self.status,
            "errors": self.errors,
            "credential_id": (self.credential or {}).get("id"),
        }


def verify(token: str, signer: Signer | None = None) -> Verification:
    """Check the signature with the issuer's key, the credential's shape and contexts, and the
    certificate's current status. Any change to header, payload or signature fails."""
    signer = signer or issuer_signer()
    result = Verification()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        result.errors.append(f"not a JWS: {exc}")
        return result
    if header.get("alg") != signer.algorithm or header.get("kid") != signer.key_id:
        result.errors.append("signed with an algorithm or key this issuer does not use")
        return result
    try:
        decoded = jws_for(signer).decode_complete(token, key=signer, algorithms=[signer.algorithm])
        body = json.loads(decoded["payload"])
    except (jwt.PyJWTError, ValueError) as exc:
        result.errors.append(f"signature check failed: {exc}")
        return result
    result.credential = body
    if body.get("@context") != [VC_V2, OB_V3]:
        result.errors.append("unexpected @context")
        return result
    try:
        undefined = undefined_terms(body)
    except Exception as exc:  # pyld raises its own error types for malformed JSON-LD
        result.errors.append(f"not valid JSON-LD: {exc}")
        return result
    if undefined:
        result.errors.append(f"terms not defined by the contexts: {sorted(undefined)}")
    if "OpenBadgeCredential" not in body.get("type", []) or body.get("iss") != issuer_id():
        result.errors.append("not an Open Badges credential of this issuer")
    certificate = (
        Certificate.objects.select_related("achievement")
        .filter(uuid=_uuid_of(body.get("id", "")))
        .first()
    )
    if certificate is None:
        result.errors.append("no certificate with this id was issued")
        return result
    result.certificate = certificate
    result.status = certificate.status
    if result.errors:
        return result
    result.verified = certificate.status == CertificateStatus.VALID
    return result


def _uuid_of(urn: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(urn.removeprefix("urn:uuid:"))
    except ValueError:
        return None
