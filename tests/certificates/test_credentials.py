"""Open Badges 3.0 credentials: signed as VC-JWT with EdDSA, verifiable with the published JWKS,
failing after any change, pseudonymous, JSON-LD with bundled contexts only, pluggable signer."""

from __future__ import annotations

import base64
import json
import socket

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from pyld import jsonld

from certificates import credentials
from certificates.checks import issuer_key_check
from certificates.jsonld import OB_V3, VC_V2, document_loader, expand, undefined_terms
from certificates.services import revoke
from certificates.signing import Ed25519Signer, Signer, b64url, issuer_signer


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _reencode(token: str, change) -> str:
    """The token with its payload changed and the original signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(_b64(payload))
    change(claims)
    return ".".join([header, b64url(json.dumps(claims).encode()), signature])


def test_credential_is_an_open_badge_with_a_pseudonymous_subject(certificate_a):
    body = credentials.credential(certificate_a)
    assert body["@context"] == [VC_V2, OB_V3]
    assert body["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert body["issuer"]["id"] == credentials.issuer_id()
    assert body["credentialSubject"]["type"] == ["AchievementSubject"]
    assert body["credentialSubject"]["achievement"]["achievementType"] == "Competency"
    dumped = json.dumps(body, ensure_ascii=False)
    assert certificate_a.holder_name not in dumped
    assert certificate_a.cadre.employee_no not in dumped
    assert body["credentialSubject"]["id"] == f"urn:uuid:{certificate_a.subject_pseudonym}"


def test_credential_uses_only_terms_its_contexts_define(certificate_a):
    token = credentials.sign(certificate_a)
    claims = json.loads(_b64(token.split(".")[1]))
    assert undefined_terms(claims) == set()
    claims["favouriteColour"] = "red"
    claims["credentialSubject"]["achievement"]["nmae"] = "typo"
    assert undefined_terms(claims) == {"favouriteColour", "nmae"}


def test_signed_credential_verifies(certificate_a):
    token = credentials.sign(certificate_a)
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": issuer_signer().key_id, "typ": "vc+jwt", "cty": "vc"}
    result = credentials.verify(token)
    assert (result.verified, result.status, result.errors) == (True, "valid", [])


def test_the_published_jwks_verifies_the_signature_independently(client, certificate_a):
    token = credentials.sign(certificate_a)
    keys = client.get(reverse("certificates:jwks")).json()["keys"]
    key = jwt.PyJWK(keys[0])
    claims = jwt.decode(token, key=key, algorithms=["EdDSA"], options={"verify_aud": False})
    assert claims["id"] == f"urn:uuid:{certificate_a.uuid}"
    profile = client.get(reverse("certificates:issuer")).json()
    assert profile["id"] == claims["iss"] and profile["type"] == ["Profile"]


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.update(name=c["name"] + "（修改）"),
        lambda c: c.update(validFrom="2001-01-01T00:00:00+08:00"),
        lambda c: c["credentialSubject"].update(id="urn:uuid:00000000-0000-0000-0000-000000000000"),
        lambda c: c["credentialSubject"]["achievement"].update(name="伪造的成绩"),
        lambda c: c.update(iat=c["iat"] + 1),
        lambda c: c["issuer"].update(name="Someone else"),
        lambda c: c.pop("credentialSubject"),
    ],
    ids=["name", "validFrom", "subject", "achievement", "iat", "issuer", "removed"],
)
def test_any_change_to_the_payload_fails(certificate_a, change):
    token = _reencode(credentials.sign(certificate_a), change)
    result = credentials.verify(token)
    assert not result.verified
    assert any("signature" in e for e in result.errors)


def test_every_single_byte_change_fails(certificate_a):
    token = credentials.sign(certificate_a)
    for position in range(0, len(token), 7):
        if token[position] == ".":
            continue
        other = "A" if token[position] != "A" else "B"
        tampered = token[:position] + other + token[position + 1 :]
        assert not credentials.verify(tampered).verified, position


def test_a_credential_of_another_key_fails(certificate_a):
    other = Ed25519Signer.from_pem(Ed25519Signer.generate_pem())
    result = credentials.verify(credentials.sign(certificate_a, other))
    assert not result.verified
    assert "key" in result.errors[0]


def test_revocation_shows_in_verification(certificate_a, world):
    token = credentials.sign(certificate_a)
    revoke(certificate_a, by=world.admin, reason="测试撤销")
    result = credentials.verify(token)
    assert (result.verified, result.status) == (False, "revoked")


def test_verify_endpoint(client, certificate_a):
    url = reverse("certificates:verify_credential")
    token = credentials.sign(certificate_a)
    assert client.post(url, token, content_type="application/vc+jwt").json()["verified"] is True
    assert client.post(url, {"credential": token}).json()["status"] == "valid"
    tampered = _reencode(token, lambda c: c.update(name="x"))
    assert (
        client.post(
            url, json.dumps({"credential": tampered}), content_type="application/json"
        ).json()["verified"]
        is False
    )
    assert client.post(url, "", content_type="text/plain").status_code == 400


def test_contexts_are_never_fetched(certificate_a, monkeypatch):
    attempts = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or [][0])
    with pytest.raises(jsonld.JsonLdError):
        document_loader("https://example.com/evil-context.jsonld")
    claims = credentials.credential(certificate_a)
    claims["@context"].append("https://example.com/evil-context.jsonld")
    with pytest.raises(jsonld.JsonLdError):
        expand(claims)
    assert attempts == []


class ES256Signer(Signer):
    """A second algorithm through the same interface (as SM2 would be): ECDSA P-256."""

    algorithm = "ES256"

    def __init__(self):
        self._key = ec.generate_private_key(ec.SECP256R1())

    def sign(self, data: bytes) -> bytes:
        r, s = decode_dss_signature(self._key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def verify(self, data: bytes, signature: bytes) -> bool:
        jwk = jwt.PyJWK({**self.public_jwk(), "alg": "ES256"})
        return jwt.algorithms.ECAlgorithm(jwt.algorithms.ECAlgorithm.SHA256).verify(
            data, jwk.key, signature
        )

    def public_jwk(self) -> dict[str, str]:
        numbers = self._key.public_key().public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }


def test_the_signing_algorithm_is_pluggable(certificate_a):
    signer = ES256Signer()
    token = credentials.sign(certificate_a, signer)
    assert jwt.get_unverified_header(token)["alg"] == "ES256"
    assert credentials.verify(token, signer).verified
    # an independent implementation agrees
    jwt.decode(token, jwt.PyJWK({**signer.public_jwk(), "alg": "ES256"}).key, algorithms=["ES256"])
    assert not credentials.verify(_reencode(token, lambda c: c.update(name="x")), signer).verified


def test_key_from_environment_setting(settings, certificate_a):
    pem = Ed25519Signer.generate_pem().decode()
    settings.CERTIFICATES_ISSUER_KEY = pem
    expected = Ed25519Signer.from_pem(pem.encode())
    assert issuer_signer().key_id == expected.key_id
    assert issuer_key_check() == []


def test_key_from_file_and_misconfiguration(settings, tmp_path):
    path = tmp_path / "issuer.pem"
    path.write_bytes(Ed25519Signer.generate_pem())
    settings.CERTIFICATES_ISSUER_KEY = ""
    settings.CERTIFICATES_ISSUER_KEY_FILE = str(path)
    assert issuer_signer().key_id == Ed25519Signer.from_pem(path.read_bytes()).key_id
    rsa_like = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(rsa_like)
    with pytest.raises(ImproperlyConfigured, match="Ed25519"):
        issuer_signer()
    settings.CERTIFICATES_ISSUER_KEY_FILE = ""
    settings.CERTIFICATES_GENERATE_DEMO_KEY = False
    with pytest.raises(ImproperlyConfigured, match="SHUZHI_ISSUER_KEY"):
        issuer_signer()
    assert [e.id for e in issuer_key_check()] == ["certificates.E003"]


def test_demo_key_is_generated_once_and_private(settings, tmp_path):
    settings.CERTIFICATES_ISSUER_KEY = settings.CERTIFICATES_ISSUER_KEY_FILE = ""
    settings.CERTIFICATES_GENERATE_DEMO_KEY = True
    settings.CERTIFICATES_DEMO_KEY_FILE = tmp_path / "var" / "issuer.pem"
    first = issuer_signer().key_id
    assert issuer_signer().key_id == first
    assert settings.CERTIFICATES_DEMO_KEY_FILE.stat().st_mode & 0o077 == 0
