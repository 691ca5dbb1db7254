"""What the admin shows when it previews an item: the cadre's view and the key."""

from __future__ import annotations

from typing import Any

from . import content as c
from .scoring import choice_id, public_view
from .working_copy import content_of


def preview_context(item: Any, mode: str) -> dict[str, Any]:
    """``item`` is an Item (saved or still in the form) or a content document."""
    doc = item if isinstance(item, dict) else content_of(item)
    problems = c.validate_content(doc)
    context: dict[str, Any] = {
        "problems": problems,
        "show_key": mode == "key",
        "languages": ("zh", "en"),
    }
    if problems:
        return context
    context["public"] = public_view(doc)
    if mode == "key":
        context["doc"] = doc
        context["right_ids"] = {
            choice_id(p.get("right_zh", ""), p.get("right_en", "")): p for p in doc.get("pairs", [])
        }
    return context
