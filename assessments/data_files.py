"""Item data files (``assessments/data/items/*.json``): the schema, its validation, and records.

The schema is documented in docs/item-bank.md. Validation collects every problem in every file
before anything is written, and each message names the file and the item's ``ref``.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from . import content as c
from .models import ItemStatus
from .sanitise import clean_html
from .services import ItemRecord

ITEMS_DIR = Path(__file__).resolve().parent / "data" / "items"
COMMON_KEYS = {
    "ref", "type", "competencies", "target_level", "case", "stem_zh", "stem_en",
    "rationale_zh", "rationale_en", "status",
}  # fmt: skip
TYPE_KEYS = {
    c.SINGLE_CHOICE: {"options"},
    c.MULTIPLE_RESPONSE: {"options", "scoring"},
    c.TRUE_FALSE: {"options"},
    c.NUMERIC: {"numeric"},
    c.SHORT_ANSWER: {"short_answers", "case_sensitive"},
    c.MATCHING: {"pairs"},
    c.ORDERING: {"sequence", "scoring"},
    c.SJT_BEST_WORST: {"options", "worst_key"},
    c.SJT_RATE: {"options", "rating"},
}
OPTIONAL_KEYS = {"name", "keywords"}
_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")


class DataFileError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def text_to_html(text: str) -> str:
    """Authors write plain text or HTML; plain text keeps its paragraphs and line breaks."""
    text = (text or "").strip()
    if not text or _MARKUP.search(text):
        return clean_html(text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _texts(entry: dict, *fields: str) -> dict[str, str]:
    return {
        f"{field}_{lang}": text_to_html(entry.get(f"{field}_{lang}") or "")
        for field in fields
        for lang in ("zh", "en")
    }


def content_from_entry(entry: dict[str, Any]) -> dict[str, Any]:
    t = entry["type"]
    doc = c.empty_content(t)
    doc.update(_texts(entry, "stem", "rationale"))
    if t in c.CHOICE_TYPES:
        doc["options"] = []
        for option in entry.get("options") or []:
            data = {"key": str(option.get("key", "")), **_texts(option, "text")}
            if t == c.SJT_BEST_WORST:
                data["score"] = option.get("score")
            elif t == c.SJT_RATE:
                data["sme_mean"] = option.get("sme_mean")
            else:
                data["correct"] = bool(option.get("correct"))
                data["fraction"] = option.get("fraction")
                data.update(_texts(option, "feedback"))
            doc["options"].append(data)
    if t == c.MULTIPLE_RESPONSE:
        doc["scoring"] = entry.get("scoring", c.MR_PARTIAL)
    elif t == c.SJT_BEST_WORST:
        doc["worst_key"] = entry.get("worst_key")
    elif t == c.SJT_RATE:
        doc["rating"] = entry.get("rating") or dict(c.DEFAULT_RATING)
    elif t == c.NUMERIC:
        numeric = entry.get("numeric") or {}
        answers = numeric.get("answers")
        if answers is None:
            answer = {"fraction": 1.0}
            if numeric.get("min") is not None or numeric.get("max") is not None:
                answer.update({"min": numeric.get("min"), "max": numeric.get("max")})
            else:
                answer.update(
                    {"answer": numeric.get("answer"), "tolerance": numeric.get("tolerance") or 0.0}
                )
            answers = [answer]
        doc["numeric"] = {"answers": answers, "unit": numeric.get("unit") or ""}
    elif t == c.SHORT_ANSWER:
        doc["case_sensitive"] = bool(entry.get("case_sensitive"))
        doc["short_answers"] = [
            {
                "text_zh": (a.get("text_zh") or "").strip(),
                "text_en": (a.get("text_en") or "").strip(),
                "fraction": a.get("fraction", 1.0),
            }
            for a in entry.get("short_answers") or []
        ]
    elif t == c.MATCHING:
        doc["pairs"] = [_texts(p, "left", "right") for p in entry.get("pairs") or []]
    elif t == c.ORDERING:
        doc["scoring"] = entry.get("scoring", c.ORDER_RELATIVE)
        doc["sequence"] = [_texts(s, "text") for s in entry.get("sequence") or []]
    return doc


def _entry_problems(entry: Any, known_codes: set[str]) -> list[str]:
    if not isinstance(entry, dict):
        return ["each item must be a JSON object"]
    problems = []
    t = entry.get("type")
    if t not in c.TYPES:
        return [f"unknown type {t!r}; expected one of {', '.join(c.TYPES)}"]
    allowed = COMMON_KEYS | TYPE_KEYS[t] | OPTIONAL_KEYS
    irrelevant = sorted(k for k in entry if k not in allowed and entry[k] not in (None, [], {}, ""))
    if irrelevant:
        problems.append(f"field(s) {', '.join(irrelevant)} do not belong to a {t} item")
    codes = entry.get("competencies")
    if not isinstance(codes, list) or not codes:
        problems.append("'competencies' must list at least one competency code")
    else:
        unknown = [code for code in codes if code not in known_codes]
        if unknown:
            problems.append(f"unknown competency code(s): {', '.join(map(str, unknown))}")
    level = entry.get("target_level")
    if level is not None and (not isinstance(level, int) or not 1 <= level <= 5):
        problems.append(f"'target_level' must be 1–5 (got {level!r})")
    if entry.get("status", ItemStatus.DRAFT) not in ItemStatus.values:
        problems.append(f"'status' must be one of {', '.join(ItemStatus.values)}")
    if not (entry.get("stem_zh") or "").strip():
        problems.append("'stem_zh' (the Chinese stem) is required")
    return problems + c.validate_content(content_from_entry(entry))


def read_records(paths: list[Path], known_codes: set[str]) -> list[ItemRecord]:
    """Validate every file, then return one record per item; raise DataFileError listing all
    problems (``file: ref: problem``) if any."""
    problems: list[str] = []
    records: list[ItemRecord] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{path.name}: cannot be read as JSON ({exc})")
            continue
        if not isinstance(entries, list):
            problems.append(f"{path.name}: the file must hold a JSON list of items")
            continue
        for index, entry in enumerate(entries, start=1):
            ref = str(entry.get("ref") or "").strip() if isinstance(entry, dict) else ""
            label = f"{path.name}: {ref or f'item #{index} (no ref)'}"
            if not ref:
                problems.append(f"{label}: 'ref' is required")
                continue
            if ref in seen:
                problems.append(f"{label}: ref {ref} is already used in {seen[ref]}")
                continue
            seen[ref] = path.name
            entry_problems = _entry_problems(entry, known_codes)
            problems += [f"{label}: {p}" for p in entry_problems]
            if entry_problems:
                continue
            doc = content_from_entry(entry)
            records.append(
                ItemRecord(
                    name=entry.get("name") or f"{ref} {c.plain_text(doc['stem_zh'])}"[:120],
                    content=doc,
                    ref=ref,
                    competency_codes=list(entry["competencies"]),
                    target_level=entry.get("target_level"),
                    case_id=entry.get("case") or "",
                    status=entry.get("status", ItemStatus.DRAFT),
                    keywords=list(entry.get("keywords") or []),
                    category_path=entry["competencies"][0],
                )
            )
    if problems:
        raise DataFileError(problems)
    return records
