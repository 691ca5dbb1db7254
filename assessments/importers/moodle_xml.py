"""Moodle XML question files (Moodle's own export format), read with defusedxml.

Supported: categories (nested paths, info, idnumber), multichoice (single and multiple, answer
fractions), truefalse, shortanswer, numerical (tolerances; "*" answers), matching, the ordering
plugin's ``ordering`` and the all-or-nothing plugin's ``multichoiceset``. Files embedded as
base64 come back as media; HTML is sanitised. Everything else is skipped with its reason, and a
broken Cloze question is an error (Moodle refuses it too).

Shuzhi writes some of its own metadata as Moodle tags (``shuzhi:competency=D2.3``,
``shuzhi:level=2``, ``shuzhi:case=M04``, ``shuzhi:status=operational``, ``shuzhi:scoring=…``),
which this importer reads back; other tags become keywords.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

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
from .cloze import cloze_problems

TAG_PREFIX = "shuzhi:"
ORDERING_GRADING = {
    "ALL_OR_NOTHING": c.ORDER_ALL_OR_NOTHING,
    "-1": c.ORDER_ALL_OR_NOTHING,
    "ABSOLUTE_POSITION": c.ORDER_ABSOLUTE,
    "0": c.ORDER_ABSOLUTE,
    "RELATIVE_ALL_PREVIOUS_AND_NEXT": c.ORDER_RELATIVE,
    "4": c.ORDER_RELATIVE,
}


def parse_xml(data: bytes) -> ET.Element:
    """Parse safely; a file that is not well-formed XML names the line and column."""
    try:
        return fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        message = str(exc).split(":")[0]
        raise ImportFileError(
            f"line {line}, column {column + 1}", f"not well-formed XML ({message})"
        ) from None
    except DefusedXmlException as exc:
        raise ImportFileError("file", f"refused for safety: {exc}") from exc
    except (LookupError, ValueError) as exc:  # an unknown encoding in the XML declaration
        raise ImportFileError("line 1", f"the file cannot be decoded ({exc})") from exc


def _question_lines(data: bytes) -> list[int]:
    """Line of each top-level <question> start tag, in document order (CDATA and comments are
    blanked first so text inside them is not mistaken for a tag)."""
    text = data.decode("utf-8", errors="replace")
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731
    text = re.sub(r"<!\[CDATA\[.*?\]\]>", blank, text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->", blank, text, flags=re.DOTALL)
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<question\b", text)]


def _text(element: ET.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    child = element.find(path) if path else element
    if child is None:
        # <name>plain text</name> without a <text> child happens in hand-made files.
        return (element.text or "").strip() if path == "text" else ""
    return child.text or ""


def _formatted(element: ET.Element | None, default_format: str = "html") -> str:
    if element is None:
        return ""
    return to_html(_text(element), element.get("format") or default_format)


def _b64(text: str) -> bytes:
    """Decode base64 as leniently as Moodle (PHP's base64_decode): whitespace and missing
    padding are tolerated; characters outside the alphabet are an error."""
    compact = re.sub(r"\s+", "", text)
    return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)


def _files(question: ET.Element) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for element in question.iter("file"):
        name = element.get("name") or ""
        if not name:
            continue
        try:
            files[name] = _b64(element.text or "")
        except (binascii.Error, ValueError) as exc:
            raise QuestionError(f"the embedded file {name} is not valid base64") from exc
    return files


def _old_image(question: ET.Element, files: dict[str, bytes]) -> str:
    """Moodle 1.9 files put a picture beside the question text as <image>/<image_base64>."""
    image = question.find("image")
    if image is None:
        return ""
    encoded = question.findtext("image_base64") or image.findtext("image_base64") or ""
    name = (image.text or "").strip()
    if encoded.strip():
        encoded = encoded.strip()
        mime = re.match(r"data:image/(\w+);base64,", encoded)
        if mime:
            encoded = encoded[mime.end() :]
            name = name or f"image.{mime.group(1)}"
        name = name or "image.png"
        try:
            files[name] = _b64(encoded)
        except (binascii.Error, ValueError) as exc:
            raise QuestionError(f"the picture {name} is not valid base64") from exc
        return f'<p><img src="@@PLUGINFILE@@/{name}" alt=""></p>'
    if name.startswith(("http://", "https://")):
        return f'<p><img src="{name}" alt=""></p>'
    return ""


def _fraction(element: ET.Element) -> float:
    raw = element.get("fraction", "0")
    try:
        return float(raw) / 100.0
    except ValueError:
        raise QuestionError(f"the grade {raw!r} of an answer is not a number") from None


def _feedback(element: ET.Element, default_format: str) -> dict[str, str]:
    zh, en = bilingual(_formatted(element.find("feedback"), default_format))
    return {"feedback_zh": zh, "feedback_en": en}


def _outcome_feedback(question: ET.Element, default_format: str) -> dict[str, str]:
    feedback = {}
    for kind, tag in (
        ("correct", "correctfeedback"),
        ("partial", "partiallycorrectfeedback"),
        ("incorrect", "incorrectfeedback"),
    ):
        zh, en = bilingual(_formatted(question.find(tag), default_format))
        feedback.update({f"{kind}_zh": zh, f"{kind}_en": en})
    return {k: v for k, v in feedback.items() if v}


def category_path(raw: str) -> str:
    """ "$course$/top/Default for X/Sub" → "Default for X/Sub"."""
    path = raw.strip()
    path = re.sub(r"^\$[a-z0-9]+\$/?", "", path)
    path = re.sub(r"^top(/|$)", "", path)
    return path.strip("/")


def _tags(question: ET.Element) -> tuple[dict[str, list[str]], list[str]]:
    ours: dict[str, list[str]] = {}
    keywords = []
    for tag in question.findall("tags/tag"):
        value = _text(tag).strip()
        if value.startswith(TAG_PREFIX) and "=" in value:
            key, _sep, rest = value[len(TAG_PREFIX) :].partition("=")
            ours.setdefault(key, []).append(rest.strip())
        elif value:
            keywords.append(value)
    return ours, keywords


# --- question types -----------------------------------------------------------------------------


def _choice_options(question: ET.Element, fmt: str) -> list[dict[str, Any]]:
    answers = question.findall("answer")
    options = []
    for key, answer in zip(option_keys(len(answers)), answers, strict=True):
        zh, en = bilingual(_formatted(answer, answer.get("format") or fmt))
        fraction = _fraction(answer)
        options.append(
            {
                "key": key,
                "text_zh": zh,
                "text_en": en,
                "correct": fraction > 0,
                "fraction": fraction,
                **_feedback(answer, fmt),
            }
        )
    return options


def _multichoice(question: ET.Element, doc: dict, fmt: str, tags: dict) -> None:
    single = (question.findtext("single") or "true").strip().lower() in ("true", "1")
    options = _choice_options(question, fmt)
    doc["feedback"] = _outcome_feedback(question, fmt)
    fractions = [o["fraction"] for o in options]
    if single:
        doc["type"] = c.SINGLE_CHOICE
        if (
            sorted(fractions)[-1:] == [1.0]
            and all(f in (0.0, 1.0) for f in fractions)
            and (fractions.count(1.0) == 1)
        ):
            for option in options:
                option["fraction"] = None
    else:
        doc["type"] = c.MULTIPLE_RESPONSE
        doc["scoring"] = c.MR_FRACTIONS
        positives = [f for f in fractions if f > 0]
        negatives = [f for f in fractions if f < 0]
        share = 1.0 / len(positives) if positives else 0.0
        # ±1/k fractions are exactly the partial-credit formula: keep it as that.
        if (
            tags.get("scoring") == [c.MR_PARTIAL]
            and all(abs(f - share) < 1e-6 for f in positives)
            and all(abs(f + share) < 1e-6 for f in negatives)
            and len(positives) + len(negatives) == len(fractions)
        ):
            doc["scoring"] = c.MR_PARTIAL
            for option in options:
                option["fraction"] = None
    doc["options"] = options


def _multichoiceset(question: ET.Element, doc: dict, fmt: str, tags: dict) -> None:
    options = _choice_options(question, fmt)
    for option in options:
        option["fraction"] = None
    doc.update(
        type=c.MULTIPLE_RESPONSE,
        scoring=c.MR_ALL_OR_NOTHING,
        options=options,
        feedback=_outcome_feedback(question, fmt),
    )


def _truefalse(question: ET.Element, doc: dict, fmt: str, tags: dict) -> None:
    answers = {(_text(a) or "").strip().lower(): a for a in question.findall("answer")}
    if set(answers) != {"true", "false"}:
        raise QuestionError("a true/false question needs exactly the answers 'true' and 'false'")
    correct = [k for k, a in answers.items() if abs(_fraction(a) - 1.0) < 1e-6]
    if len(correct) != 1 or any(_fraction(a) not in (0.0, 1.0) for a in answers.values()):
        raise QuestionError("exactly one of 'true' and 'false' must be worth 100 %")
    doc["type"] = c.TRUE_FALSE
    doc["options"] = [
        {
            "key": key,
            "text_zh": text_zh,
            "text_en": text_en,
            "correct": value in correct,
            "fraction": None,
            **_feedback(answers[value], fmt),
        }
        for key, value, text_zh, text_en in (
            ("T", "true", "正确", "True"),
            ("F", "false", "错误", "False"),
        )
    ]


def _shortanswer(question: ET.Element, doc: dict, fmt: str, tags: dict) -> None:
    doc["type"] = c.SHORT_ANSWER
    doc["case_sensitive"] = (question.findtext("usecase") or "0").strip() in ("1", "true")
    answers = []
    for answer in question.findall("answer"):
        zh, en = bilingual_plain(_text(answer))
        answers.append(
            {"text_zh": zh, "text_en": en, "fraction": _fraction(answer), **_feedback(answer, fmt)}
        )
    doc["short_answers"] = answers


def _float(raw: str | None, what: str) -> float:
    try:
        return float((raw or "").strip())
    except ValueError:
        raise QuestionError(f"{what} {raw!r} is not a number") from None


def _numerical(question: ET.Element, doc: dict, fmt: str, tags: dict) -> None:
    units = question.findall("units/unit")
    graded = (question.findtext("unitgradingtype") or "0").strip() not in ("0", "")
    base = [u for u in units if _float(u.findtext("multiplier") or "1", "a unit multiplier") == 1]
    if graded or len(units) > 1:
        raise _Unsupported("numerical questions that grade the unit or accept several units")
    fallback = question.findtext("tolerance")
    answers = []
    for answer in question.findall("answer"):
        value = _text(answer).strip()
        entry: dict[str, Any] = {"fraction": _fraction(answer), **_feedback(answer, fmt)}
        if value == "*":
            entry["any"] = True
        else:
            entry["answer"] = _float(value, "the answer")
            entry["tolerance"] = abs(
                _float(answer.findtext("tolerance") or fallback or "0", "the tolerance")
            )
        answers.append(entry)
    doc["type"] = c.NUMERIC
    doc["numeric"] = {
        "answers": answers,
        "unit": (base[0].findtext("unit_name") or "").strip() if base else "",
    }


def _matching(question: ET.Element, doc: dict, fmt: str, tags: dict) -> None:
    pairs = []
    for sub in question.findall("subquestion"):
        left_zh, left_en = bilingual(_formatted(sub, sub.get("format") or fmt))
        right_zh, right_en = bilingual_text(_text(sub.find("answer")))
        pairs.append(
            {"left_zh": left_zh, "left_en": left_en, "right_zh": right_zh, "right_en": right_en}
        )
    doc.update(type=c.MATCHING, pairs=pairs, feedback=_outcome_feedback(question, fmt))


def _ordering(question: ET.Element, doc: dict, fmt: str, tags: dict) -> None:
    select = (question.findtext("selecttype") or "ALL").strip().upper()
    if select not in ("ALL", "0"):
        raise _Unsupported("ordering questions that show only a subset of the items")
    grading = (question.findtext("gradingtype") or "RELATIVE_ALL_PREVIOUS_AND_NEXT").strip()
    if grading.upper() not in ORDERING_GRADING:
        raise _Unsupported(f"the ordering grading type {grading}")
    answers = sorted(enumerate(question.findall("answer")), key=lambda p: (_fraction(p[1]), p[0]))
    steps = []
    for _index, answer in answers:
        zh, en = bilingual(_formatted(answer, answer.get("format") or fmt))
        steps.append({"text_zh": zh, "text_en": en})
    doc.update(
        type=c.ORDERING,
        scoring=ORDERING_GRADING[grading.upper()],
        sequence=steps,
        feedback=_outcome_feedback(question, fmt),
    )


class _Unsupported(Exception):
    """A supported type using a feature we cannot score the same way: skipped, with reason."""


HANDLERS = {
    "multichoice": _multichoice,
    "multichoiceset": _multichoiceset,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
}


def _name(question: ET.Element) -> str:
    return shorten(_text(question.find("name")), 255)


def parse(data: bytes, filename: str = "") -> ParseResult:
    root = parse_xml(data)
    if root.tag != "quiz":
        raise ImportFileError("line 1", f"not a Moodle XML question file (root <{root.tag}>)")
    lines = _question_lines(data)
    result = ParseResult()
    category = {"path": "", "info": "", "idnumber": ""}
    for index, question in enumerate(root.findall("question")):
        qtype = (question.get("type") or "").strip().lower()
        name = _name(question)
        line = lines[index] if index < len(lines) else "?"
        where = f"question {index + 1} ({name or 'no name'}), line {line}"
        if qtype == "category":
            category = {
                "path": category_path(_text(question.find("category")) or ""),
                "info": _text(question.find("info")).strip(),
                "idnumber": (question.findtext("idnumber") or "").strip(),
            }
            continue
        fmt = (
            question.find("questiontext").get("format")
            if question.find("questiontext") is not None
            else None
        ) or "html"
        if qtype in ("cloze", "multianswer"):
            problems = cloze_problems(_text(question.find("questiontext")))
            if problems:
                result.errors += [Problem(where, p) for p in problems]
            else:
                result.skipped.append(Skipped(name, qtype, unsupported_reason(qtype)))
            continue
        handler = HANDLERS.get(qtype)
        if handler is None:
            label = name or shorten(_text(question.find("questiontext"))) or f"question {index + 1}"
            result.skipped.append(Skipped(label, qtype or "(none)", unsupported_reason(qtype)))
            continue
        try:
            result.records.append(_record(question, handler, fmt, category, name, where))
        except _Unsupported as exc:
            result.skipped.append(Skipped(name, qtype, f"{exc} are not supported"))
        except QuestionError as exc:
            result.errors.append(Problem(where, str(exc)))
    return result


def _record(question, handler, fmt: str, category: dict, name: str, where: str) -> ItemRecord:
    files = _files(question)
    stem = _formatted(question.find("questiontext"), "html") + _old_image(question, files)
    stem_zh, stem_en = bilingual(stem)
    rationale_zh, rationale_en = bilingual(_formatted(question.find("generalfeedback"), fmt))
    tags, keywords = _tags(question)
    doc = {
        "type": "",
        "stem_zh": stem_zh,
        "stem_en": stem_en,
        "rationale_zh": rationale_zh,
        "rationale_en": rationale_en,
        "feedback": {},
    }
    handler(question, doc, fmt, tags)
    level = (tags.get("level") or [""])[0]
    status = (tags.get("status") or ["draft"])[0]
    try:
        mark = float((question.findtext("defaultgrade") or "1").strip())
    except ValueError:
        mark = 1.0
    return ItemRecord(
        name=name or shorten(stem),
        content=doc,
        external_id=(question.findtext("idnumber") or "").strip(),
        category_path=category["path"],
        category_info=category["info"],
        category_idnumber=category["idnumber"],
        competency_codes=tags.get("competency", []),
        target_level=int(level) if level.isdigit() and 1 <= int(level) <= 5 else None,
        case_id=(tags.get("case") or [""])[0][:20],
        status=status if status in ("draft", "pilot", "operational", "retired") else "draft",
        default_mark=mark if mark > 0 else 1.0,
        keywords=keywords,
        files=files,
        where=where,
    )
