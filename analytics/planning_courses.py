"""The course seam of the training plan: which courses train which competencies, and who completed
which. Until ``courses.selectors`` exists the catalogue comes from
``settings.SHUZHI_PLANNING_COURSES`` (a list of dicts with the fields of :class:`CourseOption`) or
else from the shipped course files (``courses/content/*.json``: competencies, target level,
credit hours); nobody has completed any. Switching to the courses app changes this module only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

CONTENT_DIR = Path(settings.BASE_DIR) / "courses" / "content"


def english() -> bool:
    return (get_language() or "").startswith("en")


@dataclass(frozen=True)
class CourseOption:
    key: str
    module: str
    title_zh: str
    title_en: str
    codes: tuple[str, ...]  # competencies it trains
    target_level: int
    hours: float

    @property
    def title(self) -> str:
        return self.title_en if english() and self.title_en else self.title_zh

    @property
    def label(self) -> str:
        return f"{self.module} {self.title}".strip()


def course_catalogue() -> list[CourseOption]:
    """Courses that train competencies (the seam to ``courses.selectors``)."""
    configured = getattr(settings, "SHUZHI_PLANNING_COURSES", None)
    if configured is not None:
        return [CourseOption(**{**c, "codes": tuple(c["codes"])}) for c in configured]
    return [_from_content(path) for path in sorted(CONTENT_DIR.glob("*.json"))]


def _from_content(path: Path) -> CourseOption:
    data = json.loads(path.read_text(encoding="utf-8"))
    return CourseOption(
        key=data["slug"],
        module=data.get("module", ""),
        title_zh=data["title"]["zh"],
        title_en=data["title"].get("en", ""),
        codes=tuple(data["competencies"]),
        target_level=int(data["target_level"]),
        hours=float(data["credit_hours"]),
    )


def completed_courses(cadre_ids: list[int]) -> set[tuple[int, str]]:
    """(cadre id, course key) pairs already completed; none until the courses app records them."""
    return set()
