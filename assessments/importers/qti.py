"""IMS QTI 2.1/2.2 and 3.0 items with one choice interaction (single choice or multiple
response), as single XML files or inside a content package (.zip with imsmanifest.xml).

QTI 3.0's names (``qti-choice-interaction``, ``max-choices``) are mapped onto 2.x's
(``choiceInteraction``, ``maxChoices``) so one reader serves both. Scoring follows the response
processing: the ``match_correct`` template (all or nothing), ``map_response`` (the mapping's
values, negative ones included, as answer fractions of the maximum), or custom processing we can
recognise as one of those two (``mapResponse`` assigned to SCORE; ``match`` of the response with
the correct response). Feedback the processing selects when the score is full or not becomes
the item's correct / incorrect feedback. Other interactions are skipped with the reason.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
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
    option_keys,
)
from .moodle_xml import parse_xml

_FEEDBACK = {"feedbackInline", "feedbackBlock", "modalFeedback"}


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _normalise(element: ET.Element) -> None:
    """Strip namespaces; map QTI 3 names onto QTI 2 names, in place."""
    for node in element.iter():
        tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else node.tag
        if isinstance(tag, str) and tag.startswith("qti-"):
            tag = _camel(tag[4:])
        node.tag = tag
        for key in list(node.attrib):
            local = key.rsplit("}", 1)[-1]
            new = "lang" if key.endswith("}lang") else (_camel(local) if "-" in local else local)
            if new != key:
                node.attrib[new] = node.attrib.pop(key)


def _inner_html(element: ET.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(ET.tostring(child, encoding="unicode", method="html"))
    return "".join(parts)


def _response_declarations(item: ET.Element) -> dict[str, dict[str, Any]]:
    declarations = {}
    for decl in item.findall("responseDeclaration"):
        mapping = decl.find("mapping")
        declarations[decl.get("identifier", "")] = {
            "cardinality": decl.get("cardinality", "single"),
            "correct": [v.text.strip() for v in decl.findall("correctResponse/value") if v.text],
            "mapping": None
            if mapping is None
            else {
                "default": float(mapping.get("defaultValue", "0")),
                "lower": _maybe_float(mapping.get("lowerBound")),
                "upper": _maybe_float(mapping.get("upperBound")),
                "entries": {
                    e.get("mapKey", ""): float(e.get("mappedValue", "0"))
                    for e in mapping.findall("mapEntry")
                },
            },
        }
    return declarations


def _maybe_float(value: str | None) -> float | None:
    return float(value) if value not in (None, "") else None


def _processing(item: ET.Element) -> tuple[str, dict[str, str]]:
    """('match_correct' | 'map_response' | reason it is not understood, feedback ids)."""
    rp = item.find("responseProcessing")
    if rp is None:
        return "match_correct", {}
    template = rp.get("template") or rp.get("templateLocation") or ""
    if template:
        name = posixpath.basename(template.rstrip("/")).removesuffix(".xml")
        if name in ("match_correct", "map_response"):
            return name, {}
        return f"the response-processing template {name} is not supported", {}
    sets = [s for s in rp.iter("setOutcomeValue") if s.get("identifier") == "SCORE"]
    if any(s.find(".//mapResponse") is not None for s in sets):
        kind = "map_response"
    elif any(
        m.find("variable") is not None and m.find("correct") is not None for m in rp.iter("match")
    ):
        kind = "match_correct"
    else:
        return "custom response processing that is neither a mapping nor a match", {}
    return kind, _feedback_ids(rp)


def _feedback_ids(rp: ET.Element) -> dict[str, str]:
    """Feedback chosen by 'if SCORE equals/ reaches the maximum then … else …'."""
    ids: dict[str, str] = {}
    for condition in rp.iter("responseCondition"):
        branch_if, branch_else = condition.find("responseIf"), condition.find("responseElse")
        if branch_if is None or branch_if.find("equal/variable[@identifier='SCORE']") is None:
            continue
        for kind, branch in (("correct", branch_if), ("incorrect", branch_else)):
            if branch is None:
                continue
            for outcome in branch.findall("setOutcomeValue"):
                value = outcome.findtext("baseValue")
                if outcome.get("identifier") == "FEEDBACK" and value:
                    ids[kind] = value.strip()
    return ids


def _item(root: ET.Element, where: str, files: dict[str, bytes]) -> ItemRecord | Skipped:
    title = root.get("title") or root.get("identifier") or where
    body = root.find("itemBody")
    if body is None:
        raise QuestionError("the item has no itemBody")
    interactions = [
        n for n in body.iter() if isinstance(n.tag, str) and n.tag.endswith("Interaction")
    ]
    kinds = sorted({n.tag for n in interactions})
    if kinds != ["choiceInteraction"] or len(interactions) != 1:
        shown = ", ".join(kinds) or "none"
        return Skipped(
            title,
            f"qti:{shown}",
            f"only items with one choice interaction are supported (found {shown})",
        )
    interaction = interactions[0]
    declaration = _response_declarations(root).get(interaction.get("responseIdentifier", ""))
    if declaration is None:
        raise QuestionError("the choice interaction has no response declaration")
    kind, feedback_ids = _processing(root)
    if kind not in ("match_correct", "map_response"):
        return Skipped(title, "qti:choiceInteraction", f"{kind}")
    choices = interaction.findall("simpleChoice")
    keys = dict(
        zip([ch.get("identifier", "") for ch in choices], option_keys(len(choices)), strict=True)
    )
    multiple = declaration["cardinality"] == "multiple"
    options = []
    for choice in choices:
        for nested in list(choice):
            if nested.tag in _FEEDBACK:
                choice.remove(nested)
        zh, en = bilingual(_inner_html(choice))
        options.append(
            {
                "key": keys[choice.get("identifier", "")],
                "text_zh": zh,
                "text_en": en,
                "correct": choice.get("identifier") in declaration["correct"],
                "fraction": None,
            }
        )
    doc: dict[str, Any] = {"options": options, "feedback": {}}
    if kind == "map_response":
        mapping = declaration["mapping"]
        if mapping is None:
            raise QuestionError("map_response is used but the response declaration has no mapping")
        values = {
            ch.get("identifier", ""): mapping["entries"].get(
                ch.get("identifier", ""), mapping["default"]
            )
            for ch in choices
        }
        positive = sum(v for v in values.values() if v > 0) if multiple else max(values.values())
        top = positive if mapping["upper"] is None else min(mapping["upper"], positive)
        if top <= 0:
            raise QuestionError("no choice earns any score under the mapping")
        if multiple and top < positive - 1e-9:
            return Skipped(
                title,
                "qti:choiceInteraction",
                "the mapping's upper bound caps the score below the sum of the positive values",
            )
        for option, choice in zip(options, choices, strict=True):
            option["fraction"] = values[choice.get("identifier", "")] / top
            option["correct"] = option["fraction"] > 0
        doc.update(type=c.MULTIPLE_RESPONSE if multiple else c.SINGLE_CHOICE)
        if multiple:
            doc["scoring"] = c.MR_FRACTIONS
    elif multiple:
        doc.update(type=c.MULTIPLE_RESPONSE, scoring=c.MR_ALL_OR_NOTHING)
    else:
        doc["type"] = c.SINGLE_CHOICE
    # Everything in the body but the interaction, its choices and any feedback is the stem.
    feedback_texts: dict[str, str] = {}
    for parent in body.iter():
        for child in list(parent):
            if child.tag in _FEEDBACK:
                feedback_texts[child.get("identifier", "")] = _inner_html(child).strip()
                parent.remove(child)
    for parent in body.iter():
        for index, child in enumerate(list(parent)):
            if child is interaction:
                prompt = interaction.find("prompt")
                parent.remove(child)
                if prompt is not None:
                    prompt.tag = "p"
                    parent.insert(index, prompt)
    for modal in root.findall("modalFeedback"):
        feedback_texts[modal.get("identifier", "")] = _inner_html(modal).strip()
    doc["stem_zh"], doc["stem_en"] = bilingual(_inner_html(body))
    doc["rationale_zh"] = doc["rationale_en"] = ""
    for outcome, identifier in feedback_ids.items():
        zh, en = bilingual(feedback_texts.get(identifier, ""))
        doc["feedback"].update(
            {k: v for k, v in ((f"{outcome}_zh", zh), (f"{outcome}_en", en)) if v}
        )
    return ItemRecord(
        name=title[:255],
        content=doc,
        external_id=root.get("identifier", ""),
        where=where,
        files={name: data for name, data in files.items() if name in _inner_html(body)},
    )


def _one(data: bytes, where: str, files: dict[str, bytes], result: ParseResult) -> None:
    root = parse_xml(data)
    _normalise(root)
    if root.tag == "questestinterop":
        raise ImportFileError(where, "QTI 1.x files are not supported; export QTI 2.1 or 3.0")
    if root.tag != "assessmentItem":
        raise ImportFileError(where, f"not a QTI assessment item (root <{root.tag}>)")
    try:
        parsed = _item(root, where, files)
    except QuestionError as exc:
        result.errors.append(
            Problem(f"{where} ({root.get('title') or root.get('identifier')})", str(exc))
        )
        return
    except (ValueError, TypeError) as exc:
        result.errors.append(Problem(where, f"a value in the item cannot be read ({exc})"))
        return
    if isinstance(parsed, Skipped):
        result.skipped.append(parsed)
    else:
        result.records.append(parsed)


def _local_file(local: dict[str, bytes]):
    """Point references to files inside the package at @@PLUGINFILE@@, like Moodle XML."""

    def replace(match: re.Match) -> str:
        if match.group(2) in local:
            return f'{match.group(1)}="@@PLUGINFILE@@/{match.group(2)}"'
        return match.group(0)

    return replace


def parse(data: bytes, filename: str = "") -> ParseResult:
    result = ParseResult()
    if not data.startswith(b"PK"):
        _one(data, filename or "item", {}, result)
        return result
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        manifest = parse_xml(package.read("imsmanifest.xml"))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ImportFileError(
            "package", f"not a QTI content package with imsmanifest.xml ({exc})"
        ) from exc
    _normalise(manifest)
    hrefs = [
        r.get("href", "")
        for r in manifest.iter("resource")
        if "item" in (r.get("type") or "") and r.get("href")
    ]
    media = {}
    for name in package.namelist():
        if (
            not name.lower().endswith((".xml", "/"))
            and package.getinfo(name).file_size < 20_000_000
        ):
            media[name] = package.read(name)
    for href in hrefs:
        base = posixpath.dirname(href)
        try:
            data_item = package.read(href)
        except KeyError:
            result.errors.append(
                Problem(href, "the manifest names a file the package does not contain")
            )
            continue
        local = {posixpath.relpath(n, base) if base else n: d for n, d in media.items()}
        text = data_item.decode("utf-8", errors="replace")
        rewritten = re.sub(r'(src|href)="(?!https?:|@@)([^"]+)"', _local_file(local), text)
        _one(rewritten.encode("utf-8"), href, local, result)
    return result
