"""T2: Moodle's own quiz-statistics fixture, reproduced to 1e-6 relative.

Moodle ships independently calculated statistics for a 25-attempt, 7-slot quiz
(moodle/moodle ``mod/quiz/report/statistics/tests/``): the marks in ``fixtures/results00.csv``,
per-slot statistics in ``fixtures/qstats00.csv`` and the quiz statistics inside
``stats_from_steps_walkthrough_test.php`` (Moodle checks them at 1e-5 … 1.5e-5).

Those files are GPL-3.0-or-later; Shuzhi is AGPL-3.0-or-later and GPLv3 §13 permits the
combination, so a copy with its notice lives in ``fixtures/moodle/`` (see NOTICE.md there).
``$SHUZHI_MOODLE_STATS_FIXTURES`` may point at another copy (e.g. a Moodle checkout's tests/).
"""

import csv
import os
import re
from pathlib import Path

import numpy as np
import pytest

from assessments.psychometrics.ctt import item_statistics, total_statistics

FILES = ("results00.csv", "qstats00.csv", "stats_from_steps_walkthrough_test.php")
DEFAULT = Path(__file__).resolve().parent / "fixtures" / "moodle"
FIXTURES = Path(os.environ.get("SHUZHI_MOODLE_STATS_FIXTURES", DEFAULT))


def locate(name: str) -> Path:
    """A flat copy, or Moodle's own layout (CSV files under fixtures/) when pointed at tests/."""
    flat = FIXTURES / name
    return flat if flat.is_file() else FIXTURES / "fixtures" / name


missing = [name for name in FILES if not locate(name).is_file()]
pytestmark = pytest.mark.skipif(
    bool(missing),
    reason=(
        f"Moodle's quiz-statistics fixture is not at {FIXTURES} (missing {', '.join(missing)}); "
        "copy results00.csv, qstats00.csv and stats_from_steps_walkthrough_test.php from "
        "moodle/moodle mod/quiz/report/statistics/tests/ there, or point "
        "SHUZHI_MOODLE_STATS_FIXTURES at that directory of a Moodle checkout"
    ),
)

ITEM_FIELDS = {
    "facility": "facility",
    "sd": "sd",
    "effectiveweight": "effective_weight",
    "covariance": "covariance",
    "markvariance": "mark_variance",
    "othermarkvariance": "other_mark_variance",
    "discriminationindex": "discrimination_index",
    "covariancemax": "covariance_max",
    "discriminativeefficiency": "discriminative_efficiency",
}
QUIZ_FIELDS = {
    "median": "median",
    "firstattemptsavg": "average",
    "allattemptsavg": "average",
    "firstattemptscount": "n",
    "allattemptscount": "n",
    "standarddeviation": "standard_deviation",
    "skewness": "skewness",
    "kurtosis": "kurtosis",
    "cic": "cic",
    "errorratio": "error_ratio",
    "standarderror": "standard_error",
}
RELATIVE = 1e-6


def read_marks():
    with open(locate("results00.csv"), newline="") as handle:
        rows = list(csv.DictReader(handle))
    slots = sorted(
        int(m.group(1)) for key in rows[0] if (m := re.fullmatch(r"slots\.(\d+)\.mark", key))
    )
    return slots, np.array([[float(row[f"slots.{s}.mark"]) for s in slots] for row in rows])


def expected_quiz_statistics():
    text = locate("stats_from_steps_walkthrough_test.php").read_text(encoding="utf-8")
    block = re.search(r"\$quizstatsexpected\s*=\s*(?:array\(|\[)(.*?)(?:\)|\]);", text, re.S)
    assert block, "the PHP test no longer holds $quizstatsexpected"
    pairs = re.findall(r"'(\w+)'\s*=>\s*(-?[\d.]+(?:[eE]-?\d+)?)", block.group(1))
    return {name: float(value) for name, value in pairs}


def test_item_statistics_match_moodles_independent_calculation():
    slots, marks = read_marks()
    ours = {int(s.slot): s for s in item_statistics(marks, slots=[str(s) for s in slots])}
    with open(locate("qstats00.csv"), newline="") as handle:
        expected_rows = list(csv.DictReader(handle))
    checked = 0
    for row in expected_rows:
        if row.get("subqname") or row.get("variant"):
            continue  # random-question and variant breakdowns are not part of our model
        stats = ours[int(row["slot"])]
        for column, attribute in ITEM_FIELDS.items():
            if row.get(column, "") in ("", None):
                continue
            assert getattr(stats, attribute) == pytest.approx(float(row[column]), rel=RELATIVE), (
                f"{column} of slot {row['slot']}"
            )
            checked += 1
    assert checked >= 7 * len(ITEM_FIELDS)


def test_quiz_statistics_match_moodles_independent_calculation():
    _, marks = read_marks()
    ours = total_statistics(marks)
    expected = expected_quiz_statistics()
    assert set(expected) <= set(QUIZ_FIELDS)
    for name, value in expected.items():
        assert getattr(ours, QUIZ_FIELDS[name]) == pytest.approx(value, rel=RELATIVE), name
