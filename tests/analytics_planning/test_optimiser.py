"""The training-plan optimiser: optimal on small instances (checked by brute force over every
subset of assignments), respects seats, budget, per-cadre hours and completed courses, and the
edge cases (no budget, no seats, no gaps)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.optimiser import Course, optimise, plan_value


def brute_force_value(levels, gaps, weights, courses, chosen) -> float:
    """The model's objective written out with plain loops (independent of the module)."""
    n, k = gaps.shape
    total = 0.0
    for i in range(n):
        for c in range(k):
            gain = 0.0
            for ci, j in chosen:
                course = courses[j]
                if ci == i and c in course.trains:
                    step = max(0.0, course.target_level - levels[i, c])
                    gain += course.effectiveness * weights[i, c] * min(gaps[i, c], step)
            total += min(weights[i, c] * gaps[i, c], gain)
    return total


def brute_force(levels, gaps, weights, courses, budget, completed, per_cadre):
    n = gaps.shape[0]
    pairs = [(i, j) for i in range(n) for j in range(len(courses)) if not completed[i, j]]
    best = 0.0
    for r in range(len(pairs) + 1):
        for subset in itertools.combinations(pairs, r):
            if sum(courses[j].hours for _, j in subset) > budget + 1e-9:
                continue
            if any(sum(1 for _, j in subset if j == jj) > c.seats for jj, c in enumerate(courses)):
                continue
            if per_cadre is not None and any(
                sum(courses[j].hours for ii, j in subset if ii == i) > per_cadre + 1e-9
                for i in range(n)
            ):
                continue
            best = max(best, brute_force_value(levels, gaps, weights, courses, subset))
    return best


@st.composite
def instances(draw):
    n = draw(st.integers(1, 3))
    k = draw(st.integers(1, 3))
    m = draw(st.integers(1, 3))
    level = st.integers(0, 5)
    levels = np.array(draw(st.lists(level, min_size=n * k, max_size=n * k)), float).reshape(n, k)
    required = np.array(draw(st.lists(level, min_size=n * k, max_size=n * k)), float)
    gaps = np.maximum(0.0, required.reshape(n, k) - levels)
    weights = np.array(
        draw(st.lists(st.integers(1, 3), min_size=n * k, max_size=n * k)), float
    ).reshape(n, k)
    courses = []
    for j in range(m):
        trains = draw(st.sets(st.integers(0, k - 1), min_size=1, max_size=k))
        courses.append(
            Course(
                key=f"c{j}",
                trains=tuple(sorted(trains)),
                target_level=draw(st.integers(1, 5)),
                hours=draw(st.sampled_from([1.0, 2.0, 3.5])),
                seats=draw(st.integers(0, 3)),
                effectiveness=draw(st.sampled_from([1.0, 0.6])),
            )
        )
    completed = np.array(
        draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)), bool
    ).reshape(n, m)
    budget = draw(st.sampled_from([0.0, 1.0, 2.5, 4.0, 7.0, 100.0]))
    per_cadre = draw(st.sampled_from([None, 2.0, 4.0]))
    return levels, gaps, weights, courses, budget, completed, per_cadre


def assert_feasible(plan, courses, budget, completed, per_cadre):
    taken = [(a.cadre, a.course) for a in plan.assignments]
    assert len(taken) == len(set(taken)), "one course per cadre per course"
    for j, course in enumerate(courses):
        assert sum(1 for _, jj in taken if jj == j) <= course.seats
    assert sum(courses[j].hours for _, j in taken) <= budget + 1e-6
    assert plan.hours == pytest.approx(sum(courses[j].hours for _, j in taken))
    assert not any(completed[i, j] for i, j in taken)
    if per_cadre is not None:
        for i in {i for i, _ in taken}:
            assert sum(courses[j].hours for ii, j in taken if ii == i) <= per_cadre + 1e-6


@settings(max_examples=120, deadline=None)
@given(instances())
def test_optimal_against_brute_force(instance):
    levels, gaps, weights, courses, budget, completed, per_cadre = instance
    plan = optimise(levels, gaps, weights, courses, budget, completed, per_cadre)
    assert plan.optimal
    assert_feasible(plan, courses, budget, completed, per_cadre)
    chosen = [(a.cadre, a.course) for a in plan.assignments]
    value = brute_force_value(levels, gaps, weights, courses, chosen)
    assert plan.objective == pytest.approx(value, abs=1e-6)
    assert plan_value(levels, gaps, weights, courses, chosen) == pytest.approx(value, abs=1e-6)
    best = brute_force(levels, gaps, weights, courses, budget, completed, per_cadre)
    assert plan.objective == pytest.approx(best, abs=1e-6)


def _one_gap_world():
    levels = np.array([[1.0, 2.0], [3.0, 1.0]])
    gaps = np.array([[2.0, 1.0], [0.0, 3.0]])
    weights = np.array([[3.0, 1.0], [2.0, 2.0]])
    return levels, gaps, weights


def test_zero_budget_assigns_nothing():
    plan = optimise(*_one_gap_world(), [Course("a", (0, 1), 4, 2.0, 5)], budget_hours=0)
    assert plan.assignments == [] and plan.objective == 0.0 and plan.optimal


def test_no_seats_assigns_nothing():
    plan = optimise(*_one_gap_world(), [Course("a", (0, 1), 4, 2.0, 0)], budget_hours=100)
    assert plan.assignments == []


def test_no_gap_assigns_nothing():
    levels, gaps, weights = _one_gap_world()
    plan = optimise(levels, np.zeros_like(gaps), weights, [Course("a", (0,), 5, 1.0, 9)], 10)
    assert plan.assignments == []


def test_completed_course_is_not_assigned_again():
    completed = np.array([[True], [False]])
    plan = optimise(*_one_gap_world(), [Course("a", (0, 1), 4, 1.0, 5)], 10, completed)
    assert [(a.cadre, a.course) for a in plan.assignments] == [(1, 0)]


def test_seats_go_to_the_largest_weighted_reduction():
    # Cadre 0 gains 3·min(2,3) + 1·min(1,2) = 7 on course a; cadre 1 gains 2·min(3,3) = 6.
    plan = optimise(*_one_gap_world(), [Course("a", (0, 1), 4, 1.0, 1)], 10)
    assert [(a.cadre, a.value) for a in plan.assignments] == [(0, 7.0)]
    assert plan.objective == 7.0 and plan.bound == 7.0


def test_gains_add_up_only_to_the_gap():
    levels = np.array([[1.0]])
    gaps = np.array([[2.0]])
    weights = np.array([[1.0]])
    two = [Course("a", (0,), 3, 1.0, 1), Course("b", (0,), 3, 1.0, 1)]
    plan = optimise(levels, gaps, weights, two, 10)
    assert plan.objective == pytest.approx(2.0)
    assert len(plan.assignments) == 1  # the second course adds nothing beyond the gap
    half = [Course("a", (0,), 3, 1.0, 1, 0.5), Course("b", (0,), 3, 1.0, 1, 0.5)]
    plan = optimise(levels, gaps, weights, half, 10)
    assert plan.objective == pytest.approx(2.0) and len(plan.assignments) == 2


def test_budget_is_a_knapsack():
    levels = np.zeros((3, 1))
    gaps = np.array([[3.0], [2.0], [2.0]])
    weights = np.ones((3, 1))
    course = Course("a", (0,), 5, 2.0, 3)
    plan = optimise(levels, gaps, weights, [course], budget_hours=4)
    assert plan.objective == 5.0 and plan.hours == 4.0


def test_rejects_inconsistent_input():
    levels, gaps, weights = _one_gap_world()
    with pytest.raises(ValueError):
        optimise(levels, gaps[:1], weights, [Course("a", (0,), 4, 1.0, 1)], 1)
    with pytest.raises(ValueError):
        optimise(levels, gaps, weights, [Course("a", (0, 0), 4, 1.0, 1)], 1)


@settings(max_examples=120, deadline=None)
@given(instances())
def test_greedy_is_feasible_and_its_bound_is_valid(instance):
    levels, gaps, weights, courses, budget, completed, per_cadre = instance
    plan = optimise(levels, gaps, weights, courses, budget, completed, per_cadre, method="greedy")
    assert_feasible(plan, courses, budget, completed, per_cadre)
    chosen = [(a.cadre, a.course) for a in plan.assignments]
    assert plan.objective == pytest.approx(
        brute_force_value(levels, gaps, weights, courses, chosen), abs=1e-6
    )
    best = brute_force(levels, gaps, weights, courses, budget, completed, per_cadre)
    assert plan.objective <= best + 1e-6 <= plan.bound + 2e-6
    assert plan.method in ("greedy", "milp") and (plan.optimal or plan.objective < plan.bound)


def test_auto_uses_the_greedy_above_the_exact_size(monkeypatch):
    from analytics import optimiser

    monkeypatch.setattr(optimiser, "EXACT_MAX_PAIRS", 1)
    plan = optimise(*_one_gap_world(), [Course("a", (0, 1), 4, 1.0, 1)], 10)
    assert plan.method == "greedy" and plan.objective == 7.0
    assert plan.bound == pytest.approx(7.0) and plan.optimal  # the bound certifies it
