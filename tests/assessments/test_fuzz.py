"""Fuzzing the importers: whatever the bytes, a parser returns a report or raises its own clean
ImportFileError — never another exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.importers import gift, moodle_xml, qti
from assessments.importers.base import ImportFileError, ParseResult

from .conftest import INTEROP

GIFT_ALPHABET = st.sampled_from(
    [
        *"{}~=#:%->\\\n ./abcAZ19数智$[]",
        *("::", "####", "\\n", "$CATEGORY:", "[html]", "//", "%50%", "%-50%", "..", "TRUE", "F"),
    ]
)
XML_PIECES = st.sampled_from(
    [
        "<quiz>",
        "</quiz>",
        '<question type="multichoice">',
        '<question type="truefalse">',
        '<question type="numerical">',
        '<question type="matching">',
        '<question type="cloze">',
        '<question type="shortanswer">',
        '<question type="ordering">',
        '<question type="category">',
        "</question>",
        "<name><text>n</text></name>",
        "<questiontext><text>",
        "</text></questiontext>",
        '<answer fraction="100"><text>true</text></answer>',
        '<answer fraction="0"><text>false</text></answer>',
        '<answer fraction="-50">',
        '<answer fraction="x">',
        "<text>1.5</text>",
        "</answer>",
        "<tolerance>a</tolerance>",
        "<subquestion><text>l</text><answer><text>r</text></answer></subquestion>",
        "<single>false</single>",
        '<file name="a.png" encoding="base64">@@@</file>',
        "<![CDATA[<p>x</p>]]>",
        "&amp;",
        "&nbsp;",
        "{1:MC:=a~b}",
        "<category><text>$course$/a//b</text></category>",
        "<units><unit><multiplier>2</multiplier></unit></units>",
    ]
)
QTI_PIECES = st.sampled_from(
    [
        '<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" '
        'identifier="i" title="t">',
        "</assessmentItem>",
        '<responseDeclaration identifier="RESPONSE" cardinality="multiple">',
        '<responseDeclaration identifier="RESPONSE" cardinality="single">',
        "</responseDeclaration>",
        "<correctResponse><value>A</value></correctResponse>",
        '<mapping defaultValue="-1" upperBound="x">',
        '<mapEntry mapKey="A" mappedValue="1"/>',
        '<mapEntry mapKey="B" mappedValue="zz"/>',
        "</mapping>",
        "<itemBody>",
        "</itemBody>",
        '<choiceInteraction responseIdentifier="RESPONSE" maxChoices="0">',
        "</choiceInteraction>",
        '<simpleChoice identifier="A">a</simpleChoice>',
        '<simpleChoice identifier="B">b</simpleChoice>',
        '<responseProcessing template="x/map_response"/>',
        "<responseProcessing/>",
        "<textEntryInteraction/>",
        '<qti-assessment-item identifier="q">',
        "</qti-assessment-item>",
    ]
)


def _clean(parser, data: bytes) -> None:
    try:
        result = parser(data, "fuzz")
    except ImportFileError as exc:
        assert exc.where and exc.reason
        return
    assert isinstance(result, ParseResult)
    for problem in result.errors:
        assert problem.where and problem.reason
    for skipped in result.skipped:
        assert skipped.reason


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(GIFT_ALPHABET, max_size=60).map("".join))
def test_gift_parser_never_crashes(text):
    _clean(gift.parse, text.encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_gift_parser_on_random_bytes(data):
    _clean(gift.parse, data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(XML_PIECES, max_size=30).map(lambda parts: "<quiz>" + "".join(parts) + "</quiz>"))
def test_moodle_xml_parser_never_crashes(text):
    _clean(moodle_xml.parse, text.encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_xml_parsers_on_random_bytes(data):
    _clean(moodle_xml.parse, data)
    _clean(qti.parse, data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(QTI_PIECES, max_size=25).map("".join))
def test_qti_parser_never_crashes(text):
    _clean(qti.parse, text.encode("utf-8"))


@pytest.mark.skipif(
    not INTEROP.is_dir(), reason="../shared/interop is not present beside the checkout"
)
@settings(max_examples=100, deadline=None)
@given(st.data())
def test_truncated_and_mutated_real_files(data):
    path = data.draw(
        st.sampled_from(sorted(p for p in INTEROP.rglob("*") if p.suffix in (".xml", ".gift")))
    )
    raw = path.read_bytes()[:20000]
    cut = data.draw(st.integers(0, len(raw)))
    flip = data.draw(st.integers(0, max(0, cut - 1)))
    mutated = raw[:flip] + data.draw(st.binary(min_size=0, max_size=3)) + raw[flip + 1 : cut]
    parser = (
        gift.parse
        if path.suffix == ".gift"
        else (qti.parse if "qti" in path.parts else moodle_xml.parse)
    )
    _clean(parser, mutated)


def test_entity_expansion_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;">]><quiz>&b;</quiz>'
    )
    with pytest.raises(ImportFileError, match="refused for safety"):
        moodle_xml.parse(bomb)
    external = (
        b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<quiz>&x;</quiz>"
    )
    with pytest.raises(ImportFileError):
        moodle_xml.parse(external)
