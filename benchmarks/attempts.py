"""Benchmark: saving and grading a 40-item attempt (``assessments.attempts``).

In a fresh child process and database per backend (SQLite always, PostgreSQL when it answers;
database ``shuzhi_bench_delivery``), with the demo item bank loaded and a fixed form of 40
items over four competencies, it repeats: start an attempt (not timed), then times

* ``save``  — one autosave of all 40 answers (``save_answers``: row lock, shape checks, one
              bulk update);
* ``grade`` — ``submit``: score the 40 items, EAP θ ± SE per competency, levels, results,
              evidence rows through ``competencies.services.record_evidence``, signals;

and, in the same database, a **baseline**: the straightforward ORM way — each answer saved by
its own get/save, each item graded and saved on its own, each result and evidence row created
one by one (``Evidence.objects.create``) — with the same scoring and the same θ.

Target: p95 of save + grade ≤ 50 ms. Tasks other apps run after a grade are queued on an
in-memory broker, as in production, not executed inside the timed submit().

    .venv/bin/python benchmarks/attempts.py           # 200 attempts per backend
    .venv/bin/python benchmarks/attempts.py --quick   # 40 attempts (about a minute)

The last line of output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import ROOT, drop_postgres, fresh_postgres, setup_django

TARGET_P95_MS = 50.0
PG_DATABASE = "shuzhi_bench_delivery"
BLUEPRINT = (("D2.3", 10), ("D4.2", 10), ("D3.2", 10), ("D6.4", 10))


def _prepare():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from assessments.demo import default_cut_scores, demo_form, seed_items
    from competencies.framework_io import load_bundled_framework
    from people.models import Cadre, OrgUnit, Position

    call_command("migrate", verbosity=0)
    load_bundled_framework()
    seed_items()
    default_cut_scores()
    unit = OrgUnit.add_root(code="B500000", name_zh="基准市", level="city", kind="municipality")
    position = Position.objects.create(code="BENCH", name_zh="基准岗位", level="city")
    user = get_user_model().objects.create(username="bench")
    cadre = Cadre.objects.create(
        user=user,
        employee_no="BENCH-1",
        display_name="基准干部",
        unit=unit,
        position=position,
        rank="clerk",
        age_band="30-39",
    )
    form = demo_form(
        "基准测评", "fixed", BLUEPRINT, cadres=[cadre], attempts_allowed=10_000, items_per_page=40
    )
    return form, cadre


def _percentile(values: list[float], q: float) -> float:
    import numpy as np

    return round(float(np.percentile(values, q)), 2)


def _baseline_save(attempt, answers) -> None:
    from django.utils import timezone

    from assessments.models import AttemptItem
    from assessments.scoring import score

    for position, response in answers.items():
        slot = AttemptItem.objects.get(attempt=attempt, position=position)
        score(slot.version, response)
        slot.response, slot.saved_at = response, timezone.now()
        slot.save()


def _baseline_grade(attempt) -> None:
    from collections import defaultdict

    from django.db import transaction
    from django.utils import timezone

    from assessments.grading import _thetas, cut_scores
    from assessments.models import AttemptItem, CompetencyResult
    from assessments.parameters import parameters_for
    from assessments.scoring import score
    from competencies.models import Evidence

    with transaction.atomic():
        slots = []
        for slot in AttemptItem.objects.filter(attempt=attempt):
            result = score(slot.version, slot.response)  # version fetched per slot
            slot.credit, slot.points, slot.max_points = (
                result.credit,
                result.points,
                result.max_points,
            )
            slot.save()
            slots.append(slot)
        params = parameters_for([s.version for s in slots])
        groups = defaultdict(list)
        for slot in slots:
            groups[slot.competency_id].append(slot)
        codes = {s.competency_id: s.competency.code for s in slots}
        cuts = cut_scores(list(groups), codes)
        for competency_id, group in groups.items():
            ((theta, se, _cal),) = _thetas([group], params)  # one call per competency
            level = cuts[competency_id].classify(theta, se)
            CompetencyResult.objects.create(
                attempt=attempt,
                competency_id=competency_id,
                theta=theta,
                se=se,
                level=level.level,
                probabilities=list(level.probabilities),
                method="eap",
                n_items=len(group),
            )
            Evidence.objects.create(
                cadre_id=attempt.cadre_id,
                competency_id=competency_id,
                source_kind="assessment",
                source_ref=f"baseline-{attempt.pk}",
                value=float(level.level),
                theta=theta,
                theta_se=se,
                observed_at=timezone.now(),
            )
        attempt.status, attempt.graded_at = "graded", timezone.now()
        attempt.save()


def child(repetitions: int) -> dict:
    from assessments import attempts as svc
    from assessments.scoring import key_of

    form, cadre = _prepare()
    timings: dict[str, list[float]] = {k: [] for k in ("save", "grade", "total", "b_save")}
    timings |= {"b_grade": [], "b_total": []}
    sizes: list[int] = []
    for i in range(2 * repetitions + 4):
        attempt = svc.start_attempt(form, cadre)
        slots = list(attempt.items.select_related("version"))
        # Items tagged with two competencies may leave a later section one short.
        assert len(slots) >= 38, len(slots)
        sizes.append(len(slots))
        answers = {s.position: key_of(s.version)["response"] for s in slots}
        baseline = i % 2 == 1
        started = time.perf_counter()
        if baseline:
            _baseline_save(attempt, answers)
        else:
            assert svc.save_answers(attempt.pk, answers) == {}
        saved = time.perf_counter()
        if baseline:
            _baseline_grade(attempt)
        else:
            svc.submit(attempt.pk)
        done = time.perf_counter()
        if i < 4:
            continue  # warm-up: caches, first queries
        prefix = "b_" if baseline else ""
        timings[f"{prefix}save"].append(1000 * (saved - started))
        timings[f"{prefix}grade"].append(1000 * (done - saved))
        timings[f"{prefix}total"].append(1000 * (done - started))
    return {
        f"{name}_{q}_ms": _percentile(values, pct)
        for name, values in timings.items()
        for q, pct in (("p50", 50), ("p95", 95))
    } | {"attempts_each": repetitions, "items_mean": round(sum(sizes) / len(sizes), 2)}


def _run_child(database_url: str, var_dir: Path, repetitions: int) -> dict:
    command = [sys.executable, __file__, "--child", "--database-url", database_url]
    command += ["--var-dir", str(var_dir), "--repetitions", str(repetitions)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _report(name: str, r: dict) -> None:
    print(
        f"{name:>10}: save p50 {r['save_p50_ms']} / p95 {r['save_p95_ms']} ms, "
        f"grade p50 {r['grade_p50_ms']} / p95 {r['grade_p95_ms']} ms, "
        f"save+grade p95 {r['total_p95_ms']} ms (target ≤ {TARGET_P95_MS:g}) | "
        f"baseline save+grade p50 {r['b_total_p50_ms']} / p95 {r['b_total_p95_ms']} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="40 attempts instead of 200")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    parser.add_argument("--repetitions", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        setup_django(args.database_url, Path(args.var_dir), broker_url="memory://")
        print(json.dumps(child(args.repetitions)))
        return
    repetitions = args.repetitions or (40 if args.quick else 200)
    results: dict = {"quick": args.quick, "target_p95_ms": TARGET_P95_MS}
    with tempfile.TemporaryDirectory(prefix="shuzhi-bench-") as tmp:
        work = Path(tmp)
        results["sqlite"] = _run_child(f"sqlite:///{work / 'bench.sqlite3'}", work, repetitions)
        _report("SQLite", results["sqlite"])
        pg_url, why_not = fresh_postgres(PG_DATABASE)
        if pg_url:
            try:
                results["postgresql"] = _run_child(pg_url, work / "pg", repetitions)
                _report("PostgreSQL", results["postgresql"])
            finally:
                drop_postgres(PG_DATABASE)
        else:
            print(f"PostgreSQL skipped: {why_not}")
            results["postgresql"] = {"skipped": why_not}
    measured = [r for r in (results["sqlite"], results["postgresql"]) if "total_p95_ms" in r]
    results["meets_target"] = all(r["total_p95_ms"] <= TARGET_P95_MS for r in measured)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
