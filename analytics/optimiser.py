"""Training-plan optimiser: which cadres take which courses. A pure core (no Django).

The model (documented with its assumptions in docs/composite-and-planning.md):

* cadre i has, per competency c, a level A[i,c], a gap g[i,c] = max(0, R − A) and a criticality
  weight w[i,c] (from the cadre's position);
* course j trains a set of competencies C_j up to a target level t_j, costs h_j hours, has s_j
  seats and succeeds with probability p_j (its effectiveness, 1 unless known);
* taking course j brings the cadre's level on each c ∈ C_j up to t_j, so its expected weighted-gap
  reduction on c is a[i,j,c] = p_j · w[i,c] · min(g[i,c], max(0, t_j − A[i,c]));
* gains of several courses on the same competency **add up, capped at the gap**: the plan's value
  is Σ_{i,c} min(w·g, Σ_j a[i,j,c] x[i,j]) — a course never "reduces" a gap below zero.

The integer programme (solved exactly by HiGHS through ``scipy.optimize.milp``):

    maximise   Σ_{i,c} y[i,c]
    subject to y[i,c] ≤ Σ_j a[i,j,c] x[i,j]     (gains add up …)
               0 ≤ y[i,c] ≤ w[i,c] g[i,c]       (… to the gap at most)
               Σ_i x[i,j] ≤ s_j                 (seats per course)
               Σ_{i,j} h_j x[i,j] ≤ budget      (training hours)
               Σ_j h_j x[i,j] ≤ per-cadre cap   (optional)
               x[i,j] ∈ {0,1}, and x[i,j] = 0 when i completed j or it would gain nothing.

Where the gains on (i,c) from every eligible course together cannot exceed the gap, the cap
can never bind, so y is substituted away and the contributions go straight into x's objective:
the programme keeps a y variable only where courses overlap beyond a gap. With a time limit the
solver may stop early; the plan then reports HiGHS's proven upper bound. Large instances (and a
MILP stopped with a worse incumbent) use the greedy of ``optimiser_greedy``; its bound is the
smallest of the greedy's own bounds and, when solved within the time limit, the LP relaxation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from .optimiser_greedy import greedy, upper_bound

EPS = 1e-9
# Candidate (cadre, course) pairs up to which the MILP runs: about 2,000 cadres × 15 courses,
# ≈ 10 s of CPU (benchmarks/optimiser.py); larger instances go to the greedy with its bound.
EXACT_MAX_PAIRS = 30_000


@dataclass(frozen=True)
class Course:
    key: str
    trains: tuple[int, ...]  # competency columns
    target_level: float
    hours: float
    seats: int
    effectiveness: float = 1.0


@dataclass(frozen=True)
class Assignment:
    cadre: int  # row in the input arrays
    course: int  # index in the course list
    value: float  # this course's expected reduction for this cadre on its own (before the cap)


@dataclass(frozen=True)
class Plan:
    assignments: list[Assignment]
    objective: float  # expected weighted-gap reduction of the whole plan (capped)
    bound: float  # proven upper bound on the optimum (= objective when optimal)
    optimal: bool
    hours: float
    variables: int = 0
    message: str = ""
    method: str = "milp"  # "milp" or "greedy": which produced the plan


def contributions(
    levels: np.ndarray, gaps: np.ndarray, weights: np.ndarray, course: Course
) -> np.ndarray:
    """a[i, c] for one course: cadres × trained competencies (the expected gain model)."""
    cols = list(course.trains)
    gain = np.clip(course.target_level - levels[:, cols], 0.0, None)
    return course.effectiveness * weights[:, cols] * np.minimum(gaps[:, cols], gain)


def plan_value(
    levels: np.ndarray,
    gaps: np.ndarray,
    weights: np.ndarray,
    courses: Sequence[Course],
    chosen: Sequence[tuple[int, int]],
) -> float:
    """The capped objective of any set of (cadre, course) pairs (for checks and baselines)."""
    total = np.zeros_like(gaps, dtype=float)
    for i, j in chosen:
        a = contributions(levels[i : i + 1], gaps[i : i + 1], weights[i : i + 1], courses[j])
        np.add.at(total[i], list(courses[j].trains), a[0])
    return float(np.minimum(total, weights * gaps).sum())


def optimise(
    levels: np.ndarray,
    gaps: np.ndarray,
    weights: np.ndarray,
    courses: Sequence[Course],
    budget_hours: float,
    completed: np.ndarray | None = None,
    per_cadre_hours: float | None = None,
    time_limit: float = 30.0,
    method: str = "auto",
) -> Plan:
    """The plan that maximises the expected reduction in weighted gap (see the module text).

    ``method``: "auto" (the MILP up to EXACT_MAX_PAIRS candidate pairs, the greedy above),
    "milp" or "greedy". Every plan carries a proven upper bound on the optimum.

    ``levels``, ``gaps`` and ``weights`` are cadres × competencies; ``completed`` is an optional
    cadres × courses boolean matrix of courses already completed (never assigned again).
    """
    levels, gaps, weights = (
        np.nan_to_num(np.asarray(a, dtype=float)) for a in (levels, gaps, weights)
    )
    n = gaps.shape[0]
    if not levels.shape == gaps.shape == weights.shape:
        raise ValueError("levels, gaps and weights must have the same shape")
    completed = (
        np.zeros((n, len(courses)), dtype=bool)
        if completed is None
        else np.asarray(completed, bool)
    )
    if completed.shape != (n, len(courses)):
        raise ValueError("completed must be cadres × courses")
    if any(len(set(c.trains)) != len(c.trains) for c in courses):
        raise ValueError("a course lists a competency twice")
    if method not in ("auto", "milp", "greedy"):
        raise ValueError(f"unknown method {method!r}")
    pairs: list[tuple[int, int]] = []  # x variables
    pair_values: list[float] = []
    gains: list[tuple[int, int, np.ndarray]] = []  # (course, first pair index, cadres × C_j)
    for j, course in enumerate(courses):
        if course.seats <= 0 or course.hours > budget_hours + EPS:
            continue
        if per_cadre_hours is not None and course.hours > per_cadre_hours + EPS:
            continue
        a = contributions(levels, gaps, weights, course)
        value = a.sum(axis=1)
        rows = np.flatnonzero((value > EPS) & ~completed[:, j])
        gains.append((j, len(pairs), a[rows]))
        pairs.extend((int(i), j) for i in rows)
        pair_values.extend(value[rows].tolist())
    if not pairs:
        return Plan([], 0.0, 0.0, True, 0.0, message="nothing to assign")
    problem = Problem(levels, gaps, weights, courses, pairs, pair_values, gains)
    return _plan(problem, budget_hours, per_cadre_hours, time_limit, method)


def _plan(problem: Problem, budget, per_cadre_hours, time_limit, method) -> Plan:
    """Exact where the instance is small enough (or asked for); the greedy otherwise, and
    whenever it beats an incumbent the MILP left at its time limit."""
    exact = method == "milp" or (method == "auto" and len(problem.pairs) <= EXACT_MAX_PAIRS)
    used, variables, message = "greedy", 0, ""
    if exact:
        chosen, bound, optimal, variables, message = _milp(
            problem, budget, per_cadre_hours, time_limit
        )
        used = "milp"
    if not exact or not optimal:
        fallback = np.zeros(len(problem.pairs), bool)
        fallback[greedy(problem, budget, per_cadre_hours)] = True
        if not exact or problem.value(fallback) > problem.value(chosen):
            chosen, used = fallback, "greedy"
        bound = min(bound, upper_bound(problem, budget)) if exact else upper_bound(problem, budget)
        if not exact:
            _, lp_bound, _, variables, message = _milp(
                problem, budget, per_cadre_hours, time_limit, relax=True
            )
            bound = min(bound, lp_bound)
    chosen = problem.prune(chosen)
    objective = problem.value(chosen)
    hours = sum(problem.courses[j].hours for j in problem.course_of[chosen])
    return Plan(
        [
            Assignment(int(problem.cadre_of[p]), int(problem.course_of[p]), problem.pair_values[p])
            for p in np.flatnonzero(chosen)
        ],
        objective,
        max(bound, objective),
        objective >= bound - 1e-6 * max(1.0, bound),
        float(hours),
        variables,
        message,
        used,
    )


@dataclass
class Problem:
    """The instance with its eligible (cadre, course) pairs (the x variables); course j's pairs
    are contiguous from ``gains`` start, with a[i,j,·] for their cadres."""

    levels: np.ndarray
    gaps: np.ndarray
    weights: np.ndarray
    courses: Sequence[Course]
    pairs: list[tuple[int, int]]
    pair_values: list[float]
    gains: list[tuple[int, int, np.ndarray]]  # (course, first pair index, a for its cadres)

    def __post_init__(self):
        self.cadre_of = np.array([i for i, _ in self.pairs], dtype=int)
        self.course_of = np.array([j for _, j in self.pairs], dtype=int)
        self._block = {j: (start, a) for j, start, a in self.gains}

    def gain_of(self, p: int) -> tuple[list[int], np.ndarray]:
        """(competency columns, a[i,j,·]) of pair p."""
        j = int(self.course_of[p])
        start, a = self._block[j]
        return list(self.courses[j].trains), a[p - start]

    def cell_totals(self, chosen: np.ndarray | None = None) -> np.ndarray:
        """Σ_j a[i,j,c] over the chosen pairs (all eligible pairs when None), cadres × comps."""
        total = np.zeros_like(self.gaps)
        for j, start, a in self.gains:
            rows = slice(start, start + a.shape[0])
            take = np.ones(a.shape[0], bool) if chosen is None else chosen[rows]
            for k, col in enumerate(self.courses[j].trains):
                np.add.at(total[:, col], self.cadre_of[rows][take], a[take, k])
        return total

    def value(self, chosen: np.ndarray) -> float:
        """The capped objective of a boolean selection over the pairs."""
        return float(np.minimum(self.cell_totals(chosen), self.weights * self.gaps).sum())

    def prune(self, chosen: np.ndarray) -> np.ndarray:
        """Drop assignments that add nothing once the cap binds (another course already closes
        the gap): the objective is unchanged and the plan spends no hours or seats on them."""
        kept = chosen.copy()
        cap = self.weights * self.gaps
        totals = self.cell_totals(chosen)
        for p in sorted(
            np.flatnonzero(chosen), key=lambda p: -self.courses[self.course_of[p]].hours
        ):
            i = self.cadre_of[p]
            cols, a = self.gain_of(p)
            before = np.minimum(totals[i, cols], cap[i, cols]).sum()
            after = np.minimum(totals[i, cols] - a, cap[i, cols]).sum()
            if after >= before - EPS:
                kept[p] = False
                totals[i, cols] -= a
        return kept


def _milp(problem: Problem, budget, per_cadre_hours, time_limit, relax: bool = False):
    """Solve the integer programme: (selection, proven bound, optimal?, variables, message).

    With ``relax`` only its LP relaxation is solved: its optimum is a proven upper bound (the
    selection is then meaningless), much tighter than the greedy's own bounds when cadres take
    several overlapping courses."""
    gaps, weights, courses, gains = problem.gaps, problem.weights, problem.courses, problem.gains
    n_x = len(problem.pairs)
    cadre_of, course_of = problem.cadre_of, problem.course_of
    hours = np.array([courses[j].hours for j in course_of], dtype=float)

    # Which (cadre, competency) cells can the eligible courses together over-fill?
    cap = weights * gaps
    needs_y = problem.cell_totals() > cap + EPS
    y_index = -np.ones_like(gaps, dtype=int)
    n_y = int(needs_y.sum())
    y_index[needs_y] = n_x + np.arange(n_y)

    objective = np.zeros(n_x + n_y)
    objective[n_x:] = -1.0
    link_rows, link_cols, link_vals = [], [], []
    for j, start, a in gains:
        rows = cadre_of[start : start + a.shape[0]]
        xs = np.arange(start, start + a.shape[0])
        for k, col in enumerate(courses[j].trains):
            y = y_index[rows, col]
            free = y < 0
            np.add.at(objective, xs[free], -a[free, k])
            link_rows.append(y[~free] - n_x)
            link_cols.append(xs[~free])
            link_vals.append(-a[~free, k])

    constraints = []
    if n_y:
        rows = np.concatenate([np.concatenate(link_rows), np.arange(n_y)])
        cols = np.concatenate([np.concatenate(link_cols), n_x + np.arange(n_y)])
        vals = np.concatenate([np.concatenate(link_vals), np.ones(n_y)])
        link = coo_array((vals, (rows, cols)), shape=(n_y, n_x + n_y))
        constraints.append(LinearConstraint(link, -np.inf, 0.0))
    seats = coo_array((np.ones(n_x), (course_of, np.arange(n_x))), shape=(len(courses), n_x + n_y))
    constraints.append(LinearConstraint(seats, 0, [max(c.seats, 0) for c in courses]))
    budget_row = np.concatenate([hours, np.zeros(n_y)])[None, :]
    constraints.append(LinearConstraint(budget_row, 0, budget))
    if per_cadre_hours is not None:
        per = coo_array((hours, (cadre_of, np.arange(n_x))), shape=(gaps.shape[0], n_x + n_y))
        constraints.append(LinearConstraint(per, 0, per_cadre_hours))

    result = milp(
        objective,
        integrality=np.concatenate([np.full(n_x, 0 if relax else 1), np.zeros(n_y)]),
        bounds=Bounds(np.zeros(n_x + n_y), np.concatenate([np.ones(n_x), cap[needs_y]])),
        constraints=constraints,
        options={"time_limit": time_limit, "mip_rel_gap": 1e-9},
    )
    if result.x is None:
        return np.zeros(n_x, bool), np.inf, False, n_x + n_y, result.message
    if relax:
        bound = -float(result.fun) if result.status == 0 else np.inf
        return np.zeros(n_x, bool), bound, False, n_x + n_y, result.message
    bound = getattr(result, "mip_dual_bound", None)
    bound = np.inf if bound is None or not np.isfinite(bound) else -float(bound)
    return result.x[:n_x] > 0.5, bound, result.status == 0, n_x + n_y, result.message
