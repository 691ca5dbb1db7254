"""What the take and result pages show, assembled from an attempt.

Before grading, an item reaches a page only as ``scoring.public_view`` (an allow-list without
keys, scores or rationale), with its options in the order drawn for the attempt. After grading,
the result shows per-competency θ ± SE and level always, and the score and each item's
rationale only as the form's feedback policy allows (``selectors.feedback_shown``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator

from .content import text_of
from .models import Attempt
from .scoring import public_view
from .selectors import feedback_shown


@dataclass
class SlotView:
    position: int
    public: dict[str, Any]
    response: Any = None
    answered: bool = False

    @property
    def ranks(self) -> dict[str, int]:
        """An ordering answer as each step's place (1 = first), to re-fill its selects."""
        if self.public["type"] != "ordering" or not isinstance(self.response, list):
            return {}
        return {step: rank for rank, step in enumerate(self.response, start=1)}

    @property
    def prefix(self) -> str:
        return f"r{self.position}"


def _ordered(public: dict[str, Any], order: list[str]) -> dict[str, Any]:
    if order and "options" in public:
        by_key = {o["key"]: o for o in public["options"]}
        public["options"] = [by_key[k] for k in order if k in by_key]
    return public


def slot_views(attempt: Attempt, language: str) -> list[SlotView]:
    views = []
    for slot in attempt.items.select_related("version").order_by("position"):
        public = _ordered(public_view(slot.version), slot.option_order)
        views.append(
            SlotView(slot.position, public, slot.response, answered=slot.response is not None)
        )
    return views


@dataclass(frozen=True)
class Pages:
    number: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count


def page_of(slots: list[SlotView], per_page: int, requested: str | None):
    page = Paginator(slots, per_page).get_page(requested)
    return list(page.object_list), Pages(page.number, page.paginator.num_pages)


def result_context(attempt: Attempt, language: str) -> dict[str, Any]:
    show_score, show_rationale = feedback_shown(attempt)
    results = []
    for r in attempt.results.select_related("competency").order_by("competency__code"):
        results.append(
            {
                "code": r.competency.code,
                "name": r.competency.name_en if language == "en" else r.competency.name_zh,
                "theta": r.theta,
                "se": r.se,
                "low": r.theta - 1.96 * r.se,
                "high": r.theta + 1.96 * r.se,
                "level": r.level,
                "imprecise": r.imprecise,
                "provisional": r.method.endswith("provisional"),
                "n_items": r.n_items,
                "percent": 100.0 * r.points / r.max_points if r.max_points else 0.0,
            }
        )
    review = []
    if show_rationale:
        for slot in attempt.items.select_related("version").order_by("position"):
            doc = slot.version.content
            review.append(
                {
                    "position": slot.position,
                    "stem": text_of(doc, "stem", language),
                    "rationale": text_of(doc, "rationale", language),
                    "credit": slot.credit,
                    "full": slot.credit is not None and math.isclose(slot.credit, 1.0),
                }
            )
    return {
        "attempt": attempt,
        "results": results,
        "show_score": show_score,
        "review": review,
        "language": language,
    }
