"""Benchmark: importing a 100,000-row roster (``people.roster_import``).

Generates a CSV roster of N people spread over Chongqing's demo organisation, then, each in its
own fresh child process and fresh database (SQLite always, PostgreSQL when it answers):

* ``import``   — the real import of all N rows (all new cadres), then the same file again
                 (re-import: every row unchanged, nothing written);
* ``baseline`` — a naive import in the same database: a per-row ORM loop (look up the unit and
                 the position, look up the cadre, create the user, save the cadre) over the first
                 rows, timed and scaled to N.

Each child reports rows/s and its peak resident memory (``ru_maxrss``), so the import's memory
is measured apart from this parent. Targets: ≥ 5,000 rows/s and ≤ 500 MB peak.

    .venv/bin/python benchmarks/roster_import.py           # 100,000 rows
    .venv/bin/python benchmarks/roster_import.py --quick   # 20,000 rows (well under 5 minutes)

The last line of output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import ROOT, drop_postgres, fresh_postgres, setup_django

TARGET_ROWS_PER_S = 5_000
TARGET_PEAK_MB = 500
PG_DATABASE = "shuzhi_foundation_bench"  # this checkout's database-name prefix


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- the roster -----------------------------------------------------------------------------------


def generate(path: Path, rows: int) -> None:
    """N plausible rows: units and positions that exist in the demo organisation."""
    import numpy as np

    from people.demo import _tree_spec, _walk

    units = [n["code"] for n in _walk(_tree_spec())]
    positions = ["TS-DATA-OFFICER", "DIST-DEPT-HEAD", "CITY-DATA-ANALYST"]
    ranks = ["科员及以下", "副科级", "正科级", "副处级"]
    ages = ["30岁以下", "30–39岁", "40–49岁", "50岁及以上"]
    rng = np.random.default_rng(2023)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["工号", "姓名", "单位代码", "岗位代码", "职级", "年龄段", "入职日期", "在职"]
        )
        for i in range(rows):
            writer.writerow(
                [
                    f"BM{i:07d}",
                    f"干部{i}",
                    units[int(rng.integers(len(units)))],
                    positions[int(rng.integers(3))],
                    ranks[int(rng.integers(4))],
                    ages[int(rng.integers(4))],
                    f"{2000 + int(rng.integers(24))}-{1 + int(rng.integers(12)):02d}-15",
                    "是",
                ]
            )


# --- children -------------------------------------------------------------------------------------


def _prepare() -> None:
    from django.core.management import call_command

    from competencies.framework_io import load_bundled_framework
    from people.demo import seed_organisation

    call_command("migrate", verbosity=0)
    load_bundled_framework()
    seed_organisation()


def child_import(path: Path) -> dict:
    from people.models import Cadre
    from people.roster_import import import_roster

    _prepare()
    before_mb = _peak_mb()
    started = time.perf_counter()
    report = import_roster(path)
    first = time.perf_counter() - started
    assert report.ok and report.created == report.rows, report.errors[:5]
    started = time.perf_counter()
    again = import_roster(path)
    second = time.perf_counter() - started
    assert again.ok and again.unchanged == report.rows and again.created == again.updated == 0
    return {
        "rows": report.rows,
        "cadres_in_db": Cadre.objects.count(),
        "import_s": round(first, 2),
        "import_rows_per_s": round(report.rows / first),
        "reimport_s": round(second, 2),
        "reimport_rows_per_s": round(report.rows / second),
        "rss_before_import_mb": before_mb,
        "peak_rss_mb": _peak_mb(),
    }


def child_baseline(path: Path, rows: int) -> dict:
    """The straightforward way: one row at a time through the ORM, in one transaction."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from people.models import Cadre, OrgUnit, Position

    _prepare()
    User = get_user_model()
    rank = {
        "科员及以下": "clerk",
        "副科级": "deputy_section",
        "正科级": "section",
        "副处级": "deputy_division",
    }
    age = {"30岁以下": "<30", "30–39岁": "30-39", "40–49岁": "40-49", "50岁及以上": "50+"}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        sample = [next(reader) for _ in range(rows)]
    started = time.perf_counter()
    with transaction.atomic():
        for no, name, unit, position, rank_label, age_label, joined, _active in sample:
            cadre = Cadre.objects.filter(employee_no=no).first() or Cadre(employee_no=no)
            cadre.display_name = name
            cadre.unit = OrgUnit.objects.get(code=unit)
            cadre.position = Position.objects.get(code=position)
            cadre.rank, cadre.age_band, cadre.joined_on = rank[rank_label], age[age_label], joined
            if cadre.pk is None:
                user = User(username=no)
                user.set_unusable_password()
                user.save()
                cadre.user = user
            cadre.save()
    elapsed = time.perf_counter() - started
    return {"rows": rows, "seconds": round(elapsed, 2), "rows_per_s": round(rows / elapsed)}


def _child_main(args) -> None:
    setup_django(args.database_url, Path(args.var_dir))
    path = Path(args.file)
    result = child_import(path) if args.child == "import" else child_baseline(path, args.rows)
    print(json.dumps(result))


# --- parent ---------------------------------------------------------------------------------------


def _run_child(kind: str, database_url: str, var_dir: Path, path: Path, rows: int = 0) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--database-url",
        database_url,
        "--var-dir",
        str(var_dir),
        "--file",
        str(path),
        "--rows",
        str(rows),
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measure(name: str, database_url_for, work: Path, path: Path, rows: int, sample: int) -> dict:
    """Import and baseline, each in a fresh database from ``database_url_for(kind)``."""
    imported = _run_child("import", database_url_for("import"), work / f"{name}-import", path)
    baseline = _run_child(
        "baseline", database_url_for("baseline"), work / f"{name}-baseline", path, sample
    )
    speedup = imported["import_rows_per_s"] / baseline["rows_per_s"]
    print(
        f"{name:>10}: import {imported['import_rows_per_s']:,} rows/s "
        f"({imported['import_s']} s), re-import {imported['reimport_rows_per_s']:,} rows/s, "
        f"peak {imported['peak_rss_mb']} MB | naive ORM loop {baseline['rows_per_s']:,} rows/s "
        f"(→ ~{rows / baseline['rows_per_s']:.0f} s for {rows:,}) | ×{speedup:.1f}"
    )
    return {
        **imported,
        "baseline_rows": baseline["rows"],
        "baseline_rows_per_s": baseline["rows_per_s"],
        "baseline_estimated_s_for_all": round(rows / baseline["rows_per_s"], 1),
        "speedup_vs_baseline": round(speedup, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 rows instead of 100,000")
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument("--child", choices=["import", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_main(args)
        return

    rows = args.rows or (20_000 if args.quick else 100_000)
    sample = 1_000 if args.quick else 2_000
    with tempfile.TemporaryDirectory(prefix="shuzhi-bench-") as tmp:
        work = Path(tmp)
        setup_django(f"sqlite:///{work / 'unused.sqlite3'}", work / "parent")
        path = work / "roster.csv"
        started = time.perf_counter()
        generate(path, rows)
        print(
            f"generated {rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) in "
            f"{time.perf_counter() - started:.1f} s"
        )

        results: dict = {
            "rows": rows,
            "quick": args.quick,
            "target_rows_per_s": TARGET_ROWS_PER_S,
            "target_peak_mb": TARGET_PEAK_MB,
        }
        results["sqlite"] = _measure(
            "SQLite",
            lambda kind: f"sqlite:///{work / (kind + '.sqlite3')}",
            work,
            path,
            rows,
            sample,
        )
        pg_url, why_not = fresh_postgres(PG_DATABASE)
        if pg_url:

            def pg_for(kind: str) -> str:  # each child gets a freshly created database
                drop_postgres(PG_DATABASE)
                return fresh_postgres(PG_DATABASE)[0]

            try:
                results["postgresql"] = _measure("PostgreSQL", pg_for, work, path, rows, sample)
            finally:
                drop_postgres(PG_DATABASE)
        else:
            print(f"PostgreSQL skipped: {why_not}")
            results["postgresql"] = {"skipped": why_not}

    measured = [r for r in (results["sqlite"], results["postgresql"]) if "import_rows_per_s" in r]
    results["meets_targets"] = all(
        r["import_rows_per_s"] >= TARGET_ROWS_PER_S and r["peak_rss_mb"] <= TARGET_PEAK_MB
        for r in measured
    )
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
