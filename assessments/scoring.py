"""Scoring every item type, and the public view of an item. Pure Python: no Django.

``score(content, response)`` grades one response against one item content document (see
``assessments.content``); ``check_response`` is the same shape check on its own, so delivery can
refuse a malformed answer when it is saved rather than when it is graded. ``public_view`` is the
only thing delivery may send to a browser before grading: it is built field by field from an
allow-list, so no key, fraction, SME score, SME mean, feedback or rationale can slip through.

Conventions (docs/item-bank.md explains the choices):

* ``credit`` is in [0, 1] for every type. Negative option fractions (Moodle, GIFT, QTI
  mappings) penalise within the item, but an item never scores below zero.
* SJT items also report their raw ``points`` on their own scale (best/worst: −2…+3; rating:
  −Σ|rating − SME mean|, at most 0); ``credit`` rescales points between the worst and best
  attainable response, so forms can add SJT items to other items.
* Responses that could not have come from the item (unknown option, a rating off the scale, the
  same option as best and worst, text in a numeric answer) raise ``ResponseError``; content that
  cannot be scored raises ``InvalidItem``. An unanswered item (``None``) scores zero credit.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import content as c


class ScoringError(ValueError):
    """Base class: the message says exactly what is wrong."""


class ResponseError(ScoringError):
    """The response does not fit the item (it could not have come from a delivered item)."""


class InvalidItem(ScoringError):
    """The item content cannot be scored; ``validate_content`` says why."""


@dataclass(frozen=True)
class Score:
    points: float
    min_points: float
    max_points: float
    credit: float

    @property
    def correct(self) -> bool:
        return self.credit >= 1.0 - 1e-9


def _dichotomous(credit: float) -> Score:
    credit = min(1.0, max(0.0, credit))
    return Score(points=credit, min_points=0.0, max_points=1.0, credit=credit)


def _scaled(points: float, low: float, high: float) -> Score:
    credit = (points - low) / (high - low) if high > low else 0.0
    return Score(points=points, min_points=low, max_points=high, credit=min(1.0, max(0.0, credit)))


def choice_id(*texts: str) -> str:
    """A stable id for a matching answer or an ordering step, derived from its text.

    Ids must not reveal the key: numbering the steps in their correct order would. A hash of the
    text says nothing the text itself does not, and identical texts share one id."""
    joined = "\x1f".join(c.normalise_answer(c.plain_text(t), case_sensitive=True) for t in texts)
    return "c" + hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12]


def _right_id(pair: Mapping[str, Any]) -> str:
    return choice_id(pair.get("right_zh", ""), pair.get("right_en", ""))


def _step_id(step: Mapping[str, Any]) -> str:
    return choice_id(step.get("text_zh", ""), step.get("text_en", ""))


def _content(item: Any) -> Mapping[str, Any]:
    data = item.get("content", item) if isinstance(item, Mapping) else item.content
    if not isinstance(data, Mapping) or data.get("type") not in c.TYPES:
        raise InvalidItem(f"not an item content document (type {data.get('type')!r})")
    return data


def _require_valid(doc: Mapping[str, Any]) -> None:
    problems = c.validate_content(doc)
    if problems:
        raise InvalidItem("; ".join(problems))


# --- responses --------------------------------------------------------------------------------


def _option_keys(doc: Mapping[str, Any]) -> list[str]:
    return [str(o["key"]) for o in doc.get("options") or []]


def _one_key(doc: Mapping[str, Any], value: Any, what: str = "option") -> str:
    if not isinstance(value, str):
        raise ResponseError(f"the {what} must be given by its key, not {value!r}")
    if value not in _option_keys(doc):
        raise ResponseError(f"{value!r} is not an option of this item")
    return value


def _key_set(doc: Mapping[str, Any], value: Any) -> set[str]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ResponseError(f"a multiple-response answer is a list of option keys, not {value!r}")
    values = list(value)
    keys = {_one_key(doc, v) for v in values}
    if len(keys) != len(values):
        raise ResponseError("an option was chosen twice")
    return keys


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(value: Any, unit: str = "") -> float:
    """A number from a float or from text as people type it (full-width digits, the unit)."""
    if isinstance(value, bool):
        raise ResponseError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace("−", "-")
        unit_text = unicodedata.normalize("NFKC", unit or "").strip()
        if unit_text and text.endswith(unit_text):
            text = text[: -len(unit_text)].strip()
        text = text.replace(" ", "")
        if not _NUMBER.match(text):
            raise ResponseError(f"{value!r} is not a number")
        number = float(text)
    else:
        raise ResponseError(f"{value!r} is not a number")
    if not math.isfinite(number):
        raise ResponseError(f"{value!r} is not a finite number")
    return number


def check_response(item: Any, response: Any) -> None:
    """Raise ResponseError if ``response`` is not a well-formed answer to ``item``."""
    score(item, response)


# --- scoring, one function per type ---------------------------------------------------------


def _single(doc: Mapping[str, Any], response: Any) -> Score:
    if response is None:
        return _dichotomous(0.0)
    key = _one_key(doc, response)
    option = next(o for o in doc["options"] if str(o["key"]) == key)
    if option.get("fraction") is not None:
        # Moodle's thirds (33.33333 %) miss 100 % by a hair: the best option is full credit.
        best = max(float(o["fraction"]) for o in doc["options"])
        return _dichotomous(float(option["fraction"]) / best)
    return _dichotomous(1.0 if option.get("correct") else 0.0)


def _multiple(doc: Mapping[str, Any], response: Any) -> Score:
    chosen = set() if response is None else _key_set(doc, response)
    options = doc["options"]
    mode = doc.get("scoring", c.MR_PARTIAL)
    if mode == c.MR_FRACTIONS:
        full = sum(max(0.0, float(o["fraction"])) for o in options)
        return _dichotomous(sum(float(o["fraction"]) for o in options if o["key"] in chosen) / full)
    correct = {str(o["key"]) for o in options if o.get("correct")}
    if mode == c.MR_ALL_OR_NOTHING:
        return _dichotomous(1.0 if chosen == correct else 0.0)
    hits, misses = len(chosen & correct), len(chosen - correct)
    return _dichotomous((hits - misses) / len(correct))


def _numeric(doc: Mapping[str, Any], response: Any) -> Score:
    if response is None or (isinstance(response, str) and not response.strip()):
        return _dichotomous(0.0)
    numeric = doc["numeric"]
    value = parse_number(response, numeric.get("unit", ""))
    # Like Moodle: the first answer that matches decides (authors list the best one first).
    for answer in numeric["answers"]:
        if _numeric_matches(answer, value):
            return _dichotomous(float(answer["fraction"]))
    return _dichotomous(0.0)


def _numeric_matches(answer: Mapping[str, Any], value: float) -> bool:
    if answer.get("any"):
        return True
    if answer.get("min") is not None:
        low, high = float(answer["min"]), float(answer["max"])
    else:
        target, tolerance = float(answer["answer"]), abs(float(answer.get("tolerance") or 0.0))
        low, high = target - tolerance, target + tolerance
    # Binary floating point: 0.1 + 0.2 must still equal 0.3 within a zero tolerance.
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    return low - slack <= value <= high + slack


def _wildcard(pattern: str) -> re.Pattern[str]:
    """Moodle's short-answer wildcard: ``*`` matches any run of characters; ``\\*`` is a star."""
    parts = re.split(r"(\\\*|\*)", pattern)
    regex = "".join(".*" if p == "*" else re.escape("*" if p == "\\*" else p) for p in parts)
    return re.compile(f"^{regex}$", re.DOTALL)


def _short_answer(doc: Mapping[str, Any], response: Any) -> Score:
    if response is None:
        return _dichotomous(0.0)
    if not isinstance(response, str):
        raise ResponseError(f"a short answer is text, not {response!r}")
    case_sensitive = bool(doc.get("case_sensitive"))
    given = c.normalise_answer(response, case_sensitive)
    if not given:
        return _dichotomous(0.0)
    for answer in doc["short_answers"]:
        for text in (answer.get("text_zh"), answer.get("text_en")):
            if text and _wildcard(c.normalise_answer(text, case_sensitive)).match(given):
                return _dichotomous(float(answer["fraction"]))
    return _dichotomous(0.0)


def _matching(doc: Mapping[str, Any], response: Any) -> Score:
    lefts = _left_keys(doc)
    if response is None:
        return _dichotomous(0.0)
    if not isinstance(response, Mapping):
        raise ResponseError("a matching answer maps each left-hand key to a right-hand id")
    rights = {_right_id(p) for p in doc["pairs"]}
    for left, right in response.items():
        if str(left) not in lefts:
            raise ResponseError(f"{left!r} is not a left-hand entry of this item")
        if right is not None and right not in rights:
            raise ResponseError(f"{right!r} is not a right-hand answer of this item")
    hits = sum(1 for key, pair in lefts.items() if response.get(key) == _right_id(pair))
    return _dichotomous(hits / len(lefts))


def _left_keys(doc: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Left-hand entries keyed by their position; pairs without a left side are distractors."""
    return {
        str(index): pair
        for index, pair in enumerate(doc["pairs"], start=1)
        if c.plain_text(pair.get("left_zh", "")) or c.plain_text(pair.get("left_en", ""))
    }


def _ordering(doc: Mapping[str, Any], response: Any) -> Score:
    truth = [_step_id(s) for s in doc["sequence"]]
    if response is None:
        return _dichotomous(0.0)
    if isinstance(response, str | bytes) or not isinstance(response, Iterable):
        raise ResponseError("an ordering answer is the list of step ids in the chosen order")
    given = list(response)
    if sorted(given) != sorted(truth):
        raise ResponseError("an ordering answer must place every step exactly once")
    mode = doc.get("scoring", c.ORDER_RELATIVE)
    if mode == c.ORDER_ALL_OR_NOTHING:
        return _dichotomous(1.0 if given == truth else 0.0)
    if mode == c.ORDER_ABSOLUTE:
        return _dichotomous(sum(g == t for g, t in zip(given, truth, strict=True)) / len(truth))
    position = {step: i for i, step in enumerate(given)}
    pairs = [(a, b) for i, a in enumerate(truth) for b in truth[i + 1 :]]
    return _dichotomous(sum(position[a] < position[b] for a, b in pairs) / len(pairs))


def _best_worst(doc: Mapping[str, Any], response: Any) -> Score:
    scores = {str(o["key"]): float(o["score"]) for o in doc["options"]}
    low, high = min(scores.values()), max(scores.values()) + 1.0
    if response is None:
        return _scaled(low, low, high)
    if not isinstance(response, Mapping) or set(response) - {"best", "worst"}:
        raise ResponseError("a best/worst answer is {'best': key, 'worst': key}")
    best, worst = response.get("best"), response.get("worst")
    if best is not None:
        _one_key(doc, best, "best option")
    if worst is not None:
        _one_key(doc, worst, "worst option")
    if best is not None and best == worst:
        raise ResponseError(f"option {best} cannot be both the best and the worst")
    # A part left out earns what the least favourable choice would: skipping never pays.
    points = (scores[best] if best is not None else low) + (
        1.0 if worst == doc["worst_key"] else 0.0
    )
    return _scaled(points, low, high)


def _rate(doc: Mapping[str, Any], response: Any) -> Score:
    rating = doc.get("rating") or c.DEFAULT_RATING
    low, high = int(rating["min"]), int(rating["max"])
    means = {str(o["key"]): float(o["sme_mean"]) for o in doc["options"]}
    worst = {k: max(abs(low - m), abs(high - m)) for k, m in means.items()}
    best = {k: min(abs(r - m) for r in range(low, high + 1)) for k, m in means.items()}
    response = {} if response is None else response
    if not isinstance(response, Mapping):
        raise ResponseError("a rating answer maps each option key to a rating")
    distance = 0.0
    for key in response:
        if key not in means:
            raise ResponseError(f"{key!r} is not an option of this item")
    for key, mean in means.items():
        value = response.get(key)
        if value is None:
            # Distance scoring rewards closeness, so an unrated option must cost the most.
            distance += worst[key]
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise ResponseError(f"option {key}: the rating must be a whole number, not {value!r}")
        if not low <= value <= high:
            raise ResponseError(
                f"option {key}: the rating {value!r} is outside the scale {low}–{high}"
            )
        distance += abs(value - mean)
    return _scaled(-distance, -sum(worst.values()), -sum(best.values()))


_SCORERS = {
    c.SINGLE_CHOICE: _single,
    c.TRUE_FALSE: _single,
    c.MULTIPLE_RESPONSE: _multiple,
    c.NUMERIC: _numeric,
    c.SHORT_ANSWER: _short_answer,
    c.MATCHING: _matching,
    c.ORDERING: _ordering,
    c.SJT_BEST_WORST: _best_worst,
    c.SJT_RATE: _rate,
}


def score(item: Any, response: Any) -> Score:
    """Grade ``response`` to ``item`` (an ItemVersion, anything with ``.content``, or the dict)."""
    doc = _content(item)
    _require_valid(doc)
    return _SCORERS[doc["type"]](doc, response)


# --- the public view --------------------------------------------------------------------------


def _texts(entry: Mapping[str, Any], field: str, out: str = "text") -> dict[str, str]:
    return {
        f"{out}_zh": entry.get(f"{field}_zh") or "",
        f"{out}_en": entry.get(f"{field}_en") or "",
    }


def public_view(item: Any) -> dict[str, Any]:
    """What a cadre may see before grading. Built from an allow-list; never copies a dict."""
    doc = _content(item)
    item_type = doc["type"]
    view: dict[str, Any] = {"type": item_type, **_texts(doc, "stem", "stem")}
    version_id = getattr(item, "pk", None)
    if version_id is not None:
        view["version"] = version_id
    if item_type in c.CHOICE_TYPES:
        view["options"] = [
            {"key": str(o["key"]), **_texts(o, "text")} for o in doc.get("options") or []
        ]
    if item_type == c.SJT_RATE:
        rating = doc.get("rating") or c.DEFAULT_RATING
        view["rating"] = {"min": int(rating["min"]), "max": int(rating["max"])}
    elif item_type == c.NUMERIC:
        view["unit"] = str((doc.get("numeric") or {}).get("unit") or "")
    elif item_type == c.MATCHING:
        pairs = doc.get("pairs") or []
        view["lefts"] = [
            {"key": key, **_texts(pair, "left")} for key, pair in _left_keys(doc).items()
        ]
        rights = {_right_id(p): _texts(p, "right") for p in pairs}
        view["rights"] = [{"id": rid, **rights[rid]} for rid in sorted(rights)]
    elif item_type == c.ORDERING:
        steps = {_step_id(s): _texts(s, "text") for s in doc.get("sequence") or []}
        view["steps"] = [{"id": sid, **steps[sid]} for sid in sorted(steps)]
    return view


def key_of(item: Any) -> dict[str, Any]:
    """The response that earns full credit (for trainers' previews and the review after
    grading), in the same shape ``score`` accepts."""
    doc = _content(item)
    item_type = doc["type"]
    options = doc.get("options") or []
    if item_type in (c.SINGLE_CHOICE, c.TRUE_FALSE):
        if any(o.get("fraction") is not None for o in options):
            return {"response": max(options, key=lambda o: float(o["fraction"] or 0))["key"]}
        return {"response": next((o["key"] for o in options if o.get("correct")), None)}
    if item_type == c.MULTIPLE_RESPONSE:
        if doc.get("scoring") == c.MR_FRACTIONS:
            return {"response": [o["key"] for o in options if float(o["fraction"]) > 0]}
        return {"response": [o["key"] for o in options if o.get("correct")]}
    if item_type == c.MATCHING:
        return {"response": {k: _right_id(p) for k, p in _left_keys(doc).items()}}
    if item_type == c.ORDERING:
        return {"response": [_step_id(s) for s in doc.get("sequence") or []]}
    if item_type == c.SJT_BEST_WORST:
        best = max(options, key=lambda o: float(o["score"]))["key"]
        return {"response": {"best": best, "worst": doc.get("worst_key")}}
    if item_type == c.SJT_RATE:
        return {"response": {o["key"]: round(float(o["sme_mean"])) for o in options}}
    if item_type == c.NUMERIC:
        answer = max(doc["numeric"]["answers"], key=lambda a: float(a["fraction"]))
        if answer.get("min") is not None:
            return {"response": (float(answer["min"]) + float(answer["max"])) / 2}
        return {"response": answer.get("answer")}
    answer = max(doc["short_answers"], key=lambda a: float(a["fraction"]))
    return {"response": answer.get("text_zh") or answer.get("text_en")}
