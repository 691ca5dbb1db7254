"""Signing credentials: a small signer interface, Ed25519 (EdDSA) as the implementation, and
where the issuer's key comes from.

The interface is what a JOSE algorithm needs (sign, verify, a public JWK), so another algorithm
(e.g. SM2 with SM3, required by some government deployments) is another subclass named by
``CERTIFICATES_SIGNER``; PyJWT then frames the JWS for any of them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from abc import ABC, abstractmethod
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from jwt.algorithms import Algorithm
from jwt.api_jws import PyJWS


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Signer(ABC):
    """One issuer key. ``algorithm`` is the JOSE "alg" it signs with."""

    algorithm: str

    @abstractmethod
    def sign(self, data: bytes) -> bytes: ...

    @abstractmethod
    def verify(self, data: bytes, signature: bytes) -> bool: ...

    @abstractmethod
    def public_jwk(self) -> dict[str, str]:
        """The public key as a JWK, without kid/use/alg (added by :meth:`jwk`)."""

    @property
    def key_id(self) -> str:
        """RFC 7638 thumbprint of the public key: stable, and changes with the key."""
        members = {k: v for k, v in self.public_jwk().items() if k in ("crv", "kty", "x", "y")}
        canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode()
        return b64url(hashlib.sha256(canonical).digest())

    def jwk(self) -> dict[str, str]:
        return {**self.public_jwk(), "kid": self.key_id, "use": "sig", "alg": self.algorithm}


class Ed25519Signer(Signer):
    algorithm = "EdDSA"

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self._public = key.public_key()

    @classmethod
    def from_pem(cls, pem: bytes) -> Ed25519Signer:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured(
                f"the issuer key is a {type(key).__name__}; Ed25519Signer needs an Ed25519 key"
            )
        return cls(key)

    @staticmethod
    def generate_pem() -> bytes:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)

    def verify(self, data: bytes, signature: bytes) -> bool:
        try:
            self._public.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def public_jwk(self) -> dict[str, str]:
        raw = self._public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}


class _SignerAlgorithm(Algorithm):
    """Lets PyJWT frame a JWS around any :class:`Signer`."""

    def prepare_key(self, key: Signer) -> Signer:
        if not isinstance(key, Signer):
            raise TypeError("expected a certificates.signing.Signer")
        return key

    def sign(self, msg: bytes, key: Signer) -> bytes:
        return key.sign(msg)

    def verify(self, msg: bytes, key: Signer, sig: bytes) -> bool:
        return key.verify(msg, sig)

    @staticmethod
    def to_jwk(key_obj: Signer, as_dict: bool = False) -> Any:
        jwk = key_obj.jwk()
        return jwk if as_dict else json.dumps(jwk)

    @staticmethod
    def from_jwk(jwk: Any) -> Any:
        raise NotImplementedError("verification uses the issuer's own keys")


def jws_for(signer: Signer) -> PyJWS:
    jws = PyJWS(algorithms=[])
    jws.register_algorithm(signer.algorithm, _SignerAlgorithm())
    return jws


def _key_pem() -> bytes:
    if settings.CERTIFICATES_ISSUER_KEY:
        return settings.CERTIFICATES_ISSUER_KEY.encode()
    if settings.CERTIFICATES_ISSUER_KEY_FILE:
        return Path(settings.CERTIFICATES_ISSUER_KEY_FILE).read_bytes()
    if not settings.CERTIFICATES_GENERATE_DEMO_KEY:
        raise ImproperlyConfigured(
            "No issuer key for certificates: set SHUZHI_ISSUER_KEY (a PEM) or "
            "SHUZHI_ISSUER_KEY_FILE (a path); see docs/certificates.md."
        )
    return _demo_key(Path(settings.CERTIFICATES_DEMO_KEY_FILE))


def _demo_key(path: Path) -> bytes:
    """Development only: a key generated once into var/, readable by its owner only."""
    signer_class = import_string(settings.CERTIFICATES_SIGNER)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()  # another process generated it first
        with os.fdopen(fd, "wb") as out:
            out.write(signer_class.generate_pem())
    return path.read_bytes()


@lru_cache(maxsize=4)
def _signer(signer_path: str, pem: bytes) -> Signer:
    return import_string(signer_path).from_pem(pem)


def issuer_signer() -> Signer:
    """The signer for the issuer's current key (cached per key)."""
    return _signer(settings.CERTIFICATES_SIGNER, _key_pem())


def issuer_key_configured() -> bool:
    return bool(settings.CERTIFICATES_ISSUER_KEY or settings.CERTIFICATES_ISSUER_KEY_FILE)
