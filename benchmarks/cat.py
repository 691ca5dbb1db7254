"""Benchmark: adaptive-test efficiency beside the best fixed form, and next-item latency.

Efficiency (psychometrics.md §6, T6, T8, T9): the typical bank — 300 items, a ~ LogNormal(0, .3),
b ~ U(−2.5, 2.5) — in four competencies with equal blueprint shares; 1,000 simulees θ ~ N(0, 1);
EAP with an N(0, 1) prior, maximum information with randomesque k = 5, Kingsbury–Zara content
balancing; stop at SE ≤ .30 (max 60 items) and, separately, SE ≤ .40 (max 40). The baseline in
the same run is the best fixed form: the bank's items ranked by information averaged over
N(0, 1); its length is the shortest at which 90% of the same simulees reach the target PSD.

Latency (T7): a 1,000-item bank; each step is what a request would do — decode the stored JSON
state, choose the next item (or record an answer), encode the state. The baseline in the same
run is the plain engine (no content balancing, k = 1), showing what the controls cost.

    python benchmarks/cat.py [--quick]

``--quick`` uses 200 simulees and 100 latency tests. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessments.psychometrics.cat import CatConfig, CatEngine, CatState
from assessments.psychometrics.irt import ItemParameters, item_information, score
from assessments.psychometrics.irt.simulation import simulate_responses

COMPETENCIES = ("D1", "D2", "D3", "D4")


def bank(n_items: int, seed: int) -> tuple[ItemParameters, list[str]]:
    rng = np.random.default_rng(seed)
    a = rng.lognormal(0.0, 0.3, n_items)
    b = rng.uniform(-2.5, 2.5, n_items)
    names = tuple(f"item{j}" for j in range(n_items))
    return ItemParameters(names, a, (-a * b)[:, None]), [
        COMPETENCIES[j % 4] for j in range(n_items)
    ]


def administer(engine: CatEngine, answers: np.ndarray, seed: int) -> tuple[CatState, list[float]]:
    """One simulated test; ``answers`` holds the simulee's response to every bank item."""
    state = CatState(seed=seed)
    step_times = []
    while True:
        start = time.perf_counter()
        item, state = engine.next_item(CatState.from_json(state.to_json()))
        text = state.to_json()
        step_times.append(time.perf_counter() - start)
        if item is None:
            return CatState.from_json(text), step_times
        start = time.perf_counter()
        state = engine.answer(CatState.from_json(text), item, int(answers[engine.position[item]]))
        state.to_json()
        step_times[-1] += time.perf_counter() - start


def efficiency(params, codes, theta, answers, se_target, max_items, step, balance=True) -> dict:
    config = CatConfig(
        se_target=se_target,
        max_items=max_items,
        blueprint=dict.fromkeys(COMPETENCIES, 1) if balance else None,
        randomesque_step=step,
    )
    engine = CatEngine(params, codes, config)
    lengths, estimates, ses, within, exposure = [], [], [], 0, np.zeros(params.n_items)
    reached = 0
    for i, row in enumerate(answers):
        state, _ = administer(engine, row, seed=i)
        est = engine.estimate(state)
        lengths.append(len(state.items))
        estimates.append(est.theta)
        ses.append(est.se)
        reached += state.stop_reason == "se-target"
        counts = np.array(
            [sum(codes[engine.position[x]] == c for x in state.items) for c in COMPETENCIES]
        )
        within += bool(np.all(np.abs(counts - len(state.items) / 4) <= 1))
        for x in state.items:
            exposure[engine.position[x]] += 1
    estimates, ses = np.array(estimates), np.array(ses)
    fixed = best_fixed_form_length(params, answers, se_target)
    mean_items = float(np.mean(lengths))
    return {
        "se_target": se_target,
        "mean_items": mean_items,
        "p90_items": float(np.percentile(lengths, 90)),
        "reached_se_share": reached / len(lengths),
        "rmse_theta": float(np.sqrt(np.mean((estimates - theta) ** 2))),
        "bias_theta": float(np.mean(estimates - theta)),
        "coverage_95": float(np.mean(np.abs(estimates - theta) <= 1.96 * ses)),
        "blueprint_within_one_share": within / len(lengths),
        "max_exposure": float(exposure.max() / len(lengths)),
        "unused_items_share": float(np.mean(exposure == 0)),
        "best_fixed_form_items": fixed,
        "reduction_vs_fixed": 1 - mean_items / fixed if fixed else None,
    }


def best_fixed_form_length(
    params: ItemParameters, answers: np.ndarray, target: float
) -> int | None:
    """Shortest form of the most informative items at which 90% of simulees reach PSD ≤ target."""
    grid = np.linspace(-4, 4, 81)
    weights = np.exp(-0.5 * grid**2)
    order = np.argsort(-(item_information(params, grid) @ weights))
    low, high = 1, params.n_items
    if not _share_precise(params, answers, order[:high], target) >= 0.9:
        return None
    while low < high:  # the share is non-decreasing in length (for practical purposes)
        mid = (low + high) // 2
        if _share_precise(params, answers, order[:mid], target) >= 0.9:
            high = mid
        else:
            low = mid + 1
    return low


def _share_precise(params, answers, items, target) -> float:
    responses = np.full(answers.shape, np.nan)
    responses[:, items] = answers[:, items]
    return float(np.mean(score(responses, params, "eap").se <= target))


def latency(n_tests: int, seed: int) -> dict:
    params, codes = bank(1000, seed)
    rng = np.random.default_rng(seed + 1)
    theta = rng.normal(size=n_tests)
    answers = simulate_responses(params, theta, rng).astype(int)
    results = {}
    configs = {
        "engine": CatConfig(se_target=0.30, max_items=60, blueprint=dict.fromkeys(COMPETENCIES, 1)),
        "baseline_plain_mfi": CatConfig(se_target=0.30, max_items=60, randomesque=1),
    }
    for label, config in configs.items():
        engine = CatEngine(params, codes, config)
        times = []
        for i, row in enumerate(answers):
            times += administer(engine, row, seed=i)[1]
        ms = np.array(times) * 1000
        results[label] = {
            "steps": int(ms.size),
            "p50_ms": float(np.median(ms)),
            "p95_ms": float(np.percentile(ms, 95)),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 simulees, 100 latency tests")
    parser.add_argument(
        "--constant-k", action="store_true", help="randomesque k = 5 throughout (no taper)"
    )
    args = parser.parse_args()
    step = None if args.constant_k else CatConfig().randomesque_step
    n_simulees, n_latency = (200, 100) if args.quick else (1000, 300)
    params, codes = bank(300, seed=0)
    rng = np.random.default_rng(1)
    theta = rng.normal(size=n_simulees)
    answers = simulate_responses(params, theta, rng).astype(int)
    runs = {}
    for target, max_items in ((0.30, 60), (0.40, 40)):
        runs[f"se_{target:.2f}"] = result = efficiency(
            params, codes, theta, answers, target, max_items, step
        )
        r = result
        print(
            f"SE <= {target:.2f}: CAT {r['mean_items']:.1f} items (p90 {r['p90_items']:.0f}, "
            f"{r['reached_se_share']:.1%} reached the target) vs best fixed form "
            f"{r['best_fixed_form_items']} items -> {r['reduction_vs_fixed']:.0%} fewer; "
            f"RMSE {r['rmse_theta']:.3f}, bias {r['bias_theta']:+.3f}, "
            f"coverage {r['coverage_95']:.3f}, blueprint ±1 {r['blueprint_within_one_share']:.1%}, "
            f"max exposure {r['max_exposure']:.2f}",
            flush=True,
        )
    unbalanced = efficiency(params, codes, theta, answers, 0.30, 60, step, balance=False)
    balance_cost = runs["se_0.30"]["mean_items"] / unbalanced["mean_items"] - 1
    print(
        f"Content balancing cost at SE <= 0.30: {unbalanced['mean_items']:.2f} items without "
        f"the blueprint -> {balance_cost:+.1%} (T8: <= +10%); blueprint ±1 without balancing "
        f"{unbalanced['blueprint_within_one_share']:.1%}",
        flush=True,
    )
    speed = latency(n_latency, seed=7)
    print(
        f"1,000-item bank: next-item step p50 {speed['engine']['p50_ms']:.2f} ms, "
        f"p95 {speed['engine']['p95_ms']:.2f} ms (target <= 20 ms); plain MFI baseline p95 "
        f"{speed['baseline_plain_mfi']['p95_ms']:.2f} ms"
    )
    print(
        json.dumps(
            {
                "benchmark": "cat",
                "quick": args.quick,
                "simulees": n_simulees,
                "randomesque": {"k": CatConfig().randomesque, "falls_by_one_every": step},
                "mean_items_se_0.30": runs["se_0.30"]["mean_items"],
                "mean_items_se_0.40": runs["se_0.40"]["mean_items"],
                "fixed_form_items_se_0.30": runs["se_0.30"]["best_fixed_form_items"],
                "fixed_form_items_se_0.40": runs["se_0.40"]["best_fixed_form_items"],
                "reduction_vs_fixed_se_0.30": runs["se_0.30"]["reduction_vs_fixed"],
                "reduction_vs_fixed_se_0.40": runs["se_0.40"]["reduction_vs_fixed"],
                "p95_next_item_ms": speed["engine"]["p95_ms"],
                "content_balance_length_cost_se_0.30": balance_cost,
                "unbalanced_se_0.30": unbalanced,
                "runs": runs,
                "latency": speed,
            }
        )
    )


if __name__ == "__main__":
    main()
