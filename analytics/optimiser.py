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
solver may stop early; the plan then reports HiGHS's proven upper bound and relative gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

EPS = 1e-9


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
) -> tuple[float, dict[int, float]]:
    """The capped objective of a set of (cadre, course) pairs, total and per cadre."""
    total = np.zeros_like(gaps, dtype=float)
    for i, j in chosen:
        a = contributions(levels[i : i + 1], gaps[i : i + 1], weights[i : i + 1], courses[j])
        np.add.at(total[i], list(courses[j].trains), a[0])
    capped = np.minimum(total, weights * gaps).sum(axis=1)
    return float(capped.sum()), {i: float(capped[i]) for i, _ in chosen}


def optimise(
    levels: np.ndarray,
    gaps: np.ndarray,
    weights: np.ndarray,
    courses: Sequence[Course],
    budget_hours: float,
    completed: np.ndarray | None = None,
    per_cadre_hours: float | None = None,
    time_limit: float = 30.0,
) -> Plan:
    """The plan that maximises the expected reduction in weighted gap (see the module text).

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
    problem = _Problem(levels, gaps, weights, courses, pairs, pair_values, gains)
    return _solve(problem, budget_hours, per_cadre_hours, time_limit)


@dataclass
class _Problem:
    """The instance with its eligible (cadre, course) pairs: the x variables."""

    levels: np.ndarray
    gaps: np.ndarray
    weights: np.ndarray
    courses: Sequence[Course]
    pairs: list[tuple[int, int]]
    pair_values: list[float]
    gains: list[tuple[int, int, np.ndarray]]  # (course, first pair index, a for its cadres)

    def prune(self, chosen: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Drop assignments that add nothing once the cap binds (another course already closes
        the gap): the objective is unchanged and the plan spends no hours or seats on them."""
        by_cadre: dict[int, list[int]] = {}
        for i, j in chosen:
            by_cadre.setdefault(i, []).append(j)
        kept = []
        for i, js in by_cadre.items():
            row = (self.levels[i : i + 1], self.gaps[i : i + 1], self.weights[i : i + 1])
            for j in sorted(js, key=lambda j: -self.courses[j].hours):
                with_j = plan_value(*row, self.courses, [(0, jj) for jj in js])[0]
                without = plan_value(*row, self.courses, [(0, jj) for jj in js if jj != j])[0]
                if without >= with_j - EPS:
                    js = [jj for jj in js if jj != j]
            kept.extend((i, j) for j in js)
        return sorted(kept)


def _solve(problem: _Problem, budget, per_cadre_hours, time_limit) -> Plan:
    gaps, weights, courses = problem.gaps, problem.weights, problem.courses
    pairs, pair_values, gains = problem.pairs, problem.pair_values, problem.gains
    n_x = len(pairs)
    cadre_of = np.array([i for i, _ in pairs])
    course_of = np.array([j for _, j in pairs])
    hours = np.array([courses[j].hours for j in course_of], dtype=float)

    # Which (cadre, competency) cells can the eligible courses together over-fill?
    total = np.zeros_like(gaps)
    for j, start, a in gains:
        rows = cadre_of[start : start + a.shape[0]]
        for k, col in enumerate(courses[j].trains):
            np.add.at(total[:, col], rows, a[:, k])
    cap = weights * gaps
    needs_y = total > cap + EPS
    y_index = -np.ones_like(gaps, dtype=int)
    y_cells = np.argwhere(needs_y)
    y_index[needs_y] = n_x + np.arange(len(y_cells))
    n_y = len(y_cells)

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

    upper = np.concatenate([np.ones(n_x), cap[needs_y]])
    result = milp(
        objective,
        integrality=np.concatenate([np.ones(n_x), np.zeros(n_y)]),
        bounds=Bounds(np.zeros(n_x + n_y), upper),
        constraints=constraints,
        options={"time_limit": time_limit, "mip_rel_gap": 1e-9},
    )
    if result.x is None:
        return Plan([], 0.0, 0.0, False, 0.0, n_x + n_y, result.message)
    chosen = np.flatnonzero(result.x[:n_x] > 0.5)
    if n_y:
        index = {pair: p for p, pair in enumerate(pairs)}
        picked = [(int(cadre_of[p]), int(course_of[p])) for p in chosen]
        chosen = np.array([index[pair] for pair in problem.prune(picked)], int)
    assignments = [Assignment(int(cadre_of[p]), int(course_of[p]), pair_values[p]) for p in chosen]
    objective_value = -float(result.fun)
    bound = -float(getattr(result, "mip_dual_bound", result.fun) or result.fun)
    return Plan(
        assignments,
        objective_value,
        max(bound, objective_value),
        result.status == 0,
        float(hours[chosen].sum()),
        n_x + n_y,
        result.message,
    )
