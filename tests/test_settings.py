"""Production settings: refuse to start without a secret key, and pass Django's deployment
checks when given real-looking secrets and hosts. Each runs manage.py in a clean environment
(a subprocess), the way a server would start."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def _manage(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {"PATH": "/usr/bin:/bin", "SHUZHI_VAR_DIR": str(tmp_path / "var"), **env}
    return subprocess.run(
        [sys.executable, str(MANAGE), *args], env=clean, capture_output=True, text=True, timeout=120
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off(tmp_path):
    result = _manage(tmp_path, "check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "refuses to start" in result.stderr


def test_debug_default_starts_without_secret_key(tmp_path):
    result = _manage(tmp_path, "check")
    assert result.returncode == 0, result.stderr


def _ed25519_pem() -> str:
    """A throwaway issuer key: production must be given one (certificates cannot sign without)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="shuzhi.example.org",
        SHUZHI_ISSUER_KEY=_ed25519_pem(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_a_weak_key(tmp_path):
    """The test above is not vacuous: the same check fails on a short key."""
    result = _manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="short",
        ALLOWED_HOSTS="shuzhi.example.org",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_readme_documents_every_environment_variable():
    """The README's configuration table lists every variable config/settings.py reads."""
    import re

    source = (Path(settings.BASE_DIR) / "config" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'(?:environ\.get|env_bool|env_int|env_list)\(\s*"([A-Z0-9_]+)"', source))
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    table = {
        name
        for row in readme.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`([A-Z0-9_]+)`", row.split("|")[1])
    }
    assert len(read) > 20
    assert read - table == set(), (
        f"document these in README.md's Configuration table: {sorted(read - table)}"
    )
