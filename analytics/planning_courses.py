"""The course seam of the training plan: which courses train which competencies (the published
catalogue of ``courses.selectors``, in the reader's language) and who completed which. Courses
are keyed by their translation key, the same in Chinese and English.
"""

from __future__ import annotations

from dataclasses import dataclass

from courses.selectors import catalogue, completed_course_keys


@dataclass(frozen=True)
class CourseOption:
    key: str
    module: str
    title: str
    codes: tuple[str, ...]  # competencies it trains
    target_level: int
    hours: float

    @property
    def label(self) -> str:
        return f"{self.module} {self.title}".strip()


def course_catalogue() -> list[CourseOption]:
    """Published courses that train at least one competency."""
    return [
        CourseOption(
            key=str(course.translation_key),
            module=course.module,
            title=course.title,
            codes=tuple(sorted(c.code for c in course.competencies.all())),
            target_level=int(course.target_level),
            hours=float(course.credit_hours),
        )
        for course in catalogue()
        if course.competencies.all()
    ]


def completed_courses(cadre_ids: list[int]) -> set[tuple[int, str]]:
    """(cadre id, course key) pairs already completed: never assigned again."""
    return completed_course_keys(cadre_ids)
