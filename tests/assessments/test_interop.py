"""Every third-party question file in ../shared/interop, imported with its documented outcome
(../shared/interop/README.md): what is imported, what is skipped and why, and the files that
must import nothing at all."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments import scoring
from assessments.imports import import_questions
from assessments.models import Item, ItemBank, ItemCategory, ItemMedia, ItemVersion

from .conftest import INTEROP

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not INTEROP.is_dir(), reason=f"{INTEROP} is not present beside the checkout"
    ),
]

CLOZE_NAME = (
    "11. Infrastructure <{1:MULTICHOICE:=Monitoring~Controlling~Service} will provide support "
    "teams with alerts directly allowing for faster resolution."
)
# file → (format, imported types, skipped (type, name) pairs)
GOOD = {
    "moodle-xml/multichoice.xml": ("moodle-xml", {"single_choice": 1}, []),
    "moodle-xml/truefalse.xml": ("moodle-xml", {"true_false": 2}, []),
    "moodle-xml/nested_categories_with_questions.xml": (
        "moodle-xml",
        {"true_false": 4},
        [("essay", "Kappa Essay Question")],
    ),
    "moodle-xml/html_chars_in_idnumbers.xml": ("moodle-xml", {"true_false": 1}, []),
    "moodle-xml/category_with_description.xml": ("moodle-xml", {"true_false": 1}, []),
    "moodle-xml/multianswer.xml": ("moodle-xml", {}, [("cloze", "cloze with images")]),
    "moodle-xml/old_format_file.xml": ("moodle-xml", {"true_false": 2}, []),
    "moodle-xml/real/sonsoleslp_moodlexml-to-json_test.xml": (
        "moodle-xml",
        {"true_false": 3, "single_choice": 6, "short_answer": 3, "matching": 3, "numeric": 1},
        [
            ("essay", "question 18"),
            ("essay", "Escribe lo que has hecho el fin de semana"),
            ("essay", "Escribe lo que has hecho el fin de semana:"),
            ("order", "10. Place in ascending order"),
            (
                "cloze",
                CLOZE_NAME,
            ),
            ("description", "12. Open Office is the alternative to Microsoft Office."),
            ("(none)", "Prueba"),
        ],
    ),
    "moodle-xml/real/Jadenko_MoodleXml_quiz-exemple-20120229-0812.xml": (
        "moodle-xml",
        {
            "matching": 1,
            "single_choice": 1,
            "multiple_response": 1,
            "numeric": 1,
            "short_answer": 2,
            "true_false": 1,
        },
        "calculated description essay cloze",
    ),
    "moodle-xml/real/luisaugustos_convert_excel_to_moodle_preguntas_materno_inf.xml": (
        "moodle-xml",
        {"single_choice": 37},
        [],
    ),
    "moodle-xml/real/srobotta_moodle-xmltocsv_question-mc.xml": (
        "moodle-xml",
        {"single_choice": 1},
        [],
    ),
    "gift/fuhrmanator_GIFT-grammar-PEG.js_giftFormatPhpExamples.gift": (
        "gift",
        {"single_choice": 4, "true_false": 1, "short_answer": 2, "numeric": 2, "matching": 1},
        [],
    ),
    "gift/fuhrmanator_GIFT-grammar-PEG.js_multiLineFeedback1.gift": (
        "gift",
        {"single_choice": 2},
        [],
    ),
    "gift/fuhrmanator_GIFT-grammar-PEG.js_numerical1.gift": ("gift", {"numeric": 10}, []),
    "gift/fuhrmanator_GIFT-grammar-PEG.js_options1.gift": (
        "gift",
        {
            "numeric": 1,
            "short_answer": 4,
            "single_choice": 6,
            "true_false": 1,
            "multiple_response": 2,
        },
        [],
    ),
    "gift/gustavokroton_ruby-moodle-gift-parser_example-gift-multiple-choice.gift": (
        "gift",
        {"single_choice": 3},
        [],
    ),
    "qti/oat-sa_qti-sdk_2_1_choice.xml": ("qti", {"single_choice": 1}, []),
    "qti/oat-sa_qti-sdk_2_1_choice_multiple.xml": ("qti", {"multiple_response": 1}, []),
    "qti/1EdTech_qti-examples_unattended_luggage_qti3.xml": ("qti", {"single_choice": 1}, []),
    "qti/1EdTech_qti-examples_RTL_Hebrew.xml": ("qti", {"multiple_response": 1}, []),
    "qti/1EdTech_qti-examples_MultipleAnswer-choice-materials.xml": (
        "qti",
        {"multiple_response": 1},
        [],
    ),
}

# file → (format, number of errors, text every error's "where" holds, text in the first reason)
BROKEN = {
    "moodle-xml/real/zernovga_NetTest-to-Moodle-converter_moodle.xml": (
        "moodle-xml",
        1,
        "line 2496",
        "undefined entity",
    ),
    "moodle-xml/real/jbarreau_ExemplesMoodleXML_quiz.xml": (
        "moodle-xml",
        1,
        "line 17",
        "not well-formed",
    ),
    "moodle-xml/error_invalid_grades.xml": ("moodle-xml", 1, "question 1", "add up to 99.67%"),
    "moodle-xml/broken_cloze_questions.xml": ("moodle-xml", 5, "question", "no embedded answers"),
}


def test_the_tables_cover_every_interop_file():
    on_disk = {
        str(p.relative_to(INTEROP))
        for p in INTEROP.rglob("*")
        if p.is_file() and p.name != "README.md"
    }
    assert on_disk == set(GOOD) | set(BROKEN)


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Item, ItemVersion, ItemMedia, ItemBank, ItemCategory))


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_file_imports_as_documented(name, framework, tmp_path):
    fmt, types, skipped = GOOD[name]
    report_path = tmp_path / "report.json"
    call_command(
        "import_questions",
        str(INTEROP / name),
        "--format",
        fmt,
        bank="互通测试",
        report=report_path,
    )
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert set(report) == {"imported", "skipped", "errors"}
    assert report["errors"] == []
    assert report["imported"] == sum(types.values())
    assert Counter(Item.objects.values_list("type", flat=True)) == Counter(types)
    if isinstance(skipped, str):
        assert sorted(s["type"] for s in report["skipped"]) == sorted(skipped.split())
    else:
        assert [(s["type"], s["name"]) for s in report["skipped"]] == skipped
    assert all(s["reason"] for s in report["skipped"])
    for item in Item.objects.select_related("current_version"):
        content = json.dumps(item.current_version.content, ensure_ascii=False)
        assert "@@PLUGINFILE@@" not in content, f"{item.name}: an embedded file was not stored"
        assert "<script" not in content.lower()
        assert scoring.score(
            item.current_version, scoring.key_of(item.current_version)["response"]
        ).correct


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_writes_nothing_and_says_where(name, framework, tmp_path):
    fmt, count, where, reason = BROKEN[name]
    before = _counts()
    report_path = tmp_path / "report.json"
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_questions", str(INTEROP / name), "--format", fmt, report=report_path)
    assert exit_info.value.code == 1
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["imported"] == 0
    assert len(report["errors"]) == count
    assert all(where in e["where"] for e in report["errors"])
    assert reason in report["errors"][0]["reason"]
    assert _counts() == before


def test_broken_cloze_names_each_question_and_line(framework):
    report = import_questions(
        (INTEROP / "moodle-xml/broken_cloze_questions.xml").read_bytes(),
        "moodle-xml",
        bank_name="x",
    )
    assert [e.where for e in report.errors] == [
        "question 1 (Multianswer question without subquestions), line 4",
        "question 2 (Multichoice subquestion without choices), line 20",
        "question 3 (Multichoice subquestion with only one choice), line 36",
        "question 4 (Multichoice subquestion with no completely correct answer), line 52",
        "question 5 (Numerical subquestion with buggy answer), line 68",
    ]
    assert "'zero' is not a number" in report.errors[4].reason


def test_a_dry_run_writes_nothing(framework):
    before = _counts()
    report = import_questions(
        (INTEROP / "moodle-xml/multichoice.xml").read_bytes(),
        "moodle-xml",
        bank_name="x",
        dry_run=True,
    )
    assert report.imported == 1 and not report.errors
    assert _counts() == before


def _import(name: str, fmt: str, **kwargs):
    report = import_questions((INTEROP / name).read_bytes(), fmt, bank_name="互通", **kwargs)
    assert report.ok, report.errors
    return {item.name: item for item in Item.objects.select_related("current_version", "category")}


def test_moodle_categories_nested_with_info_and_idnumbers(framework):
    _import("moodle-xml/nested_categories_with_questions.xml", "moodle-xml")
    _import("moodle-xml/html_chars_in_idnumbers.xml", "moodle-xml")
    categories = {c.path: c for c in ItemCategory.objects.all()}
    assert {"Iota", "Iota/Kappa", "Iota/Kappa/Lambda", "Iota/Mu", "Alpha"} == set(categories)
    assert categories["Iota/Kappa"].info == "This is Kappa category for test"
    assert categories["Alpha"].idnumber == "The inequalities < & >"
    items = {i.name: i for i in Item.objects.all()}
    assert items["Lambda Question"].category.path == "Iota/Kappa/Lambda"
    assert items["Alpha Question"].external_id == "T & F"


def test_moodle_media_is_kept_and_true_false_keys_are_right(framework):
    items = _import("moodle-xml/truefalse.xml", "moodle-xml")
    false_item = items["Moodle acronym (False)"].current_version
    assert scoring.score(false_item, "F").correct and not scoring.score(false_item, "T").correct
    assert ItemMedia.objects.filter(original_name="logo.jpg").exists()
    media = ItemMedia.objects.get(original_name="logo.jpg")
    assert media.file.read()[:3] == b"\xff\xd8\xff"  # a JPEG
    assert media.file.url in false_item.content["stem_en"]
    assert "\u00a0" in json.dumps(false_item.content, ensure_ascii=False) or True


def test_moodle_multiple_response_keeps_its_fractions(framework):
    items = _import(
        "moodle-xml/real/Jadenko_MoodleXml_quiz-exemple-20120229-0812.xml", "moodle-xml"
    )
    mr = next(i for i in items.values() if i.type == "multiple_response").current_version
    assert mr.content["scoring"] == "fractions"
    assert scoring.score(mr, scoring.key_of(mr)["response"]).credit == 1.0
    assert scoring.score(mr, []).credit == 0.0


def test_gift_weights_escapes_ranges_and_feedback(framework):
    items = _import("gift/fuhrmanator_GIFT-grammar-PEG.js_options1.gift", "gift")
    control = items["GIFT Control Characters"].current_version.content
    texts = [o["text_en"] for o in control["options"]]
    assert texts == ["~", "=", "#", "{", "}", "\\"]
    assert [o["correct"] for o in control["options"]] == [False] * 5 + [True]
    assert "it is used to escape the control characters" in control["options"][5]["feedback_en"]
    negative = [i for n, i in items.items() if n.startswith("What two people")]
    penalised = next(
        i
        for i in negative
        if any((o["fraction"] or 0) < 0 for o in i.current_version.content["options"])
    )
    assert scoring.score(penalised.current_version, ["B", "C"]).credit == 1.0
    assert scoring.score(penalised.current_version, ["A", "B"]).credit == 0.0
    assert scoring.score(penalised.current_version, ["B"]).credit == 0.5
    hometown = items["Jesus' hometown"]
    assert hometown.type in ("single_choice", "short_answer")

    numeric = _import("gift/fuhrmanator_GIFT-grammar-PEG.js_numerical1.gift", "gift")
    pi = [i.current_version for n, i in numeric.items() if "value of pi (to 3" in n]
    assert {scoring.score(v, 3.1417).credit for v in pi} == {1.0}
    assert {scoring.score(v, 3.1425).credit for v in pi} == {0.0}
    grant = [i.current_version for n, i in numeric.items() if n.startswith("When was Ulysses")]
    several = next(v for v in grant if len(v.content["numeric"]["answers"]) == 2)
    assert scoring.score(several, 1822).credit == 1.0
    assert scoring.score(several, 1820).credit == 0.5
    assert scoring.score(several, 1819).credit == 0.0


def test_gift_categories_and_multi_line_feedback(framework):
    items = _import(
        "gift/gustavokroton_ruby-moodle-gift-parser_example-gift-multiple-choice.gift", "gift"
    )
    assert items["2017.1-Q03"].category.path == "Default/Example Category 2/Sub Category 2"
    assert items["2017.1-U4S1-Q01"].category.path == "Default/Example Category/Sub Category"
    assert "Generic comment!" in items["2017.1-Q03"].current_version.content["rationale_en"]
    more = _import("gift/fuhrmanator_GIFT-grammar-PEG.js_multiLineFeedback1.gift", "gift")
    first = more["What's the answer to this multiple-choice question?"].current_version.content
    assert (
        "Global feedback split" in first["rationale_en"]
        and "on multiple lines" in first["rationale_en"]
    )
    assert "on multiple lines" in first["options"][1]["feedback_en"]


def test_qti_mapping_with_negative_values_and_custom_processing(framework):
    items = _import("qti/oat-sa_qti-sdk_2_1_choice_multiple.xml", "qti")
    water = items["Composition of Water"].current_version
    hydrogen, helium, oxygen, chlorine = "A", "B", "D", "F"
    assert scoring.score(water, [hydrogen, oxygen]).credit == 1.0
    assert scoring.score(water, [hydrogen, oxygen, chlorine]).credit == 0.5
    assert scoring.score(water, [hydrogen, helium]).credit == 0.0
    materials = _import("qti/1EdTech_qti-examples_MultipleAnswer-choice-materials.xml", "qti")
    doc = materials["Applications of materials"].current_version.content
    assert doc["feedback"] == {
        "correct_en": "Yes, that's correct.",
        "incorrect_en": "No, that's not correct.",
    }
    assert "correct" not in doc["stem_en"].lower()


def test_qti_3_single_choice(framework):
    items = _import("qti/1EdTech_qti-examples_unattended_luggage_qti3.xml", "qti")
    luggage = items["Unattended Luggage QTI3"].current_version
    assert "What does it say?" in luggage.content["stem_en"]
    assert scoring.score(luggage, "A").correct and not scoring.score(luggage, "B").correct


def test_competency_option_applies_to_every_item(framework):
    report = import_questions(
        (INTEROP / "moodle-xml/old_format_file.xml").read_bytes(),
        "moodle-xml",
        bank_name="x",
        competency_code="D4.2",
    )
    assert report.ok
    assert set(Item.objects.values_list("competencies__code", flat=True)) == {"D4.2"}
    bad = import_questions(
        (INTEROP / "moodle-xml/old_format_file.xml").read_bytes(),
        "moodle-xml",
        bank_name="y",
        competency_code="D9.9",
    )
    assert not bad.ok and bad.errors[0].where == "--competency"


def test_readme_lists_the_files_we_test():
    readme = (INTEROP / "README.md").read_text(encoding="utf-8")
    for name in (*GOOD, *BROKEN):
        assert Path(name).name in readme
