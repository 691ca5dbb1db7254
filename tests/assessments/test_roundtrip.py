"""Export a bank to Moodle XML and import it again: the same questions, scored the same."""

from __future__ import annotations

import itertools

import pytest

from assessments import content as c
from assessments import scoring
from assessments.exporters import export_bank
from assessments.imports import import_questions
from assessments.models import Item, ItemBank
from assessments.services import ItemRecord, get_bank, store_media, write_record

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _opts(*rows):
    return [{"key": k, "text_zh": zh, "text_en": en, **extra} for k, zh, en, extra in rows]


def _docs(image_url: str) -> dict[str, dict]:
    stem = {
        "stem_zh": f'<p>题干 <img src="{image_url}" alt="图"></p>',
        "stem_en": "<p>Stem &amp; more</p>",
    }
    why = {"rationale_zh": "<p>理由</p>", "rationale_en": "<p>Why</p>"}
    base = {
        **stem,
        **why,
        "feedback": {"correct_zh": "<p>对了</p>", "incorrect_en": "<p>Wrong</p>"},
    }
    return {
        "single key": {
            **base,
            "type": c.SINGLE_CHOICE,
            "options": _opts(
                ("A", "甲", "Alpha", {"correct": False, "feedback_zh": "<p>不对</p>"}),
                ("B", "乙", "Beta", {"correct": True}),
                ("C", "丙", "", {"correct": False}),
            ),
        },
        "single fractions": {
            **base,
            "type": c.SINGLE_CHOICE,
            "options": _opts(
                ("A", "甲", "A", {"fraction": 1.0}),
                ("B", "乙", "B", {"fraction": 0.5}),
                ("C", "丙", "C", {"fraction": -0.3333333}),
            ),
        },
        "mr partial": {
            **base,
            "type": c.MULTIPLE_RESPONSE,
            "scoring": c.MR_PARTIAL,
            "options": _opts(
                *[(k, f"选项{k}", f"Option {k}", {"correct": k in "ACD"}) for k in "ABCDE"]
            ),
        },
        "mr fractions": {
            **base,
            "type": c.MULTIPLE_RESPONSE,
            "scoring": c.MR_FRACTIONS,
            "options": _opts(
                ("A", "甲", "A", {"fraction": 0.5}),
                ("B", "乙", "B", {"fraction": 0.5}),
                ("C", "丙", "C", {"fraction": -1.0}),
                ("D", "丁", "D", {"fraction": 0.0}),
            ),
        },
        "mr all or nothing": {
            **base,
            "type": c.MULTIPLE_RESPONSE,
            "scoring": c.MR_ALL_OR_NOTHING,
            "options": _opts(
                ("A", "甲", "A", {"correct": True}),
                ("B", "乙", "B", {"correct": True}),
                ("C", "丙", "C", {"correct": False}),
            ),
        },
        "true false": {
            **base,
            "type": c.TRUE_FALSE,
            "options": _opts(
                ("T", "正确", "True", {"correct": False, "feedback_en": "<p>No</p>"}),
                ("F", "错误", "False", {"correct": True}),
            ),
        },
        "numeric": {
            **base,
            "type": c.NUMERIC,
            "numeric": {
                "unit": "% vol",
                "answers": [
                    {
                        "answer": 1.25,
                        "tolerance": 0.01,
                        "fraction": 1.0,
                        "feedback_zh": "<p>好</p>",
                    },
                    {"min": 1.0, "max": 2.0, "fraction": 0.5},
                    {"any": True, "fraction": 0.0, "feedback_en": "<p>Try again</p>"},
                ],
            },
        },
        "short answer": {
            **base,
            "type": c.SHORT_ANSWER,
            "case_sensitive": True,
            "short_answers": [
                {"text_zh": "个人信息保护法", "text_en": "PIPL", "fraction": 1.0},
                {"text_zh": "个保*", "text_en": "", "fraction": 0.5},
            ],
        },
        "matching": {
            **base,
            "type": c.MATCHING,
            "pairs": [
                {
                    "left_zh": "<p>市级</p>",
                    "left_en": "<p>City</p>",
                    "right_zh": "城市大脑",
                    "right_en": "City brain",
                },
                {
                    "left_zh": "<p>区县</p>",
                    "left_en": "",
                    "right_zh": "实战枢纽 &amp; 平台",
                    "right_en": "",
                },
                {"left_zh": "<p>镇街</p>", "left_en": "", "right_zh": "执行末端", "right_en": ""},
                {"left_zh": "", "left_en": "", "right_zh": "数据仓库", "right_en": ""},
            ],
        },
        **{
            f"ordering {mode}": {
                **base,
                "type": c.ORDERING,
                "scoring": mode,
                "sequence": [
                    {"text_zh": f"<p>第{n}步</p>", "text_en": f"<p>Step {n}</p>"}
                    for n in range(1, 5)
                ],
            }
            for mode in c.ORDER_MODES
        },
    }


def _responses(doc):
    """Enough responses to tell scoring rules apart, shaped as score() accepts them."""
    t = doc["type"]
    keys = [o["key"] for o in doc.get("options", [])]
    if t in (c.SINGLE_CHOICE, c.TRUE_FALSE):
        return [None, *keys]
    if t == c.MULTIPLE_RESPONSE:
        return [list(s) for n in range(len(keys) + 1) for s in itertools.combinations(keys, n)]
    if t == c.NUMERIC:
        return [None, 1.25, 1.26, 1.27, 1.0, 2.0, 2.5, "1.255"]
    if t == c.SHORT_ANSWER:
        return [None, "PIPL", "pipl", "个人信息保护法", "个保法", "其他"]
    if t == c.MATCHING:
        view = scoring.public_view(doc)
        rights = [r["id"] for r in view["rights"]]
        lefts = [left["key"] for left in view["lefts"]]
        return [
            dict(zip(lefts, p, strict=False)) for p in itertools.permutations(rights, len(lefts))
        ]
    view = scoring.public_view(doc)
    return [list(p) for p in itertools.permutations([s["id"] for s in view["steps"]])]


def test_round_trip_through_moodle_xml_keeps_questions_and_scoring(framework):
    media = store_media("diagram.png", PNG)
    source = get_bank("源题库")
    for name, doc in _docs(media.file.url).items():
        write_record(
            ItemRecord(
                name=name,
                content=doc,
                competency_codes=["D2.3", "D6.4"],
                target_level=3,
                case_id="M04",
                status="operational",
                category_path="演练/第一组",
                keywords=["城市安全"],
            ),
            source,
            source="authored",
        )
    # The ten examples (including the SJT items Moodle cannot hold) join the same bank.
    from assessments.demo import seed_items

    from .conftest import EXAMPLES

    seed_items([EXAMPLES], bank_name="源题库")
    exported = export_bank(source)
    assert {s.type for s in exported.skipped} == {c.SJT_BEST_WORST, c.SJT_RATE}
    originals = {i.name: i for i in Item.objects.filter(bank=source)}

    report = import_questions(exported.xml.encode("utf-8"), "moodle-xml", bank_name="回来的题库")
    assert report.ok, report.errors
    assert report.imported == exported.exported == len(originals) - 2
    back = {i.name: i for i in Item.objects.filter(bank__name="回来的题库")}
    assert set(back) == {
        n for n, i in originals.items() if i.type not in (c.SJT_BEST_WORST, c.SJT_RATE)
    }
    for name, copy in back.items():
        original = originals[name]
        old, new = original.current_version.content, copy.current_version.content
        assert copy.type == original.type, name
        assert new["stem_zh"] == old["stem_zh"] and new["stem_en"] == old["stem_en"], name
        assert new["rationale_zh"] == old["rationale_zh"], name
        assert new.get("scoring") == old.get("scoring"), name
        assert copy.competency_codes == original.competency_codes, name
        assert (copy.target_level, copy.case_id, copy.status) == (
            original.target_level,
            original.case_id,
            original.status,
        ), name
        assert (copy.category.path if copy.category else "") == (
            original.category.path if original.category else ""
        ), name
        for response in _responses(old):
            assert scoring.score(new, response).credit == pytest.approx(
                scoring.score(old, response).credit
            ), (name, response)
    image_item = back["single key"].current_version.content
    assert media.file.url in image_item["stem_zh"], (
        "the embedded picture comes back as the same file"
    )
    assert ItemBank.objects.count() == 2


def test_export_of_an_empty_bank_is_a_valid_moodle_file(framework):
    bank = get_bank("空")
    result = export_bank(bank)
    assert result.exported == 0
    report = import_questions(result.xml.encode(), "moodle-xml", bank_name="空2")
    assert report.ok and report.imported == 0
