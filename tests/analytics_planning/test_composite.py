"""Composite-talent rules (competency-model.md §3.6) on crafted profiles: every rule, every
boundary, the "one competency short" pipeline and the per-100 rates with suppression."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analytics.composite import CompetencySpec, Model, Shape, rates_by_group

FRAMEWORK = Path(__file__).resolve().parents[2] / "competencies" / "data" / "framework.json"


def _specs() -> list[CompetencySpec]:
    data = json.loads(FRAMEWORK.read_text(encoding="utf-8"))
    return [
        CompetencySpec(c["code"], domain["code"], c["tag"])
        for domain in data["domains"]
        for c in domain["competencies"]
    ]


MODEL = Model(_specs())
CODES = MODEL.codes


def profile(base: float = 2.0, **levels: float) -> np.ndarray:
    """A one-cadre matrix: every competency at ``base`` except those named (D1_1=4 → D1.1)."""
    row = np.full(len(CODES), base)
    for key, value in levels.items():
        row[CODES.index(key.replace("_", "."))] = value
    return row[None, :]


def shapes(row: np.ndarray) -> set[Shape]:
    return {shape for shape, flags in MODEL.classify(row).items() if flags[0]}


def test_framework_matches_the_model():
    assert len(CODES) == 24
    assert MODEL.domains == ("D1", "D2", "D3", "D4", "D5", "D6")


def test_breadth_alone_is_no_class():
    assert shapes(profile()) == set()


def test_t_shaped_two_deep_technical():
    assert shapes(profile(D1_1=4, D1_2=4)) == {Shape.T_SHAPED}


def test_t_shaped_by_governance_or_leadership_tag():
    assert shapes(profile(D1_3=4, D3_2=4)) == {Shape.T_SHAPED}
    assert shapes(profile(D6_1=4, D6_2=4)) == {Shape.T_SHAPED}


def test_two_deep_on_different_tags_is_not_t_shaped():
    assert shapes(profile(D1_1=4, D1_3=4)) == set()
    assert shapes(profile(D1_1=4, D6_1=5)) == set()


def test_deep_means_at_least_four():
    assert shapes(profile(D1_1=4, D1_2=3.99)) == set()
    assert shapes(profile(D1_1=4.0, D1_2=4.0)) == {Shape.T_SHAPED}


def test_breadth_boundary_is_inclusive():
    # D1 mean exactly 2.0 (1, 3, 2, 2): breadth holds.
    assert shapes(profile(D1_1=1, D1_2=3, D2_1=4, D2_2=4)) == {Shape.T_SHAPED}
    # D1 mean 1.75: breadth fails, so depth elsewhere earns nothing.
    assert shapes(profile(D1_1=1, D2_1=4, D2_2=4)) == set()


def test_every_domain_needs_breadth():
    for domain in MODEL.domains:
        low = {c.replace(".", "_"): 1.5 for c in CODES if c.startswith(domain + ".")}
        deep = {"D2_1": 5, "D2_2": 5, "D2_4": 5, "D3_1": 5} if domain != "D2" else {}
        row = profile(**{**deep, **low})
        assert shapes(row) == set(), domain


def test_missing_estimate_counts_as_zero():
    row = profile(D2_1=4, D2_2=4)
    assert shapes(row) == {Shape.T_SHAPED}
    row[0, CODES.index("D1.1")] = np.nan  # D1 mean becomes (0+2+2+2)/4 = 1.5
    assert shapes(row) == set()


def test_pi_shaped_counts_bridging_under_primary_tag():
    # D2.3 and D5.3 are T*; D2.4 and D4.1 are G*.
    row = profile(D2_3=4, D5_3=4, D2_4=4, D4_1=4)
    assert shapes(row) == {Shape.T_SHAPED, Shape.PI_SHAPED}


def test_pi_needs_two_of_each():
    assert Shape.PI_SHAPED not in shapes(profile(D1_1=4, D1_2=4, D1_4=4, D1_3=4))
    assert Shape.PI_SHAPED in shapes(profile(D1_1=4, D1_2=4, D1_3=4, D3_2=4))


def test_leadership_composite_needs_three_on_every_leadership_competency():
    pi = {"D1_1": 4, "D1_2": 4, "D1_3": 4, "D3_2": 4}
    all_l = {"D6_1": 3, "D6_2": 3, "D6_3": 3, "D6_4": 3}
    assert shapes(profile(**pi, **all_l)) == set(Shape)
    assert shapes(profile(**pi, **{**all_l, "D6_4": 2.99})) == {Shape.T_SHAPED, Shape.PI_SHAPED}
    # Leadership levels without π are not a leadership composite.
    assert Shape.LEADERSHIP not in shapes(profile(D1_1=4, D1_2=4, **all_l))


def test_one_short_names_the_competency():
    short = MODEL.one_short(profile(D1_1=4, D1_2=3))
    assert short[Shape.T_SHAPED] == [["D1.2"]]
    assert short[Shape.PI_SHAPED] == [[]]  # two rises away


def test_one_short_through_breadth():
    # D1 mean 1.75 with deep D2.1/D2.2: any D1 rise restores breadth.
    short = MODEL.one_short(profile(D1_1=1, D2_1=4, D2_2=4))
    assert short[Shape.T_SHAPED] == [["D1.1", "D1.2", "D1.3", "D1.4"]]


def test_one_short_of_leadership_and_nothing_for_held_classes():
    row = profile(D1_1=4, D1_2=4, D1_3=4, D3_2=4, D6_1=2, D6_2=3, D6_3=3, D6_4=3)
    short = MODEL.one_short(row)
    assert short[Shape.LEADERSHIP] == [["D6.1"]]
    assert short[Shape.T_SHAPED] == [[]] and short[Shape.PI_SHAPED] == [[]]
    two_low = profile(D1_1=4, D1_2=4, D1_3=4, D3_2=4, D6_1=2, D6_2=2, D6_3=3, D6_4=3)
    assert MODEL.one_short(two_low)[Shape.LEADERSHIP] == [[]]


def test_a_competency_at_the_top_cannot_rise():
    # Breadth fails in D1 only; D1.1 is already 5 so it cannot help, the others can.
    row = profile(D1_1=5, D1_2=0.5, D1_3=0.5, D1_4=1, D2_1=4, D2_2=4)
    assert MODEL.one_short(row)[Shape.T_SHAPED] == [["D1.2", "D1.3", "D1.4"]]


def test_rejects_wrong_shape():
    with pytest.raises(ValueError):
        MODEL.classify(np.zeros((2, 23)))


def test_rates_by_group_and_suppression():
    rows = np.vstack([profile(D1_1=4, D1_2=4)] * 2 + [profile()] * 3 + [profile()] * 4)
    groups = ["A"] * 5 + ["B"] * 4
    rates = rates_by_group(groups, MODEL.classify(rows), min_group_size=5)
    a, b = rates
    assert (a.group, a.n, a.counts[Shape.T_SHAPED], a.per_hundred[Shape.T_SHAPED]) == (
        "A",
        5,
        2,
        40.0,
    )
    assert a.counts[Shape.PI_SHAPED] == 0
    assert b.suppressed and b.n is None and b.per_hundred is None


levels = arrays(
    float, (6, 24), elements=st.sampled_from([np.nan, 0.0, 1.0, 2.0, 3.0, 3.5, 4.0, 5.0])
)


@settings(max_examples=60, deadline=None)
@given(levels)
def test_classes_nest_and_pipeline_is_exact(matrix):
    flags = MODEL.classify(matrix)
    assert not np.any(flags[Shape.LEADERSHIP] & ~flags[Shape.PI_SHAPED])
    assert not np.any(flags[Shape.PI_SHAPED] & ~flags[Shape.T_SHAPED])
    short = MODEL.one_short(matrix)
    base = np.nan_to_num(matrix)
    for shape in Shape:
        for row, codes in enumerate(short[shape]):
            assert not (codes and flags[shape][row])
            for j, code in enumerate(CODES):
                raised = base[row : row + 1].copy()
                raised[0, j] = min(raised[0, j] + 1, 5)
                gains = MODEL.classify(raised)[shape][0] and not flags[shape][row]
                assert (code in codes) == bool(gains and raised[0, j] != base[row, j])
