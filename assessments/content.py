"""The item content document: what an ItemVersion freezes and the scorer reads. No Django.

One plain, JSON-serialisable dict per item version. Every path into the bank produces it (the
admin's working copy, the demo loader, the Moodle XML / GIFT / QTI importers) and every path out
reads it (scoring, the public view, the Moodle XML exporter), so there is one definition of what
an item *is*. Texts are bilingual (``*_zh`` / ``*_en``) sanitised HTML fragments; fractions are
floats in [-1, 1] (Moodle stores percentages; importers divide by 100).

``validate_content`` is the single gate: an item that passes it can be scored for every
well-formed response, and the messages name the offending option or answer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

SINGLE_CHOICE = "single_choice"
MULTIPLE_RESPONSE = "multiple_response"
TRUE_FALSE = "true_false"
NUMERIC = "numeric"
SHORT_ANSWER = "short_answer"
MATCHING = "matching"
ORDERING = "ordering"
SJT_BEST_WORST = "sjt_best_worst"
SJT_RATE = "sjt_rate"
TYPES = (
    SINGLE_CHOICE,
    MULTIPLE_RESPONSE,
    TRUE_FALSE,
    NUMERIC,
    SHORT_ANSWER,
    MATCHING,
    ORDERING,
    SJT_BEST_WORST,
    SJT_RATE,
)
CHOICE_TYPES = (SINGLE_CHOICE, MULTIPLE_RESPONSE, TRUE_FALSE, SJT_BEST_WORST, SJT_RATE)

# Multiple response: the brief's formula, Moodle-style answer fractions, or QTI match_correct.
MR_PARTIAL, MR_FRACTIONS, MR_ALL_OR_NOTHING = "partial", "fractions", "all_or_nothing"
MR_MODES = (MR_PARTIAL, MR_FRACTIONS, MR_ALL_OR_NOTHING)
# Ordering: share of item pairs in the right relative order, share in the right position, or all.
ORDER_RELATIVE, ORDER_ABSOLUTE, ORDER_ALL_OR_NOTHING = "relative", "absolute", "all_or_nothing"
ORDER_MODES = (ORDER_RELATIVE, ORDER_ABSOLUTE, ORDER_ALL_OR_NOTHING)

SJT_SCORE_RANGE = (-2.0, 2.0)
DEFAULT_RATING = {"min": 1, "max": 6}
# Moodle stores 33.33333 % for a third; sums of such fractions miss 1 by ~1e-7.
FRACTION_TOLERANCE = 1e-4


def _(template: str) -> str:
    """Marks a message for translation (makemessages finds it); this module stays Django-free."""
    return template


class Message(str):
    """A problem in English that remembers its template and values, so the admin can show it in
    the reader's language (``assessments.messages.localise``)."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:
        message = super().__new__(cls, template % params)
        message.template, message.params = template, params
        return message

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:
        return (self.template,), dict(self.params)

    def __copy__(self) -> Message:
        return self

    def __deepcopy__(self, memo: dict) -> Message:
        return self


def empty_content(item_type: str) -> dict[str, Any]:
    return {
        "type": item_type,
        "stem_zh": "",
        "stem_en": "",
        "rationale_zh": "",
        "rationale_en": "",
        "feedback": {},
    }


def text_of(entry: Mapping[str, Any], field: str, language: str = "zh") -> str:
    """The text in the wanted language, falling back to the other one."""
    first, second = ("en", "zh") if language.startswith("en") else ("zh", "en")
    return entry.get(f"{field}_{first}") or entry.get(f"{field}_{second}") or ""


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """Visible text of an HTML fragment (for names, search and comparisons)."""
    import html as html_lib

    return _SPACE.sub(" ", html_lib.unescape(_TAG.sub(" ", html or ""))).strip()


def normalise_answer(text: str, case_sensitive: bool = False) -> str:
    """Fold what a typist cannot see: full-width vs half-width forms (ＡＢＣ１２３ → ABC123,
    the ideographic space), runs of spaces, and — unless the item says otherwise — case."""
    folded = _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()
    return folded if case_sensitive else folded.casefold()


def _has_text(entry: Mapping[str, Any], field: str) -> bool:
    return bool(
        plain_text(entry.get(f"{field}_zh", "")) or plain_text(entry.get(f"{field}_en", ""))
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _fraction_problems(options: list[Mapping[str, Any]]) -> list[Message]:
    problems = []
    for index, option in enumerate(options):
        fraction = _number(option.get("fraction"))
        if fraction is None or not -1.0 <= fraction <= 1.0:
            problems.append(
                Message(
                    _(
                        "option %(key)s: the fraction must be a number between -100%% and 100%% "
                        "(got %(value)s)"
                    ),
                    key=option.get("key") or index + 1,
                    value=repr(option.get("fraction")),
                )
            )
    return problems


def validate_content(doc: Mapping[str, Any]) -> list[Message]:
    """Every reason this document cannot be delivered and scored; empty when it can."""
    item_type = doc.get("type")
    if item_type not in TYPES:
        return [
            Message(
                _("unknown item type %(type)s; expected one of %(types)s"),
                type=repr(item_type),
                types=", ".join(TYPES),
            )
        ]
    problems: list[str] = []
    if not _has_text(doc, "stem"):
        problems.append(Message(_("the stem is empty in both languages")))
    checker = _CHECKS[item_type]
    problems += checker(doc)
    return problems


def _options(doc: Mapping[str, Any], minimum: int) -> tuple[list[Mapping[str, Any]], list[str]]:
    options = list(doc.get("options") or [])
    problems = []
    if len(options) < minimum:
        problems.append(
            Message(
                _("needs at least %(minimum)d options (has %(count)d)"),
                minimum=minimum,
                count=len(options),
            )
        )
    keys = [str(o.get("key") or "") for o in options]
    if any(not k for k in keys):
        problems.append(Message(_("every option needs a key")))
    duplicates = sorted({k for k in keys if k and keys.count(k) > 1})
    if duplicates:
        problems.append(
            Message(
                _("option keys must be unique (repeated: %(keys)s)"), keys=", ".join(duplicates)
            )
        )
    for option in options:
        if not _has_text(option, "text"):
            problems.append(
                Message(
                    _("option %(key)s: the text is empty in both languages"), key=option.get("key")
                )
            )
    return options, problems


def _uses_fractions(options: list[Mapping[str, Any]]) -> bool:
    return any(o.get("fraction") is not None for o in options)


def _check_single(doc: Mapping[str, Any]) -> list[str]:
    options, problems = _options(doc, 2)
    if _uses_fractions(options):
        problems += _fraction_problems(options)
        best = max((_number(o.get("fraction")) or 0.0 for o in options), default=0.0)
        if not problems and abs(best - 1.0) > FRACTION_TOLERANCE:
            problems.append(
                Message(
                    _(
                        "no option is worth 100%% (the best is %(best)s%%): "
                        "no response can earn full marks"
                    ),
                    best=f"{best * 100:.2f}",
                )
            )
    else:
        correct = [o for o in options if o.get("correct")]
        if len(correct) != 1:
            problems.append(
                Message(
                    _("exactly one option must be correct (found %(count)d)"), count=len(correct)
                )
            )
    return problems


def _check_multiple(doc: Mapping[str, Any]) -> list[str]:
    options, problems = _options(doc, 2)
    mode = doc.get("scoring", MR_PARTIAL)
    if mode not in MR_MODES:
        return [*problems, Message(_("unknown scoring mode %(mode)s"), mode=repr(mode))]
    if mode == MR_FRACTIONS:
        problems += _fraction_problems(options)
        if not problems:
            positive = sum(max(0.0, float(o["fraction"])) for o in options)
            if abs(positive - 1.0) > FRACTION_TOLERANCE:
                problems.append(
                    Message(
                        _(
                            "the positive answer fractions add up to %(sum)s%%, not 100%%: "
                            "no response can earn exactly full marks"
                        ),
                        sum=f"{positive * 100:.2f}",
                    )
                )
    elif not any(o.get("correct") for o in options):
        problems.append(Message(_("at least one option must be correct")))
    return problems


def _check_true_false(doc: Mapping[str, Any]) -> list[str]:
    options, problems = _options(doc, 2)
    if len(options) != 2:
        problems.append(
            Message(
                _("a true/false item has exactly two options (has %(count)d)"), count=len(options)
            )
        )
    if sum(1 for o in options if o.get("correct")) != 1:
        problems.append(Message(_("exactly one of the two options must be correct")))
    return problems


def _check_numeric(doc: Mapping[str, Any]) -> list[str]:
    numeric = doc.get("numeric") or {}
    answers = list(numeric.get("answers") or [])
    if not answers:
        return [Message(_("a numeric item needs at least one answer"))]
    problems = []
    for index, answer in enumerate(answers, start=1):
        fraction = _number(answer.get("fraction"))
        if fraction is None or not 0.0 <= fraction <= 1.0:
            problems.append(
                Message(_("answer %(n)d: the fraction must be between 0%% and 100%%"), n=index)
            )
        if answer.get("any"):
            continue
        low, high = _number(answer.get("min")), _number(answer.get("max"))
        if answer.get("min") is not None or answer.get("max") is not None:
            if low is None or high is None:
                problems.append(
                    Message(
                        _("answer %(n)d: a range needs both a lower and an upper bound"), n=index
                    )
                )
            elif low > high:
                problems.append(
                    Message(
                        _("answer %(n)d: the range %(low)s..%(high)s is empty"),
                        n=index,
                        low=low,
                        high=high,
                    )
                )
        else:
            value, tolerance = _number(answer.get("answer")), _number(answer.get("tolerance", 0))
            if value is None:
                problems.append(
                    Message(
                        _("answer %(n)d: %(value)s is not a number"),
                        n=index,
                        value=repr(answer.get("answer")),
                    )
                )
            if tolerance is None or tolerance < 0:
                problems.append(
                    Message(_("answer %(n)d: the tolerance must be a number ≥ 0"), n=index)
                )
    if not problems and max(float(a["fraction"]) for a in answers) < 1.0 - FRACTION_TOLERANCE:
        problems.append(Message(_("no answer is worth 100%%: no response can earn full marks")))
    return problems


def _check_short_answer(doc: Mapping[str, Any]) -> list[str]:
    answers = list(doc.get("short_answers") or [])
    if not answers:
        return [Message(_("a short-answer item needs at least one accepted answer"))]
    problems = []
    for index, answer in enumerate(answers, start=1):
        if not (answer.get("text_zh") or answer.get("text_en") or "").strip():
            problems.append(Message(_("accepted answer %(n)d is empty"), n=index))
        fraction = _number(answer.get("fraction"))
        if fraction is None or not 0.0 <= fraction <= 1.0:
            problems.append(
                Message(
                    _("accepted answer %(n)d: the fraction must be between 0%% and 100%%"), n=index
                )
            )
    if not problems and max(float(a["fraction"]) for a in answers) < 1.0 - FRACTION_TOLERANCE:
        problems.append(
            Message(_("no accepted answer is worth 100%%: no response can earn full marks"))
        )
    return problems


def _check_matching(doc: Mapping[str, Any]) -> list[str]:
    pairs = list(doc.get("pairs") or [])
    questions = [p for p in pairs if _has_text(p, "left")]
    problems = []
    if len(questions) < 2:
        problems.append(
            Message(
                _("a matching item needs at least two pairs (has %(count)d)"), count=len(questions)
            )
        )
    for index, pair in enumerate(pairs, start=1):
        if not _has_text(pair, "right"):
            problems.append(Message(_("pair %(n)d: the answer on the right is empty"), n=index))
    return problems


def _check_ordering(doc: Mapping[str, Any]) -> list[str]:
    steps = list(doc.get("sequence") or [])
    problems = []
    if len(steps) < 2:
        problems.append(
            Message(
                _("an ordering item needs at least two steps (has %(count)d)"), count=len(steps)
            )
        )
    texts = [plain_text(text_of(s, "text")) for s in steps]
    if any(not t for t in texts):
        problems.append(Message(_("every step needs a text")))
    elif len(set(texts)) != len(texts):
        problems.append(
            Message(_("two steps have the same text, so their order cannot be told apart"))
        )
    if doc.get("scoring", ORDER_RELATIVE) not in ORDER_MODES:
        problems.append(Message(_("unknown scoring mode %(mode)s"), mode=repr(doc.get("scoring"))))
    return problems


def _check_best_worst(doc: Mapping[str, Any]) -> list[str]:
    options, problems = _options(doc, 3)
    low, high = SJT_SCORE_RANGE
    for option in options:
        value = _number(option.get("score"))
        if value is None or not low <= value <= high:
            problems.append(
                Message(
                    _("option %(key)s: the SME score must be between −2 and +2 (got %(value)s)"),
                    key=option.get("key"),
                    value=repr(option.get("score")),
                )
            )
    worst = doc.get("worst_key")
    keys = {str(o.get("key")) for o in options}
    if worst not in keys:
        problems.append(
            Message(_("the keyed worst option %(key)s is not one of the options"), key=repr(worst))
        )
    elif not problems:
        lowest = min(float(o["score"]) for o in options)
        worst_score = next(float(o["score"]) for o in options if o["key"] == worst)
        if worst_score > lowest:
            problems.append(
                Message(
                    _(
                        "the keyed worst option %(key)s scores %(score)s, "
                        "but another option scores lower (%(lowest)s)"
                    ),
                    key=worst,
                    score=f"{worst_score:+g}",
                    lowest=f"{lowest:+g}",
                )
            )
        if max(float(o["score"]) for o in options) == lowest:
            problems.append(Message(_("all options have the same SME score: nothing to judge")))
    return problems


def _check_rate(doc: Mapping[str, Any]) -> list[str]:
    options, problems = _options(doc, 2)
    rating = doc.get("rating") or DEFAULT_RATING
    low, high = _number(rating.get("min")), _number(rating.get("max"))
    if low is None or high is None or low >= high or not (low.is_integer() and high.is_integer()):
        return [
            *problems,
            Message(
                _("the rating scale %(scale)s must be two whole numbers, min < max"),
                scale=repr(rating),
            ),
        ]
    for option in options:
        mean = _number(option.get("sme_mean"))
        if mean is None or not low <= mean <= high:
            problems.append(
                Message(
                    _(
                        "option %(key)s: the SME mean must be between %(low)s and %(high)s "
                        "(got %(value)s)"
                    ),
                    key=option.get("key"),
                    low=f"{low:g}",
                    high=f"{high:g}",
                    value=repr(option.get("sme_mean")),
                )
            )
    return problems


_CHECKS = {
    SINGLE_CHOICE: _check_single,
    MULTIPLE_RESPONSE: _check_multiple,
    TRUE_FALSE: _check_true_false,
    NUMERIC: _check_numeric,
    SHORT_ANSWER: _check_short_answer,
    MATCHING: _check_matching,
    ORDERING: _check_ordering,
    SJT_BEST_WORST: _check_best_worst,
    SJT_RATE: _check_rate,
}
