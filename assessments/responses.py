"""Reading a cadre's answers from the take page's fields into the shape ``scoring.score`` takes.

The same field names serve the full-page POST (works without JavaScript) and the autosave
request (``static/assessments/take.js`` posts the page's form data; a JSON body
``{"answers": {"<position>": response}}`` is accepted too). Field names carry only the slot's
position and the public ids the page already shows, never anything about the key. Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import content as c


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def read_response(public: Mapping[str, Any], prefix: str, data: Any) -> Any:
    """The response to one item from form data (a QueryDict-like ``data``); None if blank.

    ``public`` is the item's public view; ``prefix`` its slot's field prefix (``r3``)."""
    kind = public["type"]
    if kind in (c.SINGLE_CHOICE, c.TRUE_FALSE):
        return _text(data.get(prefix))
    if kind == c.MULTIPLE_RESPONSE:
        keys = [k for k in data.getlist(prefix) if k]
        return keys or None
    if kind in (c.NUMERIC, c.SHORT_ANSWER):
        return _text(data.get(prefix))
    if kind == c.MATCHING:
        chosen = {
            left["key"]: _text(data.get(f"{prefix}-{left['key']}")) for left in public["lefts"]
        }
        chosen = {k: v for k, v in chosen.items() if v}
        return chosen or None
    if kind == c.ORDERING:
        ranks = {step["id"]: _text(data.get(f"{prefix}-{step['id']}")) for step in public["steps"]}
        if not all(ranks.values()):
            return None  # an order is an answer only once every step has its place
        try:
            return [sid for sid, _rank in sorted(ranks.items(), key=lambda kv: int(kv[1]))]
        except ValueError:
            return None
    if kind == c.SJT_BEST_WORST:
        answer = {part: _text(data.get(f"{prefix}-{part}")) for part in ("best", "worst")}
        return {k: v for k, v in answer.items() if v} or None
    if kind == c.SJT_RATE:
        ratings = {}
        for option in public["options"]:
            value = _text(data.get(f"{prefix}-{option['key']}"))
            if value is not None:
                ratings[option["key"]] = int(value) if value.lstrip("-").isdigit() else value
        return ratings or None
    return None
