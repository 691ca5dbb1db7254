"""The Excel question template Chinese offices use (题库导入模板): one question per row.

Columns (Chinese headers first; English ones are accepted too): 题型, 题干, 选项A…选项H, 答案,
解析, 分值, plus Shuzhi's 胜任力 (codes such as D2.3, several separated by commas or 、),
目标等级 (1–5), 案例, 题干（英文）, 解析（英文）. Question types: 单选题, 多选题, 判断题,
填空题 (short answer; alternatives separated by | or ；), 数值题 (a number, optionally
``±tolerance``).
简答题/问答题/论述题 are marked by hand and are skipped with the reason. Answers: ``B``; ``ABD``,
``A,B,D`` or ``A、B、D``; 正确/错误, 对/错, √/×, T/F. Row numbers are those Excel shows.
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

from .. import content as c
from ..services import ItemRecord
from .base import ImportFileError, ParseResult, Problem, QuestionError, Skipped, shorten

OPTION_LETTERS = "ABCDEFGH"
COLUMNS: dict[str, tuple[str, ...]] = {
    "type": ("题型", "题目类型", "type"),
    "stem": ("题干", "题目", "stem"),
    **{f"option_{x}": (f"选项{x}", f"option {x}", f"option_{x}") for x in OPTION_LETTERS},
    "answer": ("答案", "正确答案", "answer"),
    "rationale": ("解析", "答案解析", "rationale"),
    "mark": ("分值", "分数", "mark"),
    "competencies": ("胜任力", "能力编码", "competencies"),
    "level": ("目标等级", "等级", "target level"),
    "case": ("案例", "case"),
    "stem_en": ("题干（英文）", "题干(英文)", "stem (english)"),
    "rationale_en": ("解析（英文）", "解析(英文)", "rationale (english)"),
}
TEMPLATE_HEADERS = [
    "题型", "题干", *[f"选项{x}" for x in "ABCDEF"], "答案", "解析", "分值", "胜任力",
    "目标等级", "案例", "题干（英文）", "解析（英文）",
]  # fmt: skip
TEMPLATE_EXAMPLE = [
    ["单选题", "甲烷爆炸下限约为 5% vol，25% LEL 相当于多少？", "0.5% vol", "1.25% vol", "5% vol",
     "25% vol", "", "", "B", "25% × 5% vol = 1.25% vol。", 1, "D2.3", 2, "M04", "", ""],
    ["多选题", "二级报警后应当怎么做？", "派出携带检测仪的队伍", "禁止明火并提醒居民",
     "立即派人下池查看", "通风并观察趋势", "", "", "ABD", "未经检测进入有限空间是已知致死原因。", 1,
     "D2.3、D6.4", 3, "M04", "", ""],
    ["判断题", "1-3-5 中的 3 分钟阶段是核实。", "", "", "", "", "", "", "正确", "", 1, "D2.3", 1,
     "M06", "", ""],
    ["填空题", "《个人信息保护法》的英文缩写是？", "", "", "", "", "", "", "PIPL|个保法", "", 1,
     "D4.2", 1, "", "", ""],
]  # fmt: skip
TYPES = {
    "单选题": c.SINGLE_CHOICE, "单选": c.SINGLE_CHOICE, "single choice": c.SINGLE_CHOICE,
    "多选题": c.MULTIPLE_RESPONSE, "多选": c.MULTIPLE_RESPONSE, "不定项选择题": c.MULTIPLE_RESPONSE,
    "multiple response": c.MULTIPLE_RESPONSE,
    "判断题": c.TRUE_FALSE, "判断": c.TRUE_FALSE, "true/false": c.TRUE_FALSE,
    "填空题": c.SHORT_ANSWER, "填空": c.SHORT_ANSWER, "short answer": c.SHORT_ANSWER,
    "数值题": c.NUMERIC, "计算题": c.NUMERIC, "numeric": c.NUMERIC,
}  # fmt: skip
HAND_MARKED = ("简答题", "问答题", "论述题", "案例分析题", "essay")
TRUE_WORDS = {"正确", "对", "√", "✓", "是", "t", "true", "y"}
FALSE_WORDS = {"错误", "错", "×", "✗", "否", "f", "false", "n"}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _html(text: str) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


def _header(row: tuple) -> dict[int, str]:
    lookup = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    mapping = {i: lookup[_cell(v).lower()] for i, v in enumerate(row) if _cell(v).lower() in lookup}
    missing = [COLUMNS[k][0] for k in ("type", "stem", "answer") if k not in mapping.values()]
    if missing:
        raise ImportFileError("row 1", f"the header row lacks the column(s) {'、'.join(missing)}")
    return mapping


def _choice(values: dict[str, str], item_type: str) -> dict[str, Any]:
    letters = [x for x in OPTION_LETTERS if values.get(f"option_{x}")]
    if len(letters) < 2:
        raise QuestionError("a choice question needs at least two options (选项A, 选项B, …)")
    answer = re.sub(r"[\s,，、;；]", "", values["answer"].upper())
    chosen = list(dict.fromkeys(answer))
    unknown = [x for x in chosen if x not in letters]
    if unknown or not chosen:
        raise QuestionError(
            f"the answer '{values['answer']}' names no option, or one that is empty "
            f"(options: {''.join(letters)})"
        )
    if item_type == c.SINGLE_CHOICE and len(chosen) != 1:
        raise QuestionError(f"a single-choice answer is one letter, not '{values['answer']}'")
    options = [
        {"key": x, "text_zh": html.escape(values[f"option_{x}"]), "text_en": "",
         "correct": x in chosen, "fraction": None}
        for x in letters
    ]  # fmt: skip
    doc = {"type": item_type, "options": options}
    if item_type == c.MULTIPLE_RESPONSE:
        doc["scoring"] = c.MR_PARTIAL
    return doc


def _true_false(values: dict[str, str]) -> dict[str, Any]:
    word = values["answer"].strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise QuestionError(f"a true/false answer is 正确 or 错误, not '{values['answer']}'")
    is_true = word in TRUE_WORDS
    return {
        "type": c.TRUE_FALSE,
        "options": [
            {"key": "T", "text_zh": "正确", "text_en": "True", "correct": is_true,
             "fraction": None},
            {"key": "F", "text_zh": "错误", "text_en": "False", "correct": not is_true,
             "fraction": None},
        ],
    }  # fmt: skip


def _short_answer(values: dict[str, str]) -> dict[str, Any]:
    answers = [a.strip() for a in re.split(r"[|｜;；]", values["answer"]) if a.strip()]
    if not answers:
        raise QuestionError("a fill-in question needs at least one answer")
    return {
        "type": c.SHORT_ANSWER,
        "case_sensitive": False,
        "short_answers": [{"text_zh": a, "text_en": "", "fraction": 1.0} for a in answers],
    }


def _numeric(values: dict[str, str]) -> dict[str, Any]:
    match = re.fullmatch(
        r"\s*([+-]?\d+(?:\.\d+)?)\s*(?:(?:±|\+-|\+/-)\s*(\d+(?:\.\d+)?))?\s*(\S.*)?",
        values["answer"],
    )
    if not match:
        raise QuestionError(
            f"a numeric answer is a number (optionally ±tolerance), not '{values['answer']}'"
        )
    answer = {
        "answer": float(match.group(1)),
        "tolerance": float(match.group(2) or 0),
        "fraction": 1.0,
    }
    return {
        "type": c.NUMERIC,
        "numeric": {"answers": [answer], "unit": (match.group(3) or "").strip()},
    }


def parse(data: bytes, filename: str = "") -> ParseResult:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or wrong file
        raise ImportFileError("file", f"not a readable .xlsx workbook ({exc})") from exc
    result = ParseResult()
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportFileError("row 1", "the sheet is empty")
        mapping = _header(header)
        for number, row in enumerate(rows, start=2):
            values = {key: _cell(row[i]) for i, key in mapping.items() if i < len(row)}
            if not any(values.values()):
                continue
            where = f"row {number}"
            kind = values.get("type", "")
            stem = values.get("stem", "")
            if kind in HAND_MARKED:
                result.skipped.append(
                    Skipped(
                        shorten(stem) or where,
                        kind,
                        "marked by hand; the bank holds automatically scored items only",
                    )
                )
                continue
            try:
                record = _record(values, kind, stem, where)
            except QuestionError as exc:
                result.errors.append(Problem(where, str(exc)))
                continue
            result.records.append(record)
    finally:
        workbook.close()
    return result


def _record(values: dict[str, str], kind: str, stem: str, where: str) -> ItemRecord:
    item_type = TYPES.get(kind.lower())
    if item_type is None:
        raise QuestionError(
            f"unknown question type '{kind}' (use 单选题, 多选题, 判断题, 填空题 or 数值题)"
        )
    if not stem:
        raise QuestionError("the stem (题干) is empty")
    if not values.get("answer"):
        raise QuestionError("the answer (答案) is empty")
    if item_type in (c.SINGLE_CHOICE, c.MULTIPLE_RESPONSE):
        doc = _choice(values, item_type)
    else:
        doc = {c.TRUE_FALSE: _true_false, c.SHORT_ANSWER: _short_answer, c.NUMERIC: _numeric}[
            item_type
        ](values)
    doc.update(
        stem_zh=_html(stem),
        stem_en=_html(values.get("stem_en", "")),
        rationale_zh=_html(values.get("rationale", "")),
        rationale_en=_html(values.get("rationale_en", "")),
        feedback={},
    )
    level = values.get("level", "")
    if level and not (level.isdigit() and 1 <= int(level) <= 5):
        raise QuestionError(f"the target level (目标等级) is 1–5, not '{level}'")
    try:
        mark = float(values.get("mark") or 1)
    except ValueError:
        raise QuestionError(f"the mark (分值) '{values.get('mark')}' is not a number") from None
    codes = [x for x in re.split(r"[\s,，、;；]+", values.get("competencies", "")) if x]
    return ItemRecord(
        name=shorten(stem),
        content=doc,
        competency_codes=codes,
        target_level=int(level) if level else None,
        case_id=values.get("case", "")[:20],
        default_mark=mark if mark > 0 else 1.0,
        where=where,
    )
