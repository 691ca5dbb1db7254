"""Adaptive testing: stopping rules, content balance (T8), exposure (T9), SE coverage (T6),
state round trips and replay of the audit log.

The moderate simulation uses the research notes' typical bank (300 items, a ~ LogNormal(0, .3),
b ~ U(−2.5, 2.5)) split over four competencies with equal blueprint shares, and 200 simulees
θ ~ N(0, 1) stopping at SE ≤ 0.40; benchmarks/cat.py runs the full 1,000-simulee design.
"""

import json

import numpy as np
import pytest

from assessments.psychometrics.cat import CatConfig, CatEngine, CatError, CatState, replay
from assessments.psychometrics.irt import ItemParameters
from assessments.psychometrics.irt.model import category_probabilities
from assessments.psychometrics.irt.simulation import graded_bank

COMPETENCIES = ("D1.1", "D2.2", "D3.1", "D4.3")


def typical_bank(n_items=300, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.lognormal(0.0, 0.3, n_items)
    b = rng.uniform(-2.5, 2.5, n_items)
    names = tuple(f"item{j}" for j in range(n_items))
    codes = [COMPETENCIES[j % 4] for j in range(n_items)]
    return ItemParameters(names, a, (-a * b)[:, None]), codes


def run_test(engine, theta, rng, seed, round_trip=False):
    """Give one simulee a whole test; responses drawn from the model at the true θ."""
    state = CatState(seed=seed)
    while True:
        if round_trip:
            state = CatState.from_json(state.to_json())
        item, state = engine.next_item(state)
        if item is None:
            return state
        j = engine.position[item]
        prob = category_probabilities(engine.params.subset([j]), np.array([theta]))[0, :, 0]
        state = engine.answer(state, item, int(rng.choice(prob.size, p=prob)))


@pytest.fixture(scope="module")
def simulation():
    params, codes = typical_bank()
    config = CatConfig(se_target=0.40, max_items=40, blueprint=dict.fromkeys(COMPETENCIES, 1))
    engine = CatEngine(params, codes, config)
    rng = np.random.default_rng(42)
    truth = rng.normal(size=200)
    states = [run_test(engine, t, rng, seed=i) for i, t in enumerate(truth)]
    return engine, truth, states


def test_t8_administered_shares_follow_the_blueprint(simulation):
    engine, _, states = simulation
    within = 0
    for state in states:
        counts = np.array(
            [
                sum(engine.competency_of[engine.position[i]] == c for i in state.items)
                for c in COMPETENCIES
            ]
        )
        within += np.all(np.abs(counts - len(state.items) / 4) <= 1)
    assert within / len(states) >= 0.95


def test_t9_randomesque_keeps_exposure_below_ninety_percent(simulation):
    engine, _, states = simulation
    exposure = np.zeros(engine.params.n_items)
    for state in states:
        for item in state.items:
            exposure[engine.position[item]] += 1
    assert exposure.max() / len(states) <= 0.90
    assert len({state.items[0] for state in states}) > 1  # the opening item varies


def test_t6_precision_and_coverage_on_a_moderate_simulation(simulation):
    engine, truth, states = simulation
    estimates = [engine.estimate(state) for state in states]
    theta = np.array([e.theta for e in estimates])
    se = np.array([e.se for e in estimates])
    assert all(state.stop_reason == "se-target" for state in states)
    assert np.all(se <= 0.40)
    assert np.mean([len(s.items) for s in states]) <= 14
    coverage = np.mean(np.abs(theta - truth) <= 1.96 * se)
    assert 0.90 <= coverage <= 0.99  # T6 asks .93–.97 at 1,000 simulees; ±2 binomial SE here
    assert abs(np.mean(theta - truth)) <= 0.08


def test_stops_as_soon_as_the_se_target_is_met():
    params, codes = typical_bank()
    engine = CatEngine(params, codes, CatConfig(se_target=0.35, max_items=60))
    state = run_test(engine, 0.3, np.random.default_rng(1), seed=7)
    records = [r for r in state.log if "item" in r]
    assert state.stop_reason == "se-target"
    assert records[-1]["se_after"] <= 0.35
    assert all(r["se_after"] > 0.35 for r in records[:-1])
    assert state.log[-1]["stop"] == "se-target"


def test_stops_at_max_items_when_precision_is_out_of_reach():
    params, codes = typical_bank()
    engine = CatEngine(params, codes, CatConfig(se_target=0.05, max_items=12))
    state = run_test(engine, 0.0, np.random.default_rng(2), seed=1)
    assert state.stop_reason == "max-items" and len(state.items) == 12


def test_minimum_items_per_competency_are_given_before_stopping():
    params, codes = typical_bank()
    config = CatConfig(
        se_target=0.5,
        max_items=40,
        min_per_competency=4,
        blueprint={"D1.1": 7, "D2.2": 1, "D3.1": 1, "D4.3": 1},
    )
    engine = CatEngine(params, codes, config)
    state = run_test(engine, -0.5, np.random.default_rng(3), seed=2)
    counts = {
        c: sum(engine.competency_of[engine.position[i]] == c for i in state.items)
        for c in COMPETENCIES
    }
    assert state.stop_reason == "se-target"
    assert min(counts.values()) >= 4


def test_a_small_bank_is_exhausted_and_per_competency_caps_hold():
    params, codes = typical_bank(n_items=12)
    config = CatConfig(se_target=0.1, max_items=30, max_per_competency=2)
    engine = CatEngine(params, codes, config)
    state = run_test(engine, 1.0, np.random.default_rng(4), seed=3)
    assert state.stop_reason == "bank-exhausted" and len(state.items) == 8


def test_state_survives_json_and_the_log_replays_exactly():
    params, codes = typical_bank()
    engine = CatEngine(
        params, codes, CatConfig(se_target=0.4, blueprint=dict.fromkeys(COMPETENCIES, 1))
    )
    state = run_test(engine, 0.8, np.random.default_rng(5), seed=11, round_trip=True)
    assert CatState.from_json(state.to_json()) == state
    assert json.loads(state.to_json())["log"][0]["candidates"]
    assert replay(engine, state) == []
    # Change one answer: the selections after it no longer match the log.
    responses = list(state.responses)
    responses[2] = 1 - responses[2]
    tampered = CatState(
        seed=state.seed,
        items=state.items,
        responses=tuple(responses),
        finished=True,
        stop_reason=state.stop_reason,
    )
    assert replay(engine, tampered)


def test_every_step_is_logged_with_theta_se_candidates_and_response():
    params, codes = typical_bank()
    engine = CatEngine(params, codes, CatConfig(se_target=0.45))
    state = run_test(engine, 0.0, np.random.default_rng(6), seed=5)
    steps = [r for r in state.log if "item" in r]
    assert [r["item"] for r in steps] == list(state.items)
    first = steps[0]
    assert first["theta"] == pytest.approx(0.0, abs=1e-9) and first["se"] == pytest.approx(
        1.0, abs=0.01
    )
    assert first["item"] in [c[0] for c in first["candidates"]]
    infos = [c[1] for c in first["candidates"]]
    assert infos == sorted(infos, reverse=True)
    assert all({"response", "theta_after", "se_after"} <= set(r) for r in steps)
    # Randomesque k starts at 5 and falls by one every two items.
    assert [r["randomesque"] for r in steps[:6]] == [5, 5, 4, 4, 3, 3]


def test_constant_randomesque_when_asked():
    params, codes = typical_bank()
    engine = CatEngine(params, codes, CatConfig(se_target=0.45, randomesque_step=None))
    state = run_test(engine, 0.0, np.random.default_rng(6), seed=5)
    assert {r["randomesque"] for r in state.log if "item" in r} == {5}


def test_the_engine_refuses_answers_it_did_not_ask_for():
    params, codes = typical_bank()
    engine = CatEngine(params, codes, CatConfig())
    item, state = engine.next_item(CatState(seed=1))
    assert engine.next_item(state)[0] == item  # asking again returns the pending item
    other = next(n for n in params.names if n != item)
    with pytest.raises(CatError, match="not the item"):
        engine.answer(state, other, 1)
    with pytest.raises(CatError, match="not a category"):
        engine.answer(state, item, 2)


def test_configuration_errors_are_clear():
    params, codes = typical_bank(n_items=8)
    with pytest.raises(CatError, match="competency codes"):
        CatEngine(params, codes[:3], CatConfig())
    with pytest.raises(CatError, match="not all zero"):
        CatEngine(params, codes, CatConfig(blueprint=dict.fromkeys(COMPETENCIES, 0)))
    with pytest.raises(CatError, match="randomesque_step"):
        CatEngine(params, codes, CatConfig(randomesque_step=0))
    with pytest.raises(CatError, match=r"'D9\.9'"):
        CatEngine(params, codes, CatConfig(blueprint={"D9.9": 1}))


def test_graded_items_take_part_like_any_other():
    rng = np.random.default_rng(12)
    params = graded_bank(60, 4, rng)
    codes = [COMPETENCIES[j % 2] for j in range(60)]
    engine = CatEngine(params, codes, CatConfig(se_target=0.35, blueprint={"D1.1": 1, "D2.2": 1}))
    state = run_test(engine, 0.4, rng, seed=9)
    assert state.stop_reason == "se-target"
    assert len(state.items) < 15  # four-category items carry more information than 0/1 ones
    assert max(state.responses) > 1
    assert replay(engine, state) == []


def test_without_a_blueprint_information_alone_decides():
    # Competency D1.1 holds all the sharp items: pure MFI favours it, a blueprint spreads the test.
    params, codes = typical_bank()
    sharp = np.array([c == "D1.1" for c in codes])
    params = ItemParameters(params.names, np.where(sharp, 2.0, 0.5), params.d)
    rng = np.random.default_rng(13)
    free = run_test(CatEngine(params, codes, CatConfig(se_target=0.4)), 0.0, rng, seed=1)
    balanced_engine = CatEngine(
        params, codes, CatConfig(se_target=0.4, blueprint=dict.fromkeys(COMPETENCIES, 1))
    )
    balanced = run_test(balanced_engine, 0.0, rng, seed=1)
    share_free = np.mean([codes[int(i[4:])] == "D1.1" for i in free.items])
    share_balanced = np.mean([codes[int(i[4:])] == "D1.1" for i in balanced.items])
    assert share_free > 0.8
    assert share_balanced <= 0.25 + 1 / len(balanced.items)
    assert len(free.items) < len(balanced.items)
