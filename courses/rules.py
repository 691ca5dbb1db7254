"""The two rules a reviewer must be able to read in one place. Pure Python (no Django).

* **Active time** (credit hours): the browser sends a heartbeat while the lesson is visible and
  the cadre has touched the page recently; the server never trusts a duration the client
  reports. Each heartbeat adds the time since the previous one, capped at ``cap`` seconds; a gap
  longer than ``idle_limit`` (the cadre walked away, closed the laptop, or the heartbeat was
  forged late) adds nothing.
* **Scenario evidence**: the per-competency sum of option scores along the cadre's path,
  normalised by the best possible sum, is placed on the 1–5 level scale relative to the level
  the course aims for (see :func:`evidence_levels` and docs/courses.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAX_OPTION_SCORE = 2


def active_increment(gap_seconds: float | None, *, cap: float, idle_limit: float) -> int:
    """Seconds of active time a heartbeat arriving ``gap_seconds`` after the previous adds."""
    if gap_seconds is None or gap_seconds <= 0 or gap_seconds > idle_limit:
        return 0
    return int(min(gap_seconds, cap))


def lesson_complete(
    required: Iterable[str], done: Iterable[str], active_seconds: int, min_active_minutes: int
) -> bool:
    """A lesson counts once every required activity is done and the minimum active time passed."""
    return set(required) <= set(done) and active_seconds >= min_active_minutes * 60


@dataclass(frozen=True)
class EvidenceLevel:
    competency: str
    value: float  # on the 1–5 level scale
    decisions: int  # how many choices on the path evidenced this competency


def evidence_levels(
    path_scores: Iterable[Mapping[str, int]], target_level: int
) -> list[EvidenceLevel]:
    """Map the scores of the chosen options (one mapping per decision taken) to level values.

    For each competency scored on the path: ``ratio = sum / (2 × n)`` in [−1, 1], where n is the
    number of chosen options that scored it; ``value = target_level − 1 + ratio``, clamped to
    1–5 and rounded to one decimal. Consistently best choices evidence the target level, neutral
    choices one level below, consistently harmful ones two below. Competencies no chosen option
    scored yield no evidence (silence is not evidence).
    """
    sums: dict[str, int] = {}
    counts: dict[str, int] = {}
    for scores in path_scores:
        for code, score in scores.items():
            sums[code] = sums.get(code, 0) + int(score)
            counts[code] = counts.get(code, 0) + 1
    levels = []
    for code in sorted(sums):
        ratio = sums[code] / (MAX_OPTION_SCORE * counts[code])
        value = min(5.0, max(1.0, target_level - 1 + ratio))
        levels.append(EvidenceLevel(code, round(value, 1), counts[code]))
    return levels
