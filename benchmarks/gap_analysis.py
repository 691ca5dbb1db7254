"""Benchmark: the gap analysis on ``seed_demo --cadres N`` (≈ 24 cells per cadre).

In a fresh database (PostgreSQL when it answers at 127.0.0.1:5432, SQLite otherwise) with the
demo organisation, N demo cadres and their two waves of evidence:

* ``recompute_s``    — analytics.refresh.refresh_all(): every estimate and every summary
                       rebuilt from the ledger (target ≤ 60 s);
* ``heatmap_p95_ms`` — server time of the HR dashboard (the unit heat map page with all its
                       reports) for the city-wide HR officer, 100 requests through Django's
                       test client, drilling over the city and its districts (target ≤ 300 ms);
                       Figures are cached per summary version and viewer scope, so the page is
                       also timed with the cache cleared before every request
                       (``heatmap_cold_p95_ms``: the first view after each refresh);
* ``naive_ratio``    — a naive per-cadre ORM loop computing the same heat map (each cadre's
                       evidence, fused in Python, compared with its position's requirements,
                       accumulated per unit) timed on a sample of cadres and scaled to N,
                       divided by the median *uncached* page time (target ≥ 50).

    .venv/bin/python benchmarks/gap_analysis.py           # 100,000 cadres
    .venv/bin/python benchmarks/gap_analysis.py --quick   # 20,000 cadres

The last line of output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_DATABASE = "shuzhi_analytics_bench"
TARGETS = {"recompute_s": 60, "heatmap_p95_ms": 300, "naive_ratio": 50}


def _database_url(reuse: bool) -> str:
    if reuse:
        return f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        return ""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        c.execute(f"CREATE DATABASE {PG_DATABASE}")
    return f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"


def _django(database_url: str, var_dir: Path) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ["SHUZHI_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _seed(cadres: int) -> dict:
    from django.core.management import call_command

    from analytics.receivers import refresh_deferred
    from competencies.demo import seed_evidence
    from competencies.framework_io import load_bundled_framework
    from people.demo import seed_accounts, seed_cadres, seed_organisation

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_bundled_framework()
    seed_organisation()
    seed_cadres(cadres, 2023)
    seed_accounts()
    with refresh_deferred():
        rows = seed_evidence(2023)
    return {"evidence_rows": rows, "seed_s": round(time.perf_counter() - started, 1)}


def _page_times(requests: int, cold: bool = False) -> list[float]:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from people.models import AdminLevel, OrgUnit

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="hr_city"))
    city = OrgUnit.get_root_nodes().first()
    codes = [
        city.code,
        *OrgUnit.objects.filter(depth=2, level=AdminLevel.DISTRICT)
        .order_by("path")
        .values_list("code", flat=True)[:9],
    ]
    url = reverse("analytics:dashboard")
    client.get(url, {"unit": city.code})  # warm-up: templates, plotly imports
    times = []
    for i in range(requests):
        if cold:
            cache.clear()  # every request computes its figures from the summary tables
        started = time.perf_counter()
        response = client.get(url, {"unit": codes[i % len(codes)], "measure": "coverage"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return times


def _naive(sample: int) -> tuple[float, int]:
    """The same heat map (coverage per city child × competency) the naive way: per cadre,
    read its evidence and its position's requirements through the ORM and fuse in Python."""
    from django.utils import timezone

    from competencies.models import Evidence, RoleRequirement
    from people.models import Cadre, OrgUnit

    city = OrgUnit.get_root_nodes().first()
    now = timezone.now()
    met, required = defaultdict(int), defaultdict(int)
    started = time.perf_counter()
    cadres = Cadre.objects.filter(unit__path__startswith=city.path, is_active=True).order_by("pk")
    for cadre in cadres[:sample]:
        child = cadre.unit.path[: len(city.path) + OrgUnit.steplen]
        reqs = {
            r.competency_id: r.required_level
            for r in RoleRequirement.objects.filter(position=cadre.position)
        }
        acc: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
        rows = list(Evidence.objects.filter(cadre=cadre))
        superseded = {ev.corrects_id for ev in rows if ev.corrects_id}
        for ev in rows:
            if ev.value is None or ev.pk in superseded:
                continue
            se = (ev.theta_se or 0.47) * 0.95
            weight = 0.5 ** ((now - ev.observed_at).days / 365) / se**2
            acc[ev.competency_id][0] += weight * ev.value
            acc[ev.competency_id][1] += weight
        for competency_id, (total, weight) in acc.items():
            if reqs.get(competency_id):
                required[(child, competency_id)] += 1
                met[(child, competency_id)] += total / weight >= reqs[competency_id]
    elapsed = time.perf_counter() - started
    return elapsed, min(sample, cadres.count())


def _p50_p95(times: list[float]) -> tuple[float, float]:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    return statistics.median(times), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 cadres instead of 100,000")
    parser.add_argument("--cadres", type=int, default=0)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL database (for profiling)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure on a database kept by --keep (no seeding)"
    )
    args = parser.parse_args()
    cadres = args.cadres or (20_000 if args.quick else 100_000)
    sample = 200 if args.quick else 1_000

    with tempfile.TemporaryDirectory(prefix="shuzhi-gap-bench-") as tmp:
        database_url = _database_url(args.reuse)
        _django(database_url, Path(tmp))
        from django.db import connection

        from analytics.refresh import refresh_all

        if args.reuse:
            from competencies.models import Evidence
            from people.models import Cadre

            cadres = Cadre.objects.count()
            seeded = {"evidence_rows": Evidence.objects.count(), "seed_s": 0}
        else:
            seeded = _seed(cadres)
        print(
            f"database: {connection.vendor}; {cadres:,} cadres, {seeded['evidence_rows']:,} "
            f"evidence rows (seeded in {seeded['seed_s']} s)"
        )

        started = time.perf_counter()
        summary_rows = refresh_all()
        recompute_s = time.perf_counter() - started
        print(f"recompute: {recompute_s:.1f} s ({summary_rows:,} summary rows)")

        times = _page_times(args.requests)
        p50, p95 = _p50_p95(times)
        print(
            f"heat-map page: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms over {len(times)}"
            " (10 units in turn, figures cached per summary version)"
        )
        cold_p50, cold_p95 = _p50_p95(_page_times(max(20, args.requests // 5), cold=True))
        print(
            f"heat-map page, cache cleared before every request: p50 {cold_p50 * 1000:.0f} ms,"
            f" p95 {cold_p95 * 1000:.0f} ms"
        )

        naive_s, naive_n = _naive(sample)
        active = __import__("people.models", fromlist=["Cadre"]).Cadre.objects.count()
        naive_full_s = naive_s / max(naive_n, 1) * active
        ratio = naive_full_s / cold_p50  # against the uncached page: no credit for the cache
        print(
            f"baseline (naive per-cadre ORM loop): {naive_n} cadres in {naive_s:.1f} s "
            f"→ ~{naive_full_s:.0f} s for {active:,} | page is ×{ratio:.0f} faster"
        )

        result = {
            "database": connection.vendor,
            "cadres": cadres,
            "evidence_rows": seeded["evidence_rows"],
            "recompute_s": round(recompute_s, 1),
            "heatmap_p50_ms": round(p50 * 1000, 1),
            "heatmap_p95_ms": round(p95 * 1000, 1),
            "heatmap_cold_p50_ms": round(cold_p50 * 1000, 1),
            "heatmap_cold_p95_ms": round(cold_p95 * 1000, 1),
            "naive_sample": naive_n,
            "naive_estimated_s": round(naive_full_s, 1),
            "naive_ratio": round(ratio, 1),
            "targets": TARGETS,
            "met": {
                "recompute_s": recompute_s <= TARGETS["recompute_s"],
                "heatmap_p95_ms": p95 * 1000 <= TARGETS["heatmap_p95_ms"],
                "naive_ratio": ratio >= TARGETS["naive_ratio"],
            },
        }
        connection.close()
    if database_url and not args.keep:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
