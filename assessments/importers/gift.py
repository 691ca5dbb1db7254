"""GIFT question files (Moodle's plain-text format), following Moodle's own reader.

Questions are separated by blank lines; ``//`` lines are comments; ``$CATEGORY:`` switches the
category. A question is ``::title::[format]text{answers}text`` where the answer block decides the
type as Moodle does: empty → essay (skipped), ``#…`` → numerical (``n``, ``n:tolerance``,
``min..max``, several ``=%w%`` answers), any ``~`` → multiple choice (single when an ``=``
answer exists, else multiple response with weights), ``=a->b`` → matching, ``T``/``TRUE``/
``F``/``FALSE`` → true/false, anything else → short answer. ``%50%`` and ``%-50%`` set weights,
``#`` starts feedback, ``####`` the general feedback. ``\\: \\= \\~ \\# \\{ \\} \\\\`` escape
the control characters and ``\\n`` is a line break. Text after the block makes a "missing word"
question (the block becomes ``_____``).

Unlike Moodle, a blank line inside an open answer block does not end the question, and an
answer block that is never closed is reported where it opened instead of being misread.
"""

from __future__ import annotations

import re
from typing import Any

from .. import content as c
from ..services import ItemRecord
from .base import (
    ImportFileError,
    ParseResult,
    Problem,
    QuestionError,
    Skipped,
    bilingual,
    bilingual_plain,
    bilingual_text,
    option_keys,
    shorten,
    to_html,
    unsupported_reason,
)
from .moodle_xml import category_path

# Escaped characters become private-use placeholders while the question is taken apart.
_ESCAPES = {
    "\\": "\ue000",
    ":": "\ue001",
    "=": "\ue002",
    "~": "\ue003",
    "#": "\ue004",
    "{": "\ue005",
    "}": "\ue006",
}
_RESTORE = {v: k for k, v in _ESCAPES.items()}
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_FORMATS = {
    "html": "html",
    "moodle": "moodle_auto_format",
    "plain": "plain_text",
    "markdown": "markdown",
}
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("file", "the file is neither UTF-8 nor GBK text")


def _escape(text: str) -> str:
    text = text.replace("\\\\", _ESCAPES["\\"])
    for char in ":=~#{}":
        text = text.replace("\\" + char, _ESCAPES[char])
    return text.replace("\\n", "\n")


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def _chunks(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each question or category line; comments removed."""
    chunks: list[tuple[int, str]] = []
    current: list[str] = []
    start = depth = 0
    open_line = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if depth == 0 and line.lstrip().startswith("//"):
            continue
        if not line.strip() and depth == 0:
            if current:
                chunks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
        escaped = _escape(line)
        for char in escaped:
            if char == "{":
                open_line = number if depth == 0 else open_line
                depth += 1
            elif char == "}":
                depth = max(0, depth - 1)
    if depth:
        raise ImportFileError(f"line {open_line}", "an answer block '{' is never closed with '}'")
    if current:
        chunks.append((start, "\n".join(current)))
    return chunks


def _split_feedback(answer: str) -> tuple[str, str]:
    value, _sep, feedback = answer.partition("#")
    return value, feedback


def _weight(answer: str, default: float) -> tuple[float, str]:
    match = _WEIGHT.match(answer)
    if not match:
        return default, answer
    return float(match.group(1)) / 100.0, answer[match.end() :]


class _Text:
    """Turns parts of one question into HTML in the question's format."""

    def __init__(self, fmt: str):
        self.fmt = fmt

    def html(self, text: str) -> tuple[str, str]:
        return bilingual(to_html(_restore(text).strip(), self.fmt))

    def feedback(self, text: str) -> dict[str, str]:
        zh, en = self.html(text)
        return {"feedback_zh": zh, "feedback_en": en}


def _answers(block: str) -> list[tuple[str, str]]:
    """The answers of a block as (marker, text): marker '=' or '~'."""
    parts = re.split(r"([=~])", block)
    found = []
    if parts[0].strip():
        found.append(("", parts[0]))
    found += [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
    return found


def _multichoice(block: str, text: _Text) -> dict[str, Any]:
    answers = _answers(block)
    single = any(marker == "=" for marker, _a in answers)
    options = []
    for key, (marker, raw) in zip(option_keys(len(answers)), answers, strict=True):
        fraction, rest = _weight(raw, 1.0 if marker == "=" else 0.0)
        value, feedback = _split_feedback(rest)
        zh, en = text.html(value)
        options.append(
            {
                "key": key,
                "text_zh": zh,
                "text_en": en,
                "correct": fraction > 0,
                "fraction": fraction,
                **text.feedback(feedback),
            }
        )
    fractions = [o["fraction"] for o in options]
    if single:
        if fractions.count(1.0) == 1 and all(f in (0.0, 1.0) for f in fractions):
            for option in options:
                option["fraction"] = None
        return {"type": c.SINGLE_CHOICE, "options": options}
    return {"type": c.MULTIPLE_RESPONSE, "scoring": c.MR_FRACTIONS, "options": options}


def _number(raw: str, what: str) -> float:
    raw = _restore(raw).strip()
    if not re.fullmatch(_NUMBER, raw):
        raise QuestionError(f"{what} '{raw}' is not a number")
    return float(raw)


def _numerical(block: str, text: _Text) -> dict[str, Any]:
    body = block[1:]
    wrong = ""
    if "~" in body:
        body, _sep, wrong = body.partition("~")
    parts = [p for p in body.split("=")]
    if parts and not parts[0].strip():
        parts = parts[1:]
    if not parts:
        raise QuestionError("the numerical answer block has no answer")
    answers = []
    for raw in parts:
        fraction, rest = _weight(raw, 1.0)
        value, feedback = _split_feedback(rest)
        entry: dict[str, Any] = {"fraction": fraction, **text.feedback(feedback)}
        value = value.strip()
        if ".." in value:
            low, _sep, high = value.partition("..")
            low_value, high_value = (
                _number(low, "the lower bound"),
                _number(high, "the upper bound"),
            )
            if low_value > high_value:
                raise QuestionError(f"the range {value} is empty (the lower bound is larger)")
            entry.update({"min": low_value, "max": high_value})
        elif ":" in value:
            answer, _sep, tolerance = value.partition(":")
            entry.update(
                {
                    "answer": _number(answer, "the answer"),
                    "tolerance": abs(_number(tolerance, "the tolerance")),
                }
            )
        else:
            entry.update({"answer": _number(value, "the answer"), "tolerance": 0.0})
        answers.append(entry)
    if wrong:
        _value, feedback = _split_feedback(wrong)
        answers.append({"any": True, "fraction": 0.0, **text.feedback(feedback)})
    return {"type": c.NUMERIC, "numeric": {"answers": answers, "unit": ""}}


def _matching(block: str, text: _Text) -> dict[str, Any]:
    pairs = []
    for _marker, raw in _answers(block):
        if not raw.strip():
            continue
        if "->" not in raw:
            raise QuestionError(f"the matching pair '{_restore(raw).strip()}' has no '->'")
        left, _sep, right = _split_feedback(raw)[0].partition("->")
        left_zh, left_en = text.html(left)
        right_zh, right_en = bilingual_text(_restore(right).strip())
        pairs.append(
            {"left_zh": left_zh, "left_en": left_en, "right_zh": right_zh, "right_en": right_en}
        )
    return {"type": c.MATCHING, "pairs": pairs}


def _truefalse(block: str, text: _Text) -> dict[str, Any]:
    value, _sep, comments = block.partition("#")
    wrong, _sep, right = comments.partition("#")
    is_true = value.strip() in ("T", "TRUE")
    feedback_true, feedback_false = (right, wrong) if is_true else (wrong, right)
    return {
        "type": c.TRUE_FALSE,
        "options": [
            {
                "key": "T",
                "text_zh": "正确",
                "text_en": "True",
                "correct": is_true,
                "fraction": None,
                **text.feedback(feedback_true),
            },
            {
                "key": "F",
                "text_zh": "错误",
                "text_en": "False",
                "correct": not is_true,
                "fraction": None,
                **text.feedback(feedback_false),
            },
        ],
    }


def _shortanswer(block: str, text: _Text) -> dict[str, Any]:
    answers = []
    for _marker, raw in _answers(block):
        if not raw.strip():
            continue
        fraction, rest = _weight(raw, 1.0)
        value, feedback = _split_feedback(rest)
        zh, en = bilingual_plain(_restore(value))
        answers.append(
            {"text_zh": zh, "text_en": en, "fraction": fraction, **text.feedback(feedback)}
        )
    return {"type": c.SHORT_ANSWER, "case_sensitive": False, "short_answers": answers}


def _question_type(block: str) -> str:
    if not block:
        return "essay"
    if block.startswith("#"):
        return "numerical"
    if "~" in block:
        return "multichoice"
    if "=" in block and "->" in block:
        return "matching"
    if block.split("#", 1)[0].strip() in ("T", "TRUE", "F", "FALSE"):
        return "truefalse"
    return "shortanswer"


_BUILDERS = {
    "numerical": _numerical,
    "multichoice": _multichoice,
    "matching": _matching,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
}


def _parse_question(raw: str, category: str, where: str) -> ItemRecord | Skipped:
    text = _escape(raw).strip()
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise QuestionError("the title starting with '::' is never closed with '::'")
        name, text = _restore(text[2:end]).strip(), text[end + 2 :]
    fmt_match = _FORMAT.match(text)
    fmt = "moodle_auto_format"
    if fmt_match:
        fmt, text = _FORMATS[fmt_match.group(1).lower()], text[fmt_match.end() :]
    start = text.find("{")
    if start < 0:
        return Skipped(
            name or shorten(_restore(text)), "description", unsupported_reason("description")
        )
    end = text.find("}", start)
    if end < 0:
        raise QuestionError("the answer block '{' is never closed with '}'")
    block = text[start + 1 : end].strip()
    after = text[end + 1 :]
    if "{" in block:
        raise QuestionError("a '{' inside the answer block must be escaped as '\\{'")
    if "{" in after or "}" in after:
        raise QuestionError("a question has one answer block; escape other braces as '\\{' '\\}'")
    general = ""
    if "####" in block:
        block, _sep, general = block.partition("####")
        block = block.strip()
    qtype = _question_type(block)
    stem_text = text[:start] + ("" if not after.strip() else "_____" + after)
    helper = _Text(fmt)
    stem_zh, stem_en = helper.html(stem_text)
    label = name or shorten(stem_zh or stem_en)
    if qtype == "essay":
        return Skipped(label, "essay", unsupported_reason("essay"))
    doc = {"stem_zh": stem_zh, "stem_en": stem_en, "feedback": {}}
    doc["rationale_zh"], doc["rationale_en"] = helper.html(general)
    doc.update(_BUILDERS[qtype](block, helper))
    return ItemRecord(name=label, content=doc, category_path=category, where=where)


def parse(data: bytes, filename: str = "") -> ParseResult:
    result = ParseResult()
    category = ""
    for line, chunk in _chunks(_decode(data)):
        lines = chunk.split("\n")
        if lines[0].strip().startswith("$CATEGORY:"):
            category = category_path(lines[0].strip()[len("$CATEGORY:") :])
            lines = lines[1:]
            line += 1
            if not any(ln.strip() for ln in lines):
                continue
        body = "\n".join(lines)
        where = f"line {line}"
        try:
            parsed = _parse_question(body, category, where)
        except QuestionError as exc:
            title = re.match(r"\s*::(.*?)::", body)
            label = f" ({title.group(1).strip()})" if title else ""
            result.errors.append(Problem(f"{where}{label}", str(exc)))
            continue
        if isinstance(parsed, Skipped):
            result.skipped.append(parsed)
        else:
            parsed.where = f"{where} ({parsed.name})"
            result.records.append(parsed)
    return result
