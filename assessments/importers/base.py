"""What every importer returns, and the text handling they share.

An importer turns a file into ``ItemRecord``s plus two lists: questions it skipped (a type we do
not score, with the reason) and errors (where, why). It never writes; ``assessments.imports``
does, and only when there are no errors.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ..content import plain_text
from ..sanitise import clean_html
from ..services import ItemRecord


@dataclass(frozen=True)
class Skipped:
    name: str
    type: str
    reason: str


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str


@dataclass
class ParseResult:
    records: list[ItemRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


class ImportFileError(Exception):
    """The file as a whole cannot be read (not well-formed, wrong kind of file, encoding)."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


class QuestionError(Exception):
    """One question cannot be imported; the importer adds where it is."""


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_MULTILANG_OPEN = re.compile(
    r"<span\s+(?=[^>]*class=\"multilang\")[^>]*lang=\"([A-Za-z_-]+)\"[^>]*>", re.IGNORECASE
)


def _multilang_parts(text: str) -> dict[str, str]:
    """Texts in Moodle's multi-language markup (``<span lang="en" class="multilang">``)."""
    parts: dict[str, str] = {}
    for match in _MULTILANG_OPEN.finditer(text):
        depth, index, start = 1, match.end(), match.end()
        tags = re.compile(r"<span\b|</span\s*>", re.IGNORECASE)
        while depth:
            tag = tags.search(text, index)
            if tag is None:
                break
            depth += -1 if tag.group(0).startswith("</") else 1
            index = tag.end()
        end = tag.start() if depth == 0 and tag is not None else len(text)
        lang = match.group(1).lower().replace("_", "-")
        key = "zh" if lang.startswith("zh") else "en" if lang.startswith("en") else lang
        parts.setdefault(key, text[start:end])
    return parts


def bilingual(text: str) -> tuple[str, str]:
    """(zh, en) for an HTML text: split Moodle multilang markup when present; otherwise Chinese
    text goes to the Chinese field and any other language to the second-language field."""
    parts = _multilang_parts(text)
    if "zh" in parts or "en" in parts:
        return clean_html(parts.get("zh", "")), clean_html(parts.get("en", ""))
    cleaned = clean_html(text)
    return (cleaned, "") if _CJK.search(plain_text(cleaned)) else ("", cleaned)


def bilingual_text(text: str) -> tuple[str, str]:
    """(zh, en) HTML for a plain-text field (Moodle's matching answers), which may still carry
    multilang markup."""
    parts = _multilang_parts(text or "")
    if "zh" in parts or "en" in parts:
        return tuple(html.escape(plain_text(parts.get(lang, ""))) for lang in ("zh", "en"))
    zh, en = bilingual_plain(text)
    return html.escape(zh), html.escape(en)


def bilingual_plain(text: str) -> tuple[str, str]:
    text = (text or "").strip()
    return (text, "") if _CJK.search(text) else ("", text)


def to_html(text: str, fmt: str) -> str:
    """A text in one of Moodle's formats as (unsanitised) HTML."""
    text = text or ""
    fmt = (fmt or "html").lower()
    if fmt in ("html", "1"):
        return text
    if fmt in ("markdown", "4"):
        from markdown_it import MarkdownIt

        return MarkdownIt("commonmark", {"html": False}).render(text)
    if fmt in ("plain_text", "plain", "2"):
        return html.escape(text.strip()).replace("\n", "<br>")
    # moodle_auto_format: HTML allowed, line breaks kept.
    return text.strip().replace("\r\n", "\n").replace("\n", "<br>")


def option_keys(count: int) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [letters[i] if i < 26 else f"O{i + 1}" for i in range(count)]


def shorten(text: str, limit: int = 80) -> str:
    text = plain_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Moodle/GIFT question types we do not score, and why (shown to the trainer).
UNSUPPORTED = {
    "essay": "essays are marked by hand; the bank holds automatically scored items only",
    "description": "a description is text without a question",
    "cloze": "embedded-answer (Cloze) questions are not supported",
    "multianswer": "embedded-answer (Cloze) questions are not supported",
    "calculated": "calculated questions (values drawn from formulas) are not supported",
    "calculatedsimple": "calculated questions (values drawn from formulas) are not supported",
    "calculatedmulti": "calculated questions (values drawn from formulas) are not supported",
    "random": "random questions are drawn by a quiz, they are not items",
    "randomsamatch": "random short-answer matching is drawn by a quiz, it is not an item",
    "ddwtos": "drag-and-drop questions are not supported",
    "gapselect": "select-missing-words questions are not supported",
    "ddimageortext": "drag-and-drop questions are not supported",
    "ddmarker": "drag-and-drop questions are not supported",
    "order": "'order' is not a Moodle question type (Moodle's ordering plugin writes 'ordering')",
    "pairmatching": "'pairmatching' is not a Moodle core question type",
}


def unsupported_reason(qtype: str) -> str:
    if not qtype:
        return "the question has no type"
    return UNSUPPORTED.get(qtype, f"question type '{qtype}' is not supported")
