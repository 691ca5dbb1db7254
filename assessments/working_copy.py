"""Between an item's editable working copy and its content document (``assessments.content``).

``content_of`` reads the working copy — saved or still in the admin form, since modelcluster
keeps unsaved child rows in memory — and ``apply_content`` writes a document into it (data
files, imports). Texts are sanitised on the way in and on the way out.
"""

from __future__ import annotations

from typing import Any

from wagtail.rich_text import RichText

from . import content as c
from .blocks import render_html, stream_from_html
from .models import AcceptedAnswer, Item, ItemOption, MatchPair, NumericAnswer, SequenceStep
from .sanitise import clean_html

FEEDBACK_KINDS = ("correct", "partial", "incorrect")


def _pct(value: float | None) -> float | None:
    return None if value is None else round(float(value) / 100.0, 9)


def _both(obj: Any, field: str, *, html: bool = True) -> dict[str, str]:
    clean = clean_html if html else (lambda s: (s or "").strip())
    return {
        f"{field}_zh": clean(getattr(obj, f"{field}_zh")),
        f"{field}_en": clean(getattr(obj, f"{field}_en")),
    }


def content_of(item: Item) -> dict[str, Any]:
    """The content document of the working copy (only the fields its type uses)."""
    doc = c.empty_content(item.type)
    for field in ("stem", "rationale"):
        for lang in ("zh", "en"):
            doc[f"{field}_{lang}"] = render_html(getattr(item, f"{field}_{lang}"))
    doc["feedback"] = {
        f"{kind}_{lang}": text
        for kind in FEEDBACK_KINDS
        for lang in ("zh", "en")
        if (text := clean_html(getattr(item, f"feedback_{kind}_{lang}")))
    }
    t = item.type
    if t in c.CHOICE_TYPES:
        doc["options"] = [_option(o, t) for o in item.options.all()]
    if t == c.MULTIPLE_RESPONSE:
        doc["scoring"] = item.mr_scoring
    elif t == c.SJT_BEST_WORST:
        doc["worst_key"] = item.worst_key.strip()
    elif t == c.SJT_RATE:
        doc["rating"] = {"min": item.rating_min, "max": item.rating_max}
    elif t == c.NUMERIC:
        doc["numeric"] = {
            "answers": [_numeric(a) for a in item.numeric_answers.all()],
            "unit": item.numeric_unit.strip(),
        }
    elif t == c.SHORT_ANSWER:
        doc["case_sensitive"] = item.case_sensitive
        doc["short_answers"] = [
            {**_both(a, "text", html=False), "fraction": _pct(a.fraction), **_both(a, "feedback")}
            for a in item.accepted_answers.all()
        ]
    elif t == c.MATCHING:
        doc["pairs"] = [{**_both(p, "left"), **_both(p, "right")} for p in item.pairs.all()]
    elif t == c.ORDERING:
        doc["scoring"] = item.order_scoring
        doc["sequence"] = [_both(s, "text") for s in item.steps.all()]
    return doc


def _option(option: ItemOption, item_type: str) -> dict[str, Any]:
    data: dict[str, Any] = {"key": option.key.strip(), **_both(option, "text")}
    if item_type == c.SJT_BEST_WORST:
        data["score"] = option.sme_score
    elif item_type == c.SJT_RATE:
        data["sme_mean"] = option.sme_mean
    else:
        data["correct"] = bool(option.correct)
        data["fraction"] = _pct(option.fraction)
        data.update(_both(option, "feedback"))
    return data


def _numeric(answer: NumericAnswer) -> dict[str, Any]:
    data: dict[str, Any] = {"fraction": _pct(answer.fraction), **_both(answer, "feedback")}
    if answer.any_value:
        data["any"] = True
    elif answer.low is not None or answer.high is not None:
        data.update({"min": answer.low, "max": answer.high})
    else:
        data.update({"answer": answer.answer, "tolerance": answer.tolerance or 0.0})
    return data


def _stream(html: str) -> list:
    return [
        (kind, RichText(value) if kind == "text" else value)
        for kind, value in stream_from_html(html)
    ]


def _percent(value: Any) -> float | None:
    return None if value is None else round(float(value) * 100.0, 7)


def apply_content(item: Item, doc: dict[str, Any]) -> None:
    """Write a (validated) content document into the item's working copy, replacing it."""
    item.type = doc["type"]
    for field in ("stem", "rationale"):
        for lang in ("zh", "en"):
            setattr(item, f"{field}_{lang}", _stream(doc.get(f"{field}_{lang}", "")))
    feedback = doc.get("feedback") or {}
    for kind in FEEDBACK_KINDS:
        for lang in ("zh", "en"):
            setattr(item, f"feedback_{kind}_{lang}", feedback.get(f"{kind}_{lang}", ""))
    item.options = [
        ItemOption(
            key=o["key"],
            text_zh=o.get("text_zh", ""),
            text_en=o.get("text_en", ""),
            correct=bool(o.get("correct")),
            fraction=_percent(o.get("fraction")),
            sme_score=o.get("score"),
            sme_mean=o.get("sme_mean"),
            feedback_zh=o.get("feedback_zh", ""),
            feedback_en=o.get("feedback_en", ""),
        )
        for o in doc.get("options") or []
    ]
    item.worst_key = doc.get("worst_key") or ""
    rating = doc.get("rating") or c.DEFAULT_RATING
    item.rating_min, item.rating_max = int(rating["min"]), int(rating["max"])
    if doc["type"] == c.MULTIPLE_RESPONSE:
        item.mr_scoring = doc.get("scoring", c.MR_PARTIAL)
    if doc["type"] == c.ORDERING:
        item.order_scoring = doc.get("scoring", c.ORDER_RELATIVE)
    numeric = doc.get("numeric") or {}
    item.numeric_unit = numeric.get("unit") or ""
    item.numeric_answers = [
        NumericAnswer(
            answer=a.get("answer"),
            tolerance=a.get("tolerance") or 0.0,
            low=a.get("min"),
            high=a.get("max"),
            any_value=bool(a.get("any")),
            fraction=_percent(a.get("fraction", 1.0)),
            feedback_zh=a.get("feedback_zh", ""),
            feedback_en=a.get("feedback_en", ""),
        )
        for a in numeric.get("answers") or []
    ]
    item.case_sensitive = bool(doc.get("case_sensitive"))
    item.accepted_answers = [
        AcceptedAnswer(
            text_zh=a.get("text_zh", ""),
            text_en=a.get("text_en", ""),
            fraction=_percent(a.get("fraction", 1.0)),
            feedback_zh=a.get("feedback_zh", ""),
            feedback_en=a.get("feedback_en", ""),
        )
        for a in doc.get("short_answers") or []
    ]
    item.pairs = [
        MatchPair(**{k: p.get(k, "") for k in ("left_zh", "left_en", "right_zh", "right_en")})
        for p in doc.get("pairs") or []
    ]
    item.steps = [
        SequenceStep(text_zh=s.get("text_zh", ""), text_en=s.get("text_en", ""))
        for s in doc.get("sequence") or []
    ]


def search_text(item: Item, doc: dict[str, Any]) -> str:
    """Plain text of everything a trainer might search for, both languages."""
    parts = [item.ref, item.name, item.case_id]
    parts += [c.plain_text(doc.get(f"stem_{lang}", "")) for lang in ("zh", "en")]
    for option in doc.get("options") or []:
        parts += [c.plain_text(option.get("text_zh", "")), c.plain_text(option.get("text_en", ""))]
    return " ".join(p for p in parts if p)[:20000]
