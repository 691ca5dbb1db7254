"""Knowledge checks: what the cadre sees before answering, and grading on the server.

A check is either a bank item (by reference, read through ``assessments.selectors`` and scored by
``assessments.scoring``) or an inline question. Single choice, true/false, multiple response,
numeric and best/worst judgement items are offered inside a lesson (keys: the chosen option
keys; a number; or [best, worst]). :func:`public_check` builds the view from an
allow-list (stem and option texts with their keys); keys and feedback leave the server only in
:func:`grade`'s answer, after the cadre has answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.content import (
    MULTIPLE_RESPONSE,
    NUMERIC,
    SINGLE_CHOICE,
    SJT_BEST_WORST,
    TRUE_FALSE,
)
from assessments.selectors import item_version_for_ref

LESSON_TYPES = (SINGLE_CHOICE, TRUE_FALSE, MULTIPLE_RESPONSE, NUMERIC, SJT_BEST_WORST)


def check_problems(value: Any) -> list[str]:
    ref = (value.get("item_ref") or "").strip()
    if ref:
        version = item_version_for_ref(ref)
        if version is None:
            return [_("No pilot or operational bank item has the reference “%s”.") % ref]
        if version.content.get("type") not in LESSON_TYPES:
            return [_("Item “%s” is not a choice or numeric question.") % ref]
        return []
    options = list(value.get("options") or [])
    problems = []
    if not str(value.get("stem") or "").strip():
        problems.append(_("Give a bank reference or write the question."))
    if not 2 <= len(options) <= 6:
        problems.append(_("An inline question needs 2 to 6 options."))
    if not any(o.get("correct") for o in options):
        problems.append(_("Mark at least one option correct."))
    return problems


@dataclass(frozen=True)
class PublicCheck:
    stem: str  # safe HTML
    options: list[tuple[str, str]]  # (key, text)
    multiple: bool
    unit: str | None = None  # numeric questions: the unit shown beside the input
    best_worst: bool = False  # judgement items: choose the best and the worst option


def _bank(value: Any):
    ref = (value.get("item_ref") or "").strip()
    return item_version_for_ref(ref) if ref else None


def _html(text: Any) -> str:
    """Rich text renders itself (Wagtail's RichText); anything else is escaped."""
    return mark_safe(text.__html__()) if hasattr(text, "__html__") else escape(text or "")


def _inline(html: str) -> str:
    """A bank option's sanitised HTML without paragraph wrappers, so it fits in a <label>."""
    return mark_safe(re.sub(r"\s*</?p>\s*", " ", html).strip())  # sanitised on import


def _lang(language: str) -> str:
    return "en" if language.startswith("en") else "zh"


def public_check(value: Any, language: str) -> PublicCheck | None:
    """The question as the cadre sees it before answering (None if its bank item vanished)."""
    if (value.get("item_ref") or "").strip():
        version = _bank(value)
        if version is None:
            return None
        view = scoring.public_view(version)
        lang = _lang(language)
        return PublicCheck(
            stem=mark_safe(view.get(f"stem_{lang}") or view["stem_zh"]),  # sanitised on import
            options=[
                (o["key"], _inline(o.get(f"text_{lang}") or o["text_zh"]))
                for o in view.get("options", [])
            ],
            multiple=view["type"] == MULTIPLE_RESPONSE,
            unit=view.get("unit") if view["type"] == NUMERIC else None,
            best_worst=view["type"] == SJT_BEST_WORST,
        )
    options = list(value.get("options") or [])
    return PublicCheck(
        stem=_html(value.get("stem")),
        options=[(str(i), o["text"]) for i, o in enumerate(options)],
        multiple=sum(1 for o in options if o.get("correct")) > 1,
    )


@dataclass(frozen=True)
class Graded:
    correct: bool
    correct_keys: list[str]
    feedback: str  # safe HTML


def grade(value: Any, keys: list[str], language: str) -> Graded:
    """Grade the chosen option keys. Raises ValueError for keys the question does not have."""
    version = _bank(value)
    if version is not None:
        doc = version.content
        response: Any = keys[0] if keys else None
        if doc["type"] == MULTIPLE_RESPONSE:
            response = keys
        elif doc["type"] == SJT_BEST_WORST:
            response = {"best": keys[0], "worst": keys[1]} if len(keys) == 2 else None
        if response is None:
            raise ValueError("no answer")
        try:
            result = scoring.score(version, response)
        except scoring.ScoringError as error:
            raise ValueError(str(error)) from error
        lang = _lang(language)
        right = scoring.key_of(version).get("response")
        if isinstance(right, dict):
            right = [right["best"], right["worst"]]
        right = right if isinstance(right, list) else [right]
        feedback = doc.get(f"rationale_{lang}") or doc.get("rationale_zh") or ""
        return Graded(result.correct, [str(k) for k in right], mark_safe(feedback))
    options = list(value.get("options") or [])
    valid = {str(i) for i in range(len(options))}
    if not keys or not set(keys) <= valid:
        raise ValueError("unknown option")
    right = [str(i) for i, o in enumerate(options) if o.get("correct")]
    return Graded(sorted(set(keys)) == sorted(right), right, _html(value.get("feedback")))
