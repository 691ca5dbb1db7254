"""Validation of shipped course files (COURSE_SCHEMA.md, docs/courses.md) before anything loads.

Every problem is reported with its file and a JSON path (e.g. ``lessons[1].body[4].decisions[2]``)
so a content writer can find it; the loader writes nothing unless every file is clean.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from . import scenario_graph

BLOCK_TYPES = {"rich_text", "callout", "exhibit", "knowledge_check", "scenario", "image", "video"}
CHARTS = {"bar", "line", "scatter", "pie", "none"}
LEVELS = {"city", "district", "township"}
OUTCOMES = {"good", "mixed", "poor"}


class Problems(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def _text(problems: Problems, where: str, value: Any) -> None:
    if not (isinstance(value, dict) and str(value.get("zh") or "").strip()):
        problems.add(where, "needs a bilingual text {'zh': …, 'en': …} with a Chinese original")
    elif not str(value.get("en") or "").strip():
        problems.add(where, "has no English translation ('en')")


def csv_columns(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [c.strip() for c in next(csv.reader(handle), [])]


def _exhibit(problems: Problems, where: str, exhibit: dict, content_dir: Path) -> None:
    _text(problems, f"{where}.title", exhibit.get("title"))
    path = content_dir / str(exhibit.get("csv") or "")
    if not exhibit.get("csv") or not path.is_file():
        problems.add(f"{where}.csv", f"file {exhibit.get('csv')!r} not found")
        return
    try:
        columns = csv_columns(path)
    except (UnicodeDecodeError, OSError) as error:
        problems.add(f"{where}.csv", f"cannot be read as UTF-8 CSV: {error}")
        return
    for column in exhibit.get("columns_en") or {}:
        if column not in columns:
            problems.add(f"{where}.columns_en", f"column {column!r} is not in the CSV {columns}")
    chart = exhibit.get("chart") or {"type": "none"}
    if chart.get("type") not in CHARTS:
        problems.add(f"{where}.chart.type", f"must be one of {sorted(CHARTS)}")
    elif chart["type"] != "none":
        for axis in ("x", "y", "group"):
            name = chart.get(axis)
            if (name or axis != "group") and name not in columns:
                problems.add(f"{where}.chart.{axis}", f"column {name!r} is not in the CSV")


def _check(problems: Problems, where: str, block: dict, item_refs: set[str] | None) -> None:
    if block.get("item"):
        if item_refs is not None and block["item"] not in item_refs:
            problems.add(f"{where}.item", f"no usable item {block['item']!r} in the item bank")
        return
    inline = block.get("inline")
    if not isinstance(inline, dict):
        problems.add(where, "a knowledge check needs 'item' (a bank ref) or 'inline'")
        return
    _text(problems, f"{where}.inline.stem", inline.get("stem"))
    options = inline.get("options") or []
    if not 2 <= len(options) <= 6:
        problems.add(f"{where}.inline.options", "needs 2 to 6 options")
    if not any(o.get("correct") for o in options):
        problems.add(f"{where}.inline.options", "no option is marked correct")
    for i, option in enumerate(options):
        _text(problems, f"{where}.inline.options[{i}].text", option.get("text"))


def _scenario(
    problems: Problems, where: str, block: dict, content_dir: Path, competencies: set[str]
) -> None:
    for field in ("title", "briefing", "debrief"):
        _text(problems, f"{where}.{field}", block.get(field))
    for problem in scenario_graph.problems(block):
        detail = f" ({problem.detail})" if problem.detail else ""
        problems.add(f"{where} node {problem.node!r}", problem.kind.replace("_", " ") + detail)
    for i, decision in enumerate(block.get("decisions") or []):
        at = f"{where}.decisions[{i}] ({decision.get('id')})"
        _text(problems, f"{at}.situation", decision.get("situation"))
        if decision.get("exhibit"):
            _exhibit(problems, f"{at}.exhibit", decision["exhibit"], content_dir)
        for j, option in enumerate(decision.get("options") or []):
            _text(problems, f"{at}.options[{j}].text", option.get("text"))
            _text(problems, f"{at}.options[{j}].feedback", option.get("feedback"))
            for code in option.get("scores") or {}:
                if code not in competencies:
                    problems.add(f"{at}.options[{j}].scores", f"unknown competency {code!r}")
    for i, ending in enumerate(block.get("endings") or []):
        if ending.get("outcome") not in OUTCOMES:
            problems.add(f"{where}.endings[{i}].outcome", f"must be one of {sorted(OUTCOMES)}")
        _text(problems, f"{where}.endings[{i}].title", ending.get("title"))
        _text(problems, f"{where}.endings[{i}].text", ending.get("text"))


def validate_course(
    doc: Any,
    content_dir: Path,
    *,
    competencies: set[str],
    positions: set[str],
    item_refs: set[str] | None,
) -> Problems:
    """Problems of one course document (an empty list when it can be loaded)."""
    problems = Problems()
    if not isinstance(doc, dict):
        problems.add("(file)", "must hold one JSON object")
        return problems
    if not str(doc.get("slug") or "").strip():
        problems.add("slug", "missing")
    for field in ("title", "summary"):
        _text(problems, field, doc.get(field))
    for code in doc.get("competencies") or []:
        if code not in competencies:
            problems.add("competencies", f"unknown competency {code!r}")
    if not (isinstance(doc.get("target_level"), int) and 1 <= doc["target_level"] <= 5):
        problems.add("target_level", "must be an integer 1–5")
    for level in doc.get("levels") or []:
        if level not in LEVELS:
            problems.add("levels", f"unknown level {level!r}")
    for code in doc.get("positions") or []:
        if code not in positions:
            problems.add("positions", f"unknown position {code!r}")
    if not isinstance(doc.get("credit_hours"), int | float) or doc["credit_hours"] <= 0:
        problems.add("credit_hours", "must be a positive number")
    lessons = doc.get("lessons") or []
    if not lessons:
        problems.add("lessons", "a course needs at least one lesson")
    slugs = [lesson.get("slug") for lesson in lessons]
    if len(set(slugs)) != len(slugs) or not all(slugs):
        problems.add("lessons", "every lesson needs a unique slug")
    for li, lesson in enumerate(lessons):
        _text(problems, f"lessons[{li}].title", lesson.get("title"))
        for bi, block in enumerate(lesson.get("body") or []):
            where = f"lessons[{li}].body[{bi}]"
            kind = block.get("type")
            if kind not in BLOCK_TYPES - {"image", "video"}:
                problems.add(where, f"unknown or unsupported block type {kind!r}")
            elif kind == "rich_text":
                _text(problems, f"{where}.text", block.get("text"))
            elif kind == "callout":
                _text(problems, f"{where}.title", block.get("title"))
                _text(problems, f"{where}.text", block.get("text"))
            elif kind == "exhibit":
                _exhibit(problems, where, block, content_dir)
            elif kind == "knowledge_check":
                _check(problems, where, block, item_refs)
            else:
                _scenario(problems, where, block, content_dir, competencies)
    return problems
