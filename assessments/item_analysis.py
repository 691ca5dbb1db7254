"""The item-analysis report of a form: Moodle's classical statistics per item with its
"dubious" flags, computed by the pure CTT engine from the form's graded attempts.

Classical item–rest statistics need every attempt to have answered the same items. A fixed form
that draws from pools gives attempts different items, so the report analyses the largest group
of graded attempts that saw exactly the same item versions (and says how many that is);
adaptive forms are analysed by IRT calibration instead (``calibration_runs``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .models import AssessmentForm, AttemptItem, AttemptStatus
from .psychometrics.ctt import ItemStatistics, TotalStatistics, item_statistics, total_statistics


@dataclass(frozen=True)
class Row:
    label: str
    competency: str
    stats: ItemStatistics


@dataclass(frozen=True)
class Report:
    attempts_graded: int
    attempts_analysed: int
    rows: list[Row]
    total: TotalStatistics | None


def form_report(form: AssessmentForm) -> Report:
    data = AttemptItem.objects.filter(
        attempt__form=form, attempt__status=AttemptStatus.GRADED
    ).values_list(
        "attempt_id",
        "version_id",
        "credit",
        "version__item__ref",
        "version__number",
        "competency__code",
    )
    by_attempt: dict[int, dict[int, float]] = {}
    labels: dict[int, tuple[str, str]] = {}
    for attempt_id, version_id, credit, ref, number, code in data:
        by_attempt.setdefault(attempt_id, {})[version_id] = credit or 0.0
        labels[version_id] = (f"{ref or version_id} v{number}", code)
    if not by_attempt:
        return Report(0, 0, [], None)
    sets = Counter(frozenset(items) for items in by_attempt.values())
    common, count = sets.most_common(1)[0]
    versions = sorted(common, key=lambda v: labels[v])
    marks = np.array(
        [
            [items[v] for v in versions]
            for items in by_attempt.values()
            if frozenset(items) == common
        ]
    )
    stats = item_statistics(marks, slots=[labels[v][0] for v in versions])
    rows = [Row(labels[v][0], labels[v][1], s) for v, s in zip(versions, stats, strict=True)]
    total = total_statistics(marks) if count > 1 else None
    return Report(len(by_attempt), count, rows, total)
