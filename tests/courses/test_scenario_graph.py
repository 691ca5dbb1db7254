"""The pure graph validator: each kind of broken graph is rejected and names its node."""

from __future__ import annotations

import copy

import pytest

from courses import scenario_graph as g

GOOD = {
    "start": "d1",
    "decisions": [
        {"id": "d1", "options": [{"next": "d2", "scores": {"D2.3": 2}}, {"next": "d3"}]},
        {"id": "d2", "options": [{"next": "end-a"}, {"next": "d3"}]},
        {"id": "d3", "options": [{"next": "end-a"}, {"next": "end-b"}]},
    ],
    "endings": [{"id": "end-a"}, {"id": "end-b"}],
}


def _kinds(scenario) -> set[tuple[str, str]]:
    return {(p.kind, p.node) for p in g.problems(scenario)}


def test_a_sound_graph_has_no_problem():
    assert g.problems(GOOD) == []


def test_unreachable_decision_is_named():
    bad = copy.deepcopy(GOOD)
    bad["decisions"].append({"id": "d9", "options": [{"next": "end-a"}, {"next": "end-b"}]})
    assert (g.UNREACHABLE, "d9") in _kinds(bad)


def test_dangling_next_is_named():
    bad = copy.deepcopy(GOOD)
    bad["decisions"][1]["options"][1]["next"] = "d7"
    problems = g.problems(bad)
    assert any(p.kind == g.DANGLING_NEXT and p.node == "d2" and "d7" in p.detail for p in problems)


def test_dead_end_without_options_is_named():
    bad = copy.deepcopy(GOOD)
    bad["decisions"][2]["options"] = []
    assert (g.DEAD_END, "d3") in _kinds(bad)


def test_loop_with_no_way_out_is_a_dead_end_even_when_cycles_are_allowed():
    bad = copy.deepcopy(GOOD)
    bad["cycles_allowed"] = True
    bad["decisions"][2]["options"] = [{"next": "d2"}, {"next": "d2"}]
    bad["decisions"][1]["options"] = [{"next": "d3"}, {"next": "d3"}]
    assert (g.DEAD_END, "d2") in _kinds(bad)
    assert (g.DEAD_END, "d3") in _kinds(bad)


def test_cycle_is_rejected_unless_allowed():
    bad = copy.deepcopy(GOOD)
    bad["decisions"][2]["options"][1]["next"] = "d1"
    assert (g.CYCLE, "d1") in _kinds(bad)
    bad["cycles_allowed"] = True
    assert g.problems(bad) == []


def test_no_ending():
    bad = copy.deepcopy(GOOD)
    bad["endings"] = []
    assert g.NO_ENDING in {p.kind for p in g.problems(bad)}


@pytest.mark.parametrize(
    ("change", "kind", "node"),
    [
        (lambda s: s.update(start="nowhere"), g.BAD_START, "nowhere"),
        (lambda s: s["decisions"][1].update(id="d1"), g.DUPLICATE_ID, "d1"),
        (lambda s: s["decisions"][0]["options"].pop(), g.OPTION_COUNT, "d1"),
        (lambda s: s["decisions"][0]["options"][0]["scores"].update(x=3), g.SCORE_RANGE, "d1"),
    ],
)
def test_other_defects(change, kind, node):
    bad = copy.deepcopy(GOOD)
    change(bad)
    assert (kind, node) in _kinds(bad)


def test_step_follows_the_option_and_refuses_forged_ones():
    assert g.step(GOOD, "d1", 0) == ("d2", False)
    assert g.step(GOOD, "d3", 1) == ("end-b", True)
    with pytest.raises(IndexError):
        g.step(GOOD, "d1", 5)
    with pytest.raises(IndexError):
        g.step(GOOD, "d1", -1)
    with pytest.raises(KeyError):
        g.step(GOOD, "zz", 0)
