"""The integration stage: a real PostgreSQL database, a real Redis broker and a real Celery
worker process consuming from it. ``.ci/run`` sets DATABASE_URL and CELERY_BROKER_URL and runs
``pytest -m integration``; without them these tests skip and say why."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _why_not() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL does not point at PostgreSQL (set by .ci/run's integration stage)"
    if not settings.CELERY_BROKER_URL:
        return "CELERY_BROKER_URL is not set (set by .ci/run's integration stage)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _why_not()
    for item in items:
        if "integration" not in item.keywords:
            continue
        _require_serialized_rollback(item)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


def _require_serialized_rollback(item: pytest.Item) -> None:
    """On PostgreSQL a flush does not reset sequences, so a transactional test without
    serialized_rollback lets post_migrate recreate content types under new ids, and the next
    serialized test then fails to restore its own (duplicate key). One rule for all of them."""
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
        raise pytest.UsageError(
            f"{item.nodeid}: integration tests use "
            "django_db(transaction=True, serialized_rollback=True)"
        )


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A `celery worker` subprocess bound to the test database; started once per session."""
    from celery import current_app

    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    current_app.control.purge()
    log = open(ROOT / "var" / "integration-worker.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "-n",
            f"ci-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"celery worker exited with {proc.returncode}; see var/integration-worker.log"
            )
        if current_app.control.ping(timeout=1.0):
            break
    else:
        proc.terminate()
        raise RuntimeError("celery worker did not answer a ping within 60 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def wait_for(predicate, timeout: float = 60, interval: float = 0.2):
    """Poll until predicate() is truthy (work happens in another process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
