"""Learning gain and course recommendations (a pure core: no Django).

Both take their course data as an explicit input, so they are tested on their own and the
courses app only has to supply completions and a catalogue (analytics.selectors wires them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd


def learning_gain(levels: pd.DataFrame, completed: Iterable[tuple[int, int]]) -> pd.DataFrame:
    """Gain of cadres who completed a course training a competency, against comparable cadres
    who did not, per competency.

    ``levels`` has one row per cadre × competency with ``before`` and ``after`` (fused levels at
    the start and end of the window) and ``stratum`` (what makes cadres comparable, e.g.
    position and age band). ``completed`` holds (cadre_id, competency_id) pairs: the cadre
    completed, within the window, a course that trains the competency.

    The comparison is exact stratification: within each stratum the mean gain of completers is
    compared with the mean gain of non-completers, and the differences are averaged with the
    completers' counts as weights (the average effect on the treated). Strata without both
    groups are dropped, so a difference is never between incomparable cadres.
    Returns per competency: n_treated, n_control, gain_treated, gain_control, difference.
    """
    columns = [
        "competency_id",
        "n_treated",
        "n_control",
        "gain_treated",
        "gain_control",
        "difference",
    ]
    frame = levels.dropna(subset=["before", "after"]).copy()
    if frame.empty:
        return pd.DataFrame(columns=columns)
    done = set(completed)
    frame["gain"] = frame["after"] - frame["before"]
    frame["treated"] = [
        (c, k) in done for c, k in zip(frame["cadre_id"], frame["competency_id"], strict=True)
    ]
    per = frame.groupby(["competency_id", "stratum", "treated"])["gain"].agg(["count", "mean"])
    per = per.unstack("treated")
    rows = []
    for competency_id, strata in per.groupby(level="competency_id"):
        if (True not in strata["count"]) or (False not in strata["count"]):
            continue
        both = strata.dropna(subset=[("count", True), ("count", False)])
        if both.empty:
            continue
        n_t = both[("count", True)].to_numpy(float)
        n_c = both[("count", False)].to_numpy(float)
        g_t = both[("mean", True)].to_numpy(float)
        g_c = both[("mean", False)].to_numpy(float)
        rows.append(
            {
                "competency_id": competency_id,
                "n_treated": int(n_t.sum()),
                "n_control": int(n_c.sum()),
                "gain_treated": float(np.average(g_t, weights=n_t)),
                "gain_control": float(np.average(g_c, weights=n_t)),
                "difference": float(np.average(g_t - g_c, weights=n_t)),
            }
        )
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class CourseOffer:
    """A course as recommendations need it: what it trains, and its title and address."""

    course_id: int
    title: str
    url: str
    competency_ids: frozenset[int]


def recommend_courses(
    weighted_gaps: Mapping[int, float],
    courses: Iterable[CourseOffer],
    completed: Iterable[int] = (),
    limit: int = 3,
) -> list[CourseOffer]:
    """Courses that train the cadre's largest weighted gaps (w·g per competency), excluding
    courses already completed. A course scores the sum of the weighted gaps it trains; ties go
    to the course that trains fewer competencies (more focused), then by id (stable)."""
    done = set(completed)
    scored = []
    for course in courses:
        if course.course_id in done:
            continue
        score = sum(weighted_gaps.get(c, 0.0) for c in course.competency_ids)
        if score > 0:
            scored.append((-score, len(course.competency_ids), course.course_id, course))
    scored.sort(key=lambda item: item[:3])
    return [course for *_key, course in scored[:limit]]
