"""The course seam of the training plan: which courses train which competencies, and who completed
which. Until ``courses.selectors`` exists the catalogue comes from
``settings.SHUZHI_PLANNING_COURSES`` (a list of dicts with the fields of :class:`CourseOption`) or
falls back to the fifteen scenario modules of competency-model.md §5; nobody has completed any.
Switching to the courses app changes this module only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language


def english() -> bool:
    return (get_language() or "").startswith("en")


@dataclass(frozen=True)
class CourseOption:
    key: str
    title_zh: str
    title_en: str
    codes: tuple[str, ...]
    target_level: int
    hours: float

    @property
    def title(self) -> str:
        return self.title_en if english() and self.title_en else self.title_zh


# The scenario modules of competency-model.md §5 ("Trains" lists): the catalogue until the
# courses app provides one. Target level 3 (善用) and 4 hours each are planning assumptions.
DEMO_MODULES = (
    ("M01", "“一屏统管”协同保障", "One-screen coordination", "D3.2 D2.3 D2.4 D6.4 D1.3"),
    (
        "M02",
        "“一网”智能组件减表减负",
        "One-network component to cut reporting",
        "D3.4 D2.1 D4.1 D5.1 D5.3",
    ),
    ("M03", "“渝快办”一件事一次办", "Yukuaiban: “one thing”", "D3.1 D4.1 D3.3 D5.1"),
    ("M04", "化粪池甲烷物联监测与处置", "Septic-tank methane alerts", "D2.3 D3.2 D6.4 D4.2"),
    (
        "M05",
        "千万级物联感知网络治理",
        "Governing a city-scale sensing network",
        "D2.3 D2.1 D5.3 D4.2 D6.4",
    ),
    ("M06", "森林防灭火“1-3-5”", "Forest-fire prevention 1-3-5", "D2.3 D3.2 D6.4 D1.2 D4.4"),
    (
        "M07",
        "三级治理中心:定位与闭环",
        "Three-level centres and the closed loop",
        "D3.2 D1.2 D2.4 D6.4",
    ),
    ("M08", "打破数据孤岛与部门壁垒", "Breaking data silos", "D4.1 D6.2 D2.1 D5.3"),
    ("M09", "“云长制”", "The “cloud chief” mechanism", "D6.1 D6.2 D4.1 D5.2 D5.3"),
    ("M10", "适老化与数字包容", "Age-friendly and inclusive services", "D3.3 D4.4 D3.1 D1.3"),
    ("M11", "智能制造“33618”", "Smart manufacturing and 33618", "D3.5 D2.4 D5.1 D6.1"),
    (
        "M12",
        "AI+国土空间规划与民意数据",
        "AI-assisted spatial planning",
        "D1.4 D1.1 D2.2 D2.4 D4.4 D4.2",
    ),
    ("M13", "数据确权、流通与交易", "Data rights, circulation and trading", "D4.3 D4.2 D4.4 D5.2"),
    ("M14", "数据安全与个人信息保护事件处置", "Data-security incidents", "D4.2 D4.4 D1.4 D6.4"),
    ("M15", "复合型人才短板与梯队建设", "Closing the composite-talent gap", "D6.3 D6.2 D2.4"),
)


def course_catalogue() -> list[CourseOption]:
    """Courses that train competencies (the seam to ``courses.selectors``)."""
    configured = getattr(settings, "SHUZHI_PLANNING_COURSES", None)
    if configured is not None:
        return [CourseOption(**{**c, "codes": tuple(c["codes"])}) for c in configured]
    return [
        CourseOption(key, zh, en, tuple(codes.split()), 3, 4.0)
        for key, zh, en, codes in DEMO_MODULES
    ]


def completed_courses(cadre_ids: list[int]) -> set[tuple[int, str]]:
    """(cadre id, course key) pairs already completed; none until the courses app records them."""
    return set()
