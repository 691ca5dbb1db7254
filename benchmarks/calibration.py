"""Benchmark: 2PL calibration speed and accuracy beside girth's MML on the same data.

Design (psychometrics.md §2, T3–T5): a ~ LogNormal(0, .3), b ~ N(0, 1) clipped to ±2.5,
θ ~ N(0, 1); 2,000 × 40 (seeds 0–4) and 10,000 × 100 (seeds 0–1). Each data set is calibrated
by our engine (with standard errors, and again without) and by ``girth.twopl_mml`` in the same
process, one after the other, so the ratio holds on a busy machine.

    python benchmarks/calibration.py [--quick]

``--quick`` runs one data set of each size. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import girth

from assessments.psychometrics.irt import calibrate
from assessments.psychometrics.irt.blas import single_threaded_blas
from assessments.psychometrics.irt.simulation import simulate_responses, typical_bank


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def rmse(x, y) -> float:
    return float(np.sqrt(np.mean((np.asarray(x) - np.asarray(y)) ** 2)))


def run_design(n_persons: int, n_items: int, seeds: list[int]) -> dict:
    rows = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        bank = typical_bank(n_items, rng)
        data = simulate_responses(bank, rng.normal(size=n_persons), rng)
        ours, t_ours = timed(calibrate, data, bank.names, "2pl")
        _, t_no_se = timed(calibrate, data, bank.names, "2pl", standard_errors=False)
        # girth gets the same one-BLAS-thread setting as our engine, so the ratio compares code.
        with single_threaded_blas():
            ref, t_girth = timed(girth.twopl_mml, data.T.astype(int))
        keep = np.abs(bank.b[:, 0]) < 3
        row = {
            "seed": seed,
            "ours_s": t_ours,
            "ours_without_se_s": t_no_se,
            "girth_s": t_girth,
            "iterations": ours.iterations,
            "rmse_a": rmse(ours.params.a, bank.a),
            "rmse_b": rmse(ours.params.b[:, 0], bank.b[:, 0]),
            "bias_a": float(np.mean(ours.params.a - bank.a)),
            "mean_a_ratio": float(np.mean(ours.params.a / bank.a)),
            "girth_rmse_a": rmse(ref["Discrimination"], bank.a),
            "girth_rmse_b": rmse(ref["Difficulty"], bank.b[:, 0]),
            "max_abs_diff_vs_girth": float(
                max(
                    np.max(np.abs(ref["Discrimination"] - ours.params.a)[keep]),
                    np.max(np.abs(ref["Difficulty"] - ours.params.b[:, 0])[keep]),
                )
            ),
        }
        rows.append(row)
        print(
            f"{n_persons}x{n_items} seed {seed}: ours {t_ours:.2f} s "
            f"({t_no_se:.2f} s without SEs, {ours.iterations} EM cycles), girth {t_girth:.2f} s; "
            f"RMSE a/b {row['rmse_a']:.4f}/{row['rmse_b']:.4f} "
            f"(girth {row['girth_rmse_a']:.4f}/{row['girth_rmse_b']:.4f}); "
            f"max |Δ| vs girth {row['max_abs_diff_vs_girth']:.4f}",
            flush=True,
        )
    ours_s = statistics.median(r["ours_s"] for r in rows)
    girth_s = statistics.median(r["girth_s"] for r in rows)
    no_se_s = statistics.median(r["ours_without_se_s"] for r in rows)
    return {
        "replications": len(rows),
        "ours_s": ours_s,
        "ours_max_s": max(r["ours_s"] for r in rows),
        "ours_without_se_s": no_se_s,
        "se_time_factor": ours_s / no_se_s,
        "girth_s": girth_s,
        "time_ratio_vs_girth": ours_s / girth_s,
        "rmse_a": statistics.mean(r["rmse_a"] for r in rows),
        "rmse_b": statistics.mean(r["rmse_b"] for r in rows),
        "bias_a": statistics.mean(r["bias_a"] for r in rows),
        "mean_a_ratio": statistics.mean(r["mean_a_ratio"] for r in rows),
        "girth_rmse_a": statistics.mean(r["girth_rmse_a"] for r in rows),
        "girth_rmse_b": statistics.mean(r["girth_rmse_b"] for r in rows),
        "max_abs_diff_vs_girth": max(r["max_abs_diff_vs_girth"] for r in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one data set per size")
    args = parser.parse_args()
    small = run_design(2000, 40, [0] if args.quick else [0, 1, 2, 3, 4])
    large = run_design(10000, 100, [0] if args.quick else [0, 1])
    print(
        f"2,000 x 40: ours {small['ours_s']:.2f} s vs girth {small['girth_s']:.2f} s "
        f"(ratio {small['time_ratio_vs_girth']:.2f}; target <= 1.0 at equal or better RMSE); "
        f"RMSE a/b {small['rmse_a']:.4f}/{small['rmse_b']:.4f} vs girth "
        f"{small['girth_rmse_a']:.4f}/{small['girth_rmse_b']:.4f}"
    )
    print(
        f"10,000 x 100: ours {large['ours_s']:.2f} s vs girth {large['girth_s']:.2f} s; "
        f"RMSE a {large['rmse_a']:.4f} (T4 <= 0.045), mean a-hat/a {large['mean_a_ratio']:.3f}"
    )
    print(
        json.dumps(
            {
                "benchmark": "calibration",
                "quick": args.quick,
                "rmse_a": small["rmse_a"],
                "rmse_b": small["rmse_b"],
                "time_ratio_vs_girth": small["time_ratio_vs_girth"],
                "n2000_j40": small,
                "n10000_j100": large,
            }
        )
    )


if __name__ == "__main__":
    main()
