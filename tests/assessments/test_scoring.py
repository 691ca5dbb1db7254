"""Scoring of every item type, the partial-credit edge cases, and the public view. Pure: no DB."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import content as c
from assessments.scoring import (
    InvalidItem,
    ResponseError,
    choice_id,
    key_of,
    public_view,
    score,
)


def options(*specs, **extra):
    return [
        {"key": k, "text_zh": f"选项{k}", "text_en": f"Option {k}", **s, **extra} for k, s in specs
    ]


def item(item_type, **fields):
    return {"type": item_type, "stem_zh": "<p>题干</p>", "stem_en": "<p>Stem</p>", **fields}


SINGLE = item(
    c.SINGLE_CHOICE,
    options=options(("A", {"correct": False}), ("B", {"correct": True}), ("C", {"correct": False})),
)
MR = item(
    c.MULTIPLE_RESPONSE,
    scoring=c.MR_PARTIAL,
    options=options(*[(k, {"correct": k in "ABD"}) for k in "ABCDE"]),
)


def credit(doc, response):
    return score(doc, response).credit


# --- single choice, true/false ------------------------------------------------------------------


def test_single_choice():
    assert credit(SINGLE, "B") == 1.0
    assert credit(SINGLE, "A") == 0.0
    assert credit(SINGLE, None) == 0.0
    with pytest.raises(ResponseError, match="'Z' is not an option"):
        score(SINGLE, "Z")
    with pytest.raises(ResponseError):
        score(SINGLE, ["B"])


def test_single_choice_with_moodle_fractions_including_negative():
    doc = item(
        c.SINGLE_CHOICE,
        options=options(
            ("A", {"fraction": 1.0}), ("B", {"fraction": 0.5}), ("C", {"fraction": -0.33333})
        ),
    )
    assert credit(doc, "A") == 1.0
    assert credit(doc, "B") == 0.5
    assert credit(doc, "C") == 0.0  # a negative grade penalises, but an item never scores below 0


def test_single_choice_that_cannot_earn_full_marks_is_invalid():
    doc = item(c.SINGLE_CHOICE, options=options(("A", {"fraction": 0.5}), ("B", {"fraction": 0.0})))
    with pytest.raises(InvalidItem, match="no option is worth 100%"):
        score(doc, "A")


def test_true_false():
    doc = item(c.TRUE_FALSE, options=options(("T", {"correct": False}), ("F", {"correct": True})))
    assert credit(doc, "F") == 1.0 and credit(doc, "T") == 0.0


# --- multiple response: the partial-credit formula and its edges ----------------------------------


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (["A", "B", "D"], 1.0),  # exactly the key
        (["A", "B"], 2 / 3),
        (["A", "B", "D", "C"], 2 / 3),  # (3 − 1) / 3
        (["A", "C"], 0.0),  # (1 − 1) / 3
        (["C", "E"], 0.0),  # all wrong chosen: floored at 0, not −2/3
        ([], 0.0),  # none chosen
        (["A", "B", "C", "D", "E"], 1 / 3),  # all chosen: (3 − 2) / 3
    ],
)
def test_multiple_response_partial_credit(chosen, expected):
    assert credit(MR, chosen) == pytest.approx(expected)


def test_multiple_response_all_chosen_when_every_option_is_correct():
    doc = item(c.MULTIPLE_RESPONSE, options=options(*[(k, {"correct": True}) for k in "AB"]))
    assert credit(doc, ["A", "B"]) == 1.0


def test_multiple_response_with_moodle_fractions_and_negative_weights():
    doc = item(
        c.MULTIPLE_RESPONSE,
        scoring=c.MR_FRACTIONS,
        options=options(
            ("A", {"fraction": -0.5}),
            ("B", {"fraction": 0.5}),
            ("C", {"fraction": 0.5}),
            ("D", {"fraction": -0.5}),
        ),
    )
    assert credit(doc, ["B", "C"]) == 1.0
    assert credit(doc, ["B"]) == 0.5
    assert credit(doc, ["A", "B"]) == 0.0
    assert credit(doc, ["A", "D"]) == 0.0  # all wrong: floored
    assert credit(doc, ["A", "B", "C", "D"]) == 0.0  # all chosen
    assert credit(doc, []) == 0.0


@pytest.mark.parametrize(
    ("fractions", "message"),
    [
        (
            [0.33, 0.3333333, 0.3333333, -0.5],
            "add up to 99.67%",
        ),  # Moodle's invalid-grades fixture
        ([1.0, 1.0, 0.0], "add up to 200.00%"),
        ([0.5, 0.0, -1.0], "add up to 50.00%"),
        ([1.5, -0.5], "between -100% and 100%"),
    ],
)
def test_fractions_that_cannot_make_a_full_mark_are_refused(fractions, message):
    doc = item(
        c.MULTIPLE_RESPONSE,
        scoring=c.MR_FRACTIONS,
        options=options(*[(chr(65 + i), {"fraction": f}) for i, f in enumerate(fractions)]),
    )
    assert any(message in p for p in c.validate_content(doc))
    with pytest.raises(InvalidItem):
        score(doc, [])


def test_multiple_response_all_or_nothing():
    doc = {**MR, "scoring": c.MR_ALL_OR_NOTHING}
    assert credit(doc, ["A", "B", "D"]) == 1.0
    assert credit(doc, ["A", "B"]) == 0.0


def test_multiple_response_rejects_a_repeated_or_unknown_key():
    with pytest.raises(ResponseError, match="twice"):
        score(MR, ["A", "A"])
    with pytest.raises(ResponseError):
        score(MR, "ABD")


@given(st.sets(st.sampled_from("ABCDE")))
def test_partial_credit_formula_matches_its_definition(chosen):
    correct = set("ABD")
    expected = max(0.0, (len(chosen & correct) - len(chosen - correct)) / len(correct))
    result = score(MR, sorted(chosen))
    assert result.credit == pytest.approx(expected)
    assert 0.0 <= result.credit <= 1.0


# --- numeric ----------------------------------------------------------------------


NUMERIC = item(
    c.NUMERIC,
    numeric={
        "unit": "% vol",
        "answers": [
            {"answer": 1.25, "tolerance": 0.01, "fraction": 1.0},
            {"min": 1.0, "max": 2.0, "fraction": 0.5},
            {"any": True, "fraction": 0.0},
        ],
    },
)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (1.25, 1.0),
        (1.26, 1.0),
        (1.24, 1.0),
        (1.2601, 0.5),
        ("1.25", 1.0),
        ("１．２５", 1.0),
        ("1.25 % vol", 1.0),
        (2.0, 0.5),
        (2.01, 0.0),
        (None, 0.0),
        ("", 0.0),
    ],
)
def test_numeric_tolerance_and_ranges(response, expected):
    assert credit(NUMERIC, response) == expected


def test_numeric_zero_tolerance_survives_floating_point():
    doc = item(c.NUMERIC, numeric={"answers": [{"answer": 0.3, "tolerance": 0, "fraction": 1.0}]})
    assert credit(doc, 0.1 + 0.2) == 1.0


@pytest.mark.parametrize("response", ["abc", "1,25", float("nan"), float("inf"), True, [1]])
def test_numeric_refuses_what_is_not_a_number(response):
    with pytest.raises(ResponseError):
        score(NUMERIC, response)


# --- short answer: Chinese full-width / half-width, case, wildcards ------------------------------


SHORT = item(
    c.SHORT_ANSWER,
    short_answers=[
        {"text_zh": "个人信息保护法", "text_en": "PIPL", "fraction": 1.0},
        {"text_zh": "个保*", "text_en": "", "fraction": 0.5},
    ],
)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("PIPL", 1.0),
        ("pipl", 1.0),
        ("ＰＩＰＬ", 1.0),
        (" PIPL　", 1.0),
        ("个人信息保护法", 1.0),
        ("个保法", 0.5),
        ("个人信息", 0.0),
        ("", 0.0),
        (None, 0.0),
    ],
)
def test_short_answer_is_width_and_case_insensitive(response, expected):
    assert credit(SHORT, response) == expected


def test_short_answer_case_sensitive_and_escaped_star():
    doc = item(
        c.SHORT_ANSWER,
        case_sensitive=True,
        short_answers=[{"text_zh": "", "text_en": "A\\*B", "fraction": 1.0}],
    )
    assert credit(doc, "A*B") == 1.0
    assert credit(doc, "a*b") == 0.0
    assert credit(doc, "AxB") == 0.0


# --- matching and ordering ------------------------------------------------------------------------


MATCHING = item(
    c.MATCHING,
    pairs=[
        {"left_zh": "市级", "right_zh": "城市大脑"},
        {"left_zh": "区县", "right_zh": "实战枢纽"},
        {"left_zh": "镇街", "right_zh": "执行末端"},
        {"left_zh": "", "right_zh": "数据仓库"},
    ],
)


def test_matching_partial_credit_and_distractors():
    right = {p["right_zh"]: choice_id(p["right_zh"], "") for p in MATCHING["pairs"]}
    perfect = {"1": right["城市大脑"], "2": right["实战枢纽"], "3": right["执行末端"]}
    assert credit(MATCHING, perfect) == 1.0
    assert credit(MATCHING, {**perfect, "3": right["数据仓库"]}) == pytest.approx(2 / 3)
    assert credit(MATCHING, {"1": right["实战枢纽"]}) == 0.0
    with pytest.raises(ResponseError):
        score(MATCHING, {"4": right["数据仓库"]})  # the distractor has no left side
    with pytest.raises(ResponseError):
        score(MATCHING, {"1": "c-unknown"})


ORDERING = item(c.ORDERING, sequence=[{"text_zh": t} for t in ("响应", "核实", "派员", "办结")])
IDS = [choice_id(t, "") for t in ("响应", "核实", "派员", "办结")]


@pytest.mark.parametrize(
    ("mode", "order", "expected"),
    [
        (c.ORDER_RELATIVE, [0, 1, 2, 3], 1.0),
        (c.ORDER_RELATIVE, [1, 0, 2, 3], 5 / 6),
        (c.ORDER_RELATIVE, [3, 2, 1, 0], 0.0),
        (c.ORDER_ABSOLUTE, [1, 0, 2, 3], 0.5),
        (c.ORDER_ALL_OR_NOTHING, [1, 0, 2, 3], 0.0),
        (c.ORDER_ALL_OR_NOTHING, [0, 1, 2, 3], 1.0),
    ],
)
def test_ordering_modes(mode, order, expected):
    assert credit({**ORDERING, "scoring": mode}, [IDS[i] for i in order]) == pytest.approx(expected)


def test_ordering_must_place_every_step_once():
    with pytest.raises(ResponseError, match="exactly once"):
        score(ORDERING, IDS[:3])
    with pytest.raises(ResponseError):
        score(ORDERING, [IDS[0], *IDS[:3]])


# --- situational judgement -----------------------------------------------------------------------


BEST_WORST = item(
    c.SJT_BEST_WORST,
    worst_key="A",
    options=options(
        ("A", {"score": -2}), ("B", {"score": -1}), ("C", {"score": 2}), ("D", {"score": 0})
    ),
)


@pytest.mark.parametrize(
    ("response", "points"),
    [
        ({"best": "C", "worst": "A"}, 3.0),  # best option's score + 1 for the keyed worst
        ({"best": "C", "worst": "B"}, 2.0),
        ({"best": "D", "worst": "A"}, 1.0),
        ({"best": "A", "worst": "C"}, -2.0),
        ({"best": "C"}, 2.0),  # worst not given
        ({"worst": "A"}, -1.0),  # best not given: the least favourable best
        (None, -2.0),
    ],
)
def test_best_worst(response, points):
    result = score(BEST_WORST, response)
    assert result.points == points
    assert (result.min_points, result.max_points) == (-2.0, 3.0)
    assert result.credit == pytest.approx((points + 2) / 5)


def test_best_worst_refuses_the_same_option_as_best_and_worst():
    with pytest.raises(ResponseError, match="both the best and the worst"):
        score(BEST_WORST, {"best": "C", "worst": "C"})
    with pytest.raises(ResponseError):
        score(BEST_WORST, {"best": "Z", "worst": "A"})


def test_best_worst_key_must_be_the_lowest_scored_option():
    doc = {**BEST_WORST, "worst_key": "B"}
    assert any("another option scores lower" in p for p in c.validate_content(doc))
    doc = {
        **BEST_WORST,
        "options": options(("A", {"score": 3}), ("B", {"score": 0}), ("C", {"score": 1})),
    }
    assert any("between −2 and +2" in p for p in c.validate_content(doc))


RATE = item(
    c.SJT_RATE,
    options=options(("A", {"sme_mean": 1.8}), ("B", {"sme_mean": 1.2}), ("C", {"sme_mean": 5.6})),
)


def test_rating_distance_scoring():
    result = score(RATE, {"A": 2, "B": 1, "C": 6})
    assert result.points == pytest.approx(-(0.2 + 0.2 + 0.4))
    assert result.credit == 1.0  # the closest whole-number ratings
    far = score(RATE, {"A": 6, "B": 6, "C": 1})
    assert far.points == pytest.approx(-(4.2 + 4.8 + 4.6))
    assert far.credit == 0.0


def test_an_unrated_option_costs_the_largest_distance():
    skipped = score(RATE, {"A": 2, "B": 1})
    assert skipped.points == pytest.approx(-(0.2 + 0.2 + 4.6))
    assert score(RATE, None).credit == 0.0


@pytest.mark.parametrize("rating", [0, 7, 3.5, "4", True])
def test_ratings_off_the_scale_are_refused(rating):
    with pytest.raises(ResponseError, match="option A"):
        score(RATE, {"A": rating, "B": 1, "C": 6})


@given(st.dictionaries(st.sampled_from("ABC"), st.integers(1, 6)))
def test_rating_credit_is_between_zero_and_one(ratings):
    assert 0.0 <= score(RATE, ratings).credit <= 1.0


# --- the public view ------------------------------------------------------------


SECRET = "SECRET-KEY-TEXT"
FORBIDDEN_KEYS = {
    "correct",
    "fraction",
    "score",
    "sme_mean",
    "feedback",
    "worst_key",
    "rationale",
    "answers",
    "answer",
    "tolerance",
    "short_answers",
    "pairs",
    "sequence",
    "scoring",
    "case_sensitive",
    "feedback_zh",
    "feedback_en",
    "rationale_zh",
    "rationale_en",
}


def _all_keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _all_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _all_keys(inner)


def _secret_items(seed_text: str):
    secret = f"{SECRET}{seed_text}"
    feedback = {"feedback_zh": secret, "feedback_en": secret}
    common = {
        "rationale_zh": secret,
        "rationale_en": secret,
        "feedback": {"correct_zh": secret, "incorrect_en": secret},
    }
    yield item(
        c.SINGLE_CHOICE,
        **common,
        options=options(
            ("A", {"correct": True, **feedback}), ("B", {"correct": False, **feedback})
        ),
    )
    yield item(
        c.MULTIPLE_RESPONSE,
        **common,
        scoring=c.MR_FRACTIONS,
        options=options(
            ("A", {"fraction": 1.0, **feedback}), ("B", {"fraction": -0.5, **feedback})
        ),
    )
    yield item(
        c.TRUE_FALSE,
        **common,
        options=options(("T", {"correct": True, **feedback}), ("F", {"correct": False})),
    )
    yield item(
        c.NUMERIC,
        **common,
        numeric={
            "unit": "m",
            "answers": [{"answer": 98765.4321, "tolerance": 0.5, "fraction": 1.0, **feedback}],
        },
    )
    yield item(
        c.SHORT_ANSWER,
        **common,
        short_answers=[{"text_zh": secret, "text_en": secret, "fraction": 1.0, **feedback}],
    )
    yield item(
        c.SJT_BEST_WORST,
        **common,
        worst_key="A",
        options=options(("A", {"score": -2}), ("B", {"score": 1.75}), ("C", {"score": 2})),
    )
    yield item(
        c.SJT_RATE,
        **common,
        options=options(("A", {"sme_mean": 4.321}), ("B", {"sme_mean": 1.234})),
    )
    yield item(
        c.MATCHING,
        **common,
        pairs=[{"left_zh": "甲", "right_zh": "乙"}, {"left_zh": "丙", "right_zh": "丁"}],
    )
    yield item(
        c.ORDERING, **common, sequence=[{"text_zh": "一"}, {"text_zh": "二"}, {"text_zh": "三"}]
    )


@settings(max_examples=25)
@given(st.text(alphabet="abcXYZ数智", max_size=8))
def test_public_view_never_carries_a_key_field_or_key_value(seed_text):
    for doc in _secret_items(seed_text):
        assert not c.validate_content(doc), doc["type"]
        view = public_view(doc)
        text = json.dumps(view, ensure_ascii=False)
        assert not FORBIDDEN_KEYS & set(_all_keys(view)), doc["type"]
        for leaked in (SECRET, "98765", "4.321", "1.234", "1.75"):
            assert leaked not in text, (doc["type"], leaked)


def test_public_view_does_not_reveal_the_order_or_the_pairs():
    view = public_view(ORDERING)
    assert [s["id"] for s in view["steps"]] == sorted(IDS)
    matching = public_view(MATCHING)
    assert [r["id"] for r in matching["rights"]] == sorted(r["id"] for r in matching["rights"])
    assert len(matching["lefts"]) == 3 and len(matching["rights"]) == 4


def test_the_key_earns_full_credit_for_every_type():
    for doc in _secret_items(""):
        assert score(doc, key_of(doc)["response"]).correct, doc["type"]


def test_content_that_is_not_an_item_is_refused():
    with pytest.raises(InvalidItem):
        score({"type": "essay"}, "text")
    with pytest.raises(InvalidItem, match="stem is empty"):
        score({**SINGLE, "stem_zh": "", "stem_en": "<p> </p>"}, "B")


def test_problem_messages_keep_their_template_through_copies_and_pickles():
    import copy
    import pickle

    doc = {**SINGLE, "options": options(("A", {"correct": False}), ("B", {"correct": False}))}
    (problem,) = c.validate_content(doc)
    assert problem == "exactly one option must be correct (found 0)"
    pickled = pickle.loads(pickle.dumps(problem))  # noqa: S301 - our own bytes
    for clone in (copy.deepcopy(problem), copy.copy(problem), pickled):
        assert clone == problem
        assert (clone.template, clone.params) == (problem.template, problem.params)
