"""Benchmark: the training-plan MILP (analytics.optimiser) beside brute force and a greedy baseline.

Instances look like a unit's planning problem: 24 competencies, 15 courses each training 3–6 of
them to level 3 or 4 in 2–8 hours, cadres' levels around 2.7 ± 1, position requirements 1–4
with weights 1–3, seats ≈ 8 % of the cadres per course, an hours budget of 2 hours per cadre
(binding) and a per-cadre cap of 12 hours. Every instance is solved

* by the MILP (HiGHS through scipy.optimize.milp; time, objective, proven bound, optimality);
* on tiny instances (≤ 12 candidate pairs) also by brute force over every subset: the MILP must
  match it exactly;
* by the lazy greedy of ``analytics.optimiser_greedy`` (the fallback for large units) with its
  certified upper bound: a baseline for the MILP's value and time, measured in the same run.

When the MILP hits its time limit, ``optimise(method="milp")`` still returns the better of its
incumbent and the greedy's plan ("plan from"), with the smaller of the two proven bounds.

    python benchmarks/optimiser.py [--quick]

``--quick`` stops at 2,000 cadres. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.optimiser import Course, optimise, plan_value

K = 24


def instance(n: int, m: int, seed: int):
    rng = np.random.default_rng(seed)
    levels = np.clip(np.round(rng.normal(2.7, 1.0, size=(n, K)), 1), 1.0, 5.0)
    required = rng.integers(1, 5, size=(n, K)).astype(float)
    weights = rng.integers(1, 4, size=(n, K)).astype(float)
    gaps = np.maximum(0.0, required - levels)
    courses = [
        Course(
            f"M{j:02d}",
            tuple(sorted(rng.choice(K, size=rng.integers(3, 7), replace=False).tolist())),
            int(rng.integers(3, 5)),
            float(rng.integers(2, 9)),
            max(1, round(0.08 * n)),
        )
        for j in range(m)
    ]
    return levels, gaps, weights, courses


def brute_force(levels, gaps, weights, courses, budget, per_cadre) -> float:
    n = gaps.shape[0]
    pairs = [(i, j) for i in range(n) for j in range(len(courses))]
    best = 0.0
    for r in range(len(pairs) + 1):
        for subset in itertools.combinations(pairs, r):
            hours = [courses[j].hours for _, j in subset]
            if sum(hours) > budget:
                continue
            if any(sum(1 for _, j in subset if j == jj) > c.seats for jj, c in enumerate(courses)):
                continue
            if any(
                sum(courses[j].hours for ii, j in subset if ii == i) > per_cadre for i in range(n)
            ):
                continue
            best = max(best, plan_value(levels, gaps, weights, courses, list(subset)))
    return best


def timed(function, *args, **kwargs):
    """(result, wall seconds, CPU seconds): on a shared machine CPU time is the steadier figure."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start, time.process_time() - cpu


def tiny_checks(seeds: int) -> dict:
    matches = 0
    for seed in range(seeds):
        levels, gaps, weights, courses = instance(3, 4, seed)
        courses = [Course(c.key, c.trains, c.target_level, 2.0, 2) for c in courses]
        budget, per_cadre = 8.0, 4.0
        plan = optimise(levels, gaps, weights, courses, budget, per_cadre_hours=per_cadre)
        best = brute_force(levels, gaps, weights, courses, budget, per_cadre)
        matches += abs(plan.objective - best) < 1e-6
    return {"instances": seeds, "milp_equals_brute_force": matches}


def scale_run(n: int, seed: int, time_limit: float) -> dict:
    levels, gaps, weights, courses = instance(n, 15, seed)
    budget, per_cadre = 2.0 * n, 12.0
    args = (levels, gaps, weights, courses, budget, None, per_cadre, time_limit)
    exact, t_milp, cpu_milp = timed(optimise, *args, method="milp")
    fast, t_greedy, cpu_greedy = timed(optimise, *args, method="greedy")
    return {
        "cadres": n,
        "variables": exact.variables,
        "milp_s": round(t_milp, 3),
        "milp_cpu_s": round(cpu_milp, 3),
        "milp_objective": round(exact.objective, 2),
        "milp_bound": round(exact.bound, 2),
        "milp_optimal": exact.optimal,
        "milp_plan_from": exact.method,
        "greedy_s": round(t_greedy, 3),
        "greedy_cpu_s": round(cpu_greedy, 3),
        "greedy_objective": round(fast.objective, 2),
        "greedy_bound": round(fast.bound, 2),
        "greedy_certified_ratio": round(fast.objective / fast.bound, 4) if fast.bound else None,
        "greedy_over_best_milp": round(fast.objective / exact.objective, 4)
        if exact.objective
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 2,000 cadres")
    parser.add_argument("--time-limit", type=float, default=120.0, help="MILP time limit (s)")
    args = parser.parse_args()
    sizes = [100, 500, 2000] if args.quick else [100, 500, 2000, 5000, 10000]
    tiny = tiny_checks(10 if args.quick else 30)
    print(
        "tiny instances: MILP = brute force on "
        f"{tiny['milp_equals_brute_force']}/{tiny['instances']}"
    )
    rows = []
    for n in sizes:
        row = scale_run(n, seed=n, time_limit=args.time_limit)
        rows.append(row)
        print(
            f"{n:>6} cadres  {row['variables']:>7} vars  milp {row['milp_s']:>8.2f} s "
            f"({row['milp_cpu_s']:.2f} s CPU) "
            f"obj {row['milp_objective']:>10.1f} (bound {row['milp_bound']:.1f}, "
            f"optimal {row['milp_optimal']}, plan from {row['milp_plan_from']})  "
            f"greedy {row['greedy_s']:>7.2f} s obj {row['greedy_objective']:>10.1f} "
            f"(certified ≥ {row['greedy_certified_ratio']} of optimum; "
            f"{row['greedy_over_best_milp']} of the MILP's plan)",
            flush=True,
        )
    largest = rows[-1]
    print(
        json.dumps(
            {
                "benchmark": "optimiser",
                "quick": args.quick,
                "tiny": tiny,
                "sizes": rows,
                "largest_cadres": largest["cadres"],
                "largest_milp_s": largest["milp_s"],
                "largest_milp_cpu_s": largest["milp_cpu_s"],
                "largest_milp_optimal": largest["milp_optimal"],
                "largest_greedy_certified_ratio": largest["greedy_certified_ratio"],
                "largest_greedy_s": largest["greedy_s"],
            }
        )
    )


if __name__ == "__main__":
    main()
