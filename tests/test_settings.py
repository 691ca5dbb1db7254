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
