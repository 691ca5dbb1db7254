"""The training plan's fallback for large units: a lazy greedy with a certified bound. Pure core.

``benchmarks/optimiser.py`` shows the exact MILP stops being usable inside a request beyond about
2,000 cadres (15 courses): at 5,000 it does not prove optimality in two minutes, at 10,000 it has
no useful incumbent. There the plan comes from this greedy, and every plan carries an upper bound
on the optimum, so the page can say how far from optimal it can at most be.

**Greedy.** Repeatedly take the feasible (cadre, course) pair with the largest marginal expected
reduction per hour (seats, budget and per-cadre hours respected). The objective
Σ_{i,c} min(w·g, Σ_j a[i,j,c] x[i,j]) is monotone submodular (a concave cap of sums), so a pair's
marginal value only falls as the plan grows: lazy evaluation (re-score a popped pair; take it if
it still beats the next key) selects exactly what the plain greedy would.

**Bound.** Two valid upper bounds on the optimum; the smaller is reported.

1. Subadditivity: min(cap, x + y) ≤ min(cap, x) + min(cap, y), and each a[i,j,c] ≤ w·g, so any
   plan's value is at most the sum of its pairs' stand-alone values v[i,j] = Σ_c a[i,j,c]. The
   optimum is therefore at most the LP max Σ v·x s.t. Σ h·x ≤ budget, Σ_i x[i,j] ≤ seats_j,
   0 ≤ x ≤ 1 (dropping the per-cadre cap only loosens it). By weak duality, for every λ ≥ 0 that
   LP is at most λ·budget + Σ_j Σ_{top seats_j pairs of course j} max(0, v − λ·h_j); the course
   terms are a sort, and the minimum over λ is found exactly among the breakpoints v/h.
2. Coverage: the value is at most Σ_{i,c} min(w·g, Σ_j a[i,j,c]) over every eligible course.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .optimiser import Problem

EPS = 1e-9


def greedy(problem: Problem, budget: float, per_cadre_hours: float | None) -> list[int]:
    """Indices (into ``problem.pairs``) of the pairs the lazy greedy chooses."""
    cap = problem.weights * problem.gaps
    filled = np.zeros_like(cap)
    seats = [c.seats for c in problem.courses]
    cadre_hours = np.zeros(cap.shape[0])
    per_cadre = np.inf if per_cadre_hours is None else per_cadre_hours
    hours_left = budget

    def key(p: int, value: float) -> float:
        return -value / max(problem.courses[problem.pairs[p][1]].hours, EPS)

    heap = [(key(p, v), p) for p, v in enumerate(problem.pair_values)]
    heapq.heapify(heap)
    chosen = []
    while heap:
        _key, p = heapq.heappop(heap)
        i, j = problem.pairs[p]
        hours = problem.courses[j].hours
        if seats[j] == 0 or hours > hours_left + EPS or cadre_hours[i] + hours > per_cadre + EPS:
            continue  # budgets only shrink: infeasible now, infeasible for good
        cols, a = problem.gain_of(p)
        gain = float(np.minimum(a, cap[i, cols] - filled[i, cols]).sum())
        if gain <= EPS:
            continue
        if heap and key(p, gain) > heap[0][0] + EPS:  # no longer the best: re-queue re-scored
            heapq.heappush(heap, (key(p, gain), p))
            continue
        filled[i, cols] = np.minimum(cap[i, cols], filled[i, cols] + a)
        seats[j] -= 1
        hours_left -= hours
        cadre_hours[i] += hours
        chosen.append(p)
    return chosen


def upper_bound(problem: Problem, budget: float) -> float:
    """The smaller of the Lagrangian and the coverage bound (module text)."""
    return min(_lagrangian_bound(problem, budget), _coverage_bound(problem))


def _lagrangian_bound(problem: Problem, budget: float) -> float:
    values = np.asarray(problem.pair_values)
    course_of = np.array([j for _, j in problem.pairs])
    kept_v, kept_h = [], []
    for j, course in enumerate(problem.courses):
        v = np.sort(values[course_of == j])[::-1][: max(course.seats, 0)]
        kept_v.append(v)
        kept_h.append(np.full(len(v), course.hours))
    v, h = np.concatenate(kept_v), np.concatenate(kept_h)
    free = h <= EPS  # courses without hours: λ does not charge them
    constant = float(v[free].sum())
    v, h = v[~free], h[~free]
    if len(v) == 0:
        return constant
    order = np.argsort(-(v / h))
    v, h = v[order], h[order]
    ratios = v / h
    prefix_v = np.concatenate([[0.0], np.cumsum(v)])[:-1]  # items strictly before k
    prefix_h = np.concatenate([[0.0], np.cumsum(h)])[:-1]
    at_breakpoints = ratios * budget + prefix_v - ratios * prefix_h
    return constant + float(min(v.sum(), at_breakpoints.min()))


def _coverage_bound(problem: Problem) -> float:
    total = np.zeros_like(problem.gaps)
    for p, (i, _j) in enumerate(problem.pairs):
        cols, a = problem.gain_of(p)
        total[i, cols] += a
    return float(np.minimum(total, problem.weights * problem.gaps).sum())
