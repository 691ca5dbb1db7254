"""Learning gain (stratified comparison) and course recommendations (pure functions)."""

from __future__ import annotations

import pandas as pd

from analytics.learning import CourseOffer, learning_gain, recommend_courses


def test_gain_compares_completers_with_comparable_cadres_only():
    levels = pd.DataFrame(
        [
            # stratum "a": completers gain 1.0, others 0.2
            (1, 5, 2.0, 3.0, "a"),
            (2, 5, 2.0, 3.0, "a"),
            (3, 5, 2.0, 2.2, "a"),
            # stratum "b": only non-completers (no comparison possible → dropped)
            (4, 5, 3.0, 3.9, "b"),
            # stratum "c": completer gains 0.5, other 0.5
            (5, 5, 2.0, 2.5, "c"),
            (6, 5, 2.0, 2.5, "c"),
        ],
        columns=["cadre_id", "competency_id", "before", "after", "stratum"],
    )
    out = learning_gain(levels, {(1, 5), (2, 5), (5, 5)})
    (row,) = out.to_dict("records")
    assert row["n_treated"] == 3 and row["n_control"] == 2
    # ATT: (2 × 0.8 + 1 × 0.0) / 3
    assert abs(row["difference"] - 1.6 / 3) < 1e-9


def test_no_completions_means_no_gain_rows():
    levels = pd.DataFrame(
        [(1, 5, 2.0, 3.0, "a")], columns=["cadre_id", "competency_id", "before", "after", "stratum"]
    )
    assert learning_gain(levels, set()).empty


def test_recommendations_follow_largest_weighted_gaps_and_skip_completed():
    courses = [
        CourseOffer(1, "Data quality", "/c/1", frozenset({21})),
        CourseOffer(2, "Security", "/c/2", frozenset({42})),
        CourseOffer(3, "Everything", "/c/3", frozenset({21, 42, 12})),
        CourseOffer(4, "No gap here", "/c/4", frozenset({99})),
    ]
    gaps = {21: 6.0, 42: 0.0, 12: 3.0}
    assert [c.course_id for c in recommend_courses(gaps, courses)] == [3, 1]
    assert [c.course_id for c in recommend_courses(gaps, courses, completed={3})] == [1]
