"""/healthz against real dependencies: healthy with the embedded default, 503 when the cache
is a Redis server that is not there (a closed local port, no mock)."""

from __future__ import annotations

import socket

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert {name: check["ok"] for name, check in data["checks"].items()} == {
        "database": True,
        "cache": True,
        "broker": True,
    }
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_unhealthy_when_the_cache_server_is_down(client):
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    with override_settings(CACHES=caches):
        response = client.get("/healthz")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "fail"
    assert data["checks"]["cache"]["ok"] is False
    assert "Connection" in data["checks"]["cache"]["detail"]
    assert data["checks"]["database"]["ok"] is True


def test_health_shows_no_personal_data(world, client):
    body = client.get("/healthz").content.decode()
    for marker in (world.cadre_a.employee_no, world.cadre_a.display_name, "password"):
        assert marker not in body
