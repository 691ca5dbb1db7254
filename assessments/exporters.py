"""Exporting a bank to Moodle XML, so it can be loaded into Moodle or back into Shuzhi.

Every item's current version is written. Texts in both languages use Moodle's multi-language
markup (``<span lang="zh" class="multilang">…</span><span lang="en" class="multilang">…</span>``),
which Moodle's multilang filter shows in the reader's language and our importer splits again.
Media files are embedded as base64 (``@@PLUGINFILE@@``). Competencies, target level, case,
status and the scoring mode travel as ``shuzhi:`` tags. The partial-credit formula is written
as the answer fractions it equals (+1/k for each of k correct options, −1/k for each wrong one,
floored at 0), so Moodle scores it the same. Moodle has no situational-judgement type: SJT items
are left out and listed in the result, never dropped silently.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings

from . import content as c
from .importers.base import Skipped
from .models import Item, ItemBank, ItemMedia

AUTO = "moodle_auto_format"
MOODLE_ORDERING = {
    c.ORDER_ALL_OR_NOTHING: "ALL_OR_NOTHING",
    c.ORDER_ABSOLUTE: "ABSOLUTE_POSITION",
    c.ORDER_RELATIVE: "RELATIVE_ALL_PREVIOUS_AND_NEXT",
}


@dataclass
class ExportResult:
    xml: str
    exported: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def _number(value: float) -> str:
    return f"{value:.7f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
        media_prefix = f"{settings.MEDIA_URL}itembank/"
        self.media_url = re.compile(re.escape(media_prefix) + r"[0-9a-f]{2}/([0-9a-f]{64})\.\w+")

    def text(self, tag: str, html: str, attrs: str = ' format="html"') -> str:
        """<tag format="html"><text>…</text><file …/></tag> with media embedded."""
        files: dict[str, str] = {}

        def embed(match: re.Match) -> str:
            media = ItemMedia.objects.filter(sha256=match.group(1)).first()
            if media is None:
                return match.group(0)
            name = PurePosixPath(media.original_name).name or f"{media.sha256[:12]}"
            while name in files and files[name] != media.sha256:
                name = f"{media.sha256[:6]}-{name}"
            files[name] = media.sha256
            return f"@@PLUGINFILE@@/{name}"

        html = self.media_url.sub(embed, html or "")
        parts = [f"<{tag}{attrs}><text>{_cdata(html)}</text>"]
        for name, digest in files.items():
            media = ItemMedia.objects.get(sha256=digest)
            with media.file.open("rb") as fh:
                encoded = base64.b64encode(fh.read()).decode("ascii")
            parts.append(
                f'<file name={quoteattr(name)} path="/" encoding="base64">{encoded}</file>'
            )
        parts.append(f"</{tag}>")
        return "".join(parts)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>" if text else ""


def multilang(entry: dict[str, Any], field_name: str) -> str:
    zh, en = entry.get(f"{field_name}_zh") or "", entry.get(f"{field_name}_en") or ""
    if zh and en and zh != en:
        return (
            f'<span lang="zh" class="multilang">{zh}</span>'
            f'<span lang="en" class="multilang">{en}</span>'
        )
    return zh or en


def _feedback_elements(w: _Writer, doc: dict[str, Any]) -> list[str]:
    feedback = doc.get("feedback") or {}
    return [
        w.text(tag, multilang(feedback, kind))
        for kind, tag in (
            ("correct", "correctfeedback"),
            ("partial", "partiallycorrectfeedback"),
            ("incorrect", "incorrectfeedback"),
        )
    ]


def _answer(w: _Writer, fraction: float, text_html: str, entry: dict, fmt: str = "html") -> str:
    return (
        f'<answer fraction="{_number(fraction * 100)}" format="{fmt}">'
        f"<text>{_cdata(text_html)}</text>"
        f"{w.text('feedback', multilang(entry, 'feedback'))}</answer>"
    )


def _choice_body(w: _Writer, doc: dict[str, Any]) -> tuple[str, list[str]]:
    options = doc["options"]
    t = doc["type"]
    if t == c.TRUE_FALSE:
        true_option, false_option = options
        body = [
            _answer(
                w,
                1.0 if true_option.get("correct") else 0.0,
                "true",
                true_option,
                "moodle_auto_format",
            ),
            _answer(
                w,
                1.0 if false_option.get("correct") else 0.0,
                "false",
                false_option,
                "moodle_auto_format",
            ),
        ]
        return "truefalse", body
    mode = doc.get("scoring")
    qtype = "multichoiceset" if mode == c.MR_ALL_OR_NOTHING else "multichoice"
    if t == c.SINGLE_CHOICE:
        fractions = [
            o["fraction"] if o.get("fraction") is not None else (1.0 if o.get("correct") else 0.0)
            for o in options
        ]
    elif mode == c.MR_FRACTIONS:
        fractions = [o["fraction"] for o in options]
    elif mode == c.MR_ALL_OR_NOTHING:
        fractions = [1.0 if o.get("correct") else 0.0 for o in options]
    else:
        share = 1.0 / max(1, sum(1 for o in options if o.get("correct")))
        fractions = [share if o.get("correct") else -share for o in options]
    single = "true" if t == c.SINGLE_CHOICE else "false"
    body = [f"<single>{single}</single>", "<shuffleanswers>true</shuffleanswers>"]
    body.append("<answernumbering>abc</answernumbering>")
    body += _feedback_elements(w, doc)
    body += [
        _answer(w, f, multilang(o, "text"), o) for f, o in zip(fractions, options, strict=True)
    ]
    return qtype, body


def _question(w: _Writer, item: Item, doc: dict[str, Any]) -> str:
    t = doc["type"]
    tags = [f"shuzhi:competency={comp.code}" for comp in item.competencies.all()]
    if item.target_level:
        tags.append(f"shuzhi:level={item.target_level}")
    if item.case_id:
        tags.append(f"shuzhi:case={item.case_id}")
    tags.append(f"shuzhi:status={item.status}")
    body: list[str] = []
    if t in (c.SINGLE_CHOICE, c.MULTIPLE_RESPONSE, c.TRUE_FALSE):
        qtype, body = _choice_body(w, doc)
        if t == c.MULTIPLE_RESPONSE:
            tags.append(f"shuzhi:scoring={doc.get('scoring', c.MR_PARTIAL)}")
    elif t == c.NUMERIC:
        qtype = "numerical"
        for answer in doc["numeric"]["answers"]:
            if answer.get("any"):
                value, tolerance = "*", 0.0
            elif answer.get("min") is not None:
                low, high = float(answer["min"]), float(answer["max"])
                value, tolerance = repr((low + high) / 2), (high - low) / 2
            else:
                value, tolerance = (
                    repr(float(answer["answer"])),
                    float(answer.get("tolerance") or 0),
                )
            body.append(
                f'<answer fraction="{_number(answer["fraction"] * 100)}" format="{AUTO}">'
                f"<text>{value}</text><tolerance>{tolerance!r}</tolerance>"
                f"{w.text('feedback', multilang(answer, 'feedback'))}</answer>"
            )
        unit = doc["numeric"].get("unit") or ""
        body += ["<unitgradingtype>0</unitgradingtype>", "<unitpenalty>0</unitpenalty>"]
        body += ["<showunits>3</showunits>", "<unitsleft>0</unitsleft>"]
        if unit:
            body.append(
                "<units><unit><multiplier>1</multiplier>"
                f"<unit_name>{escape(unit)}</unit_name></unit></units>"
            )
    elif t == c.SHORT_ANSWER:
        qtype = "shortanswer"
        body.append(f"<usecase>{1 if doc.get('case_sensitive') else 0}</usecase>")
        for answer in doc["short_answers"]:
            texts = dict.fromkeys(x for x in (answer.get("text_zh"), answer.get("text_en")) if x)
            for text in texts:
                body.append(
                    f'<answer fraction="{_number(answer["fraction"] * 100)}" format="{AUTO}">'
                    f"<text>{escape(text)}</text>"
                    f"{w.text('feedback', multilang(answer, 'feedback'))}</answer>"
                )
    elif t == c.MATCHING:
        qtype = "matching"
        body.append("<shuffleanswers>true</shuffleanswers>")
        body += _feedback_elements(w, doc)
        for pair in doc["pairs"]:
            right = multilang({k: c.plain_text(v) for k, v in pair.items()}, "right")
            body.append(
                w.text("subquestion", multilang(pair, "left"))[: -len("</subquestion>")]
                + f"<answer><text>{escape(right)}</text></answer></subquestion>"
            )
    elif t == c.ORDERING:
        qtype = "ordering"
        body += ["<layouttype>VERTICAL</layouttype>", "<selecttype>ALL</selecttype>"]
        body += ["<selectcount>0</selectcount>"]
        body.append(
            f"<gradingtype>{MOODLE_ORDERING[doc.get('scoring', c.ORDER_RELATIVE)]}</gradingtype>"
        )
        body += _feedback_elements(w, doc)
        for position, step in enumerate(doc["sequence"], start=1):
            body.append(
                f'<answer fraction="{position}" format="html">'
                f"<text>{_cdata(multilang(step, 'text'))}</text></answer>"
            )
    else:
        raise ValueError(t)
    tag_xml = "".join(f"<tag><text>{escape(tag)}</text></tag>" for tag in [*tags, *item.keywords])
    return "\n".join(
        [
            f'  <question type="{qtype}">',
            f"    <name><text>{escape(item.name)}</text></name>",
            "    " + w.text("questiontext", multilang(doc, "stem")),
            "    " + w.text("generalfeedback", multilang(doc, "rationale")),
            f"    <defaultgrade>{_number(item.default_mark)}</defaultgrade>",
            "    <penalty>0.3333333</penalty>",
            "    <hidden>0</hidden>",
            f"    <idnumber>{escape(item.ref or item.external_id)}</idnumber>",
            *("    " + line for line in body),
            f"    <tags>{tag_xml}</tags>",
            "  </question>",
        ]
    )


def export_bank(bank: ItemBank) -> ExportResult:
    w = _Writer()
    result = ExportResult(xml="")
    items = (
        bank.items.exclude(current_version=None)
        .select_related("category", "current_version")
        .prefetch_related("competencies")
        .order_by("category__path", "pk")
    )
    category = None
    for item in items:
        doc = item.current_version.content
        if doc["type"] in (c.SJT_BEST_WORST, c.SJT_RATE):
            result.skipped.append(
                Skipped(item.name, doc["type"], "Moodle has no situational-judgement question type")
            )
            continue
        path = item.category.path if item.category else ""
        if path != category:
            category = path
            info = escape(item.category.info) if item.category else ""
            idnumber = item.category.idnumber if item.category else ""
            w.lines.append(
                '  <question type="category"><category><text>'
                f"$course$/{escape(path)}</text></category>"
                f'<info format="moodle_auto_format"><text>{info}</text></info>'
                f"<idnumber>{escape(idnumber)}</idnumber></question>"
            )
        w.lines.append(_question(w, item, doc))
        result.exported += 1
    w.lines.append("</quiz>")
    result.xml = "\n".join(w.lines) + "\n"
    return result
