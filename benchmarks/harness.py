"""What the benchmarks share: Django set up on a chosen database in a child process, and fresh
PostgreSQL databases on the local server (each benchmark names its own, so runs never meet)."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = "postgresql://postgres@127.0.0.1:5432"


def setup_django(database_url: str, var_dir: Path, *, broker_url: str | None = None) -> None:
    """Configure settings from the environment as a deployment would, then django.setup().

    Without ``broker_url`` tasks run in-process (the embedded default); with one (e.g.
    ``memory://``) they are queued, as in production, and not timed with the caller."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["SHUZHI_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if broker_url:
        os.environ["CELERY_BROKER_URL"] = broker_url
    else:
        os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_postgres(name: str) -> tuple[str | None, str]:
    """(URL of a new empty database ``name``, "") or (None, why PostgreSQL is not usable)."""
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError as exc:
        return None, f"PostgreSQL does not answer at 127.0.0.1:5432 ({exc})"
    import psycopg

    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name}")
            c.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as exc:
        return None, f"cannot create {name}: {exc}"
    return f"{POSTGRES}/{name}", ""


def drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
