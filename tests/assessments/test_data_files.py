"""The item data files: validation that names the ref, and an idempotent demo loader."""

from __future__ import annotations

import json

import pytest

from assessments.data_files import DataFileError
from assessments.demo import seed_items
from assessments.models import Item, ItemVersion

from .conftest import EXAMPLES

pytestmark = pytest.mark.django_db


def _write(tmp_path, entries, name="items.json"):
    path = tmp_path / name
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return path


def _mc(ref="T-MC-1", **changes):
    entry = {
        "ref": ref,
        "type": "single_choice",
        "competencies": ["D2.3"],
        "target_level": 2,
        "case": "M04",
        "stem_zh": "题干",
        "stem_en": "Stem",
        "rationale_zh": "理由",
        "rationale_en": "Why",
        "options": [
            {
                "key": "A",
                "text_zh": "甲",
                "text_en": "A",
                "correct": True,
                "score": None,
                "sme_mean": None,
            },
            {
                "key": "B",
                "text_zh": "乙",
                "text_en": "B",
                "correct": False,
                "score": None,
                "sme_mean": None,
            },
        ],
        "status": "operational",
    }
    entry.update(changes)
    return entry


def test_examples_cover_every_type_and_load_idempotently(framework):
    first = seed_items([EXAMPLES])
    assert first == {"created": 10, "updated": 0}
    assert set(Item.objects.values_list("type", flat=True)) == {
        "single_choice",
        "multiple_response",
        "true_false",
        "numeric",
        "short_answer",
        "matching",
        "ordering",
        "sjt_best_worst",
        "sjt_rate",
    }
    versions = ItemVersion.objects.count()
    again = seed_items([EXAMPLES])
    assert again == {"created": 0, "updated": 10}
    assert Item.objects.count() == 10 and ItemVersion.objects.count() == versions
    item = Item.objects.get(ref="EX-M04-MC-1")
    assert item.competency_codes == "D2.3" and item.target_level == 2 and item.case_id == "M04"
    table = Item.objects.get(ref="EX-M01-MC-1").current_version.content["stem_zh"]
    assert "<table>" in table and "<caption>" in table


def test_a_changed_operational_item_gets_a_new_version(framework, tmp_path):
    seed_items([_write(tmp_path, [_mc()])])
    seed_items([_write(tmp_path, [_mc(stem_zh="新题干")])])
    item = Item.objects.get(ref="T-MC-1")
    assert list(item.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert "新题干" in item.current_version.content["stem_zh"]
    assert "题干" in item.versions.get(number=1).content["stem_zh"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_mc(type="essay"), "T-MC-1: unknown type 'essay'"),
        (_mc(competencies=["D9.9"]), "T-MC-1: unknown competency code(s): D9.9"),
        (_mc(competencies=[]), "T-MC-1: 'competencies' must list at least one"),
        (_mc(target_level=7), "T-MC-1: 'target_level' must be 1–5"),
        (_mc(stem_zh=""), "T-MC-1: 'stem_zh' (the Chinese stem) is required"),
        (_mc(status="live"), "T-MC-1: 'status' must be one of"),
        (
            _mc(numeric={"answer": 1}),
            "T-MC-1: field(s) numeric do not belong to a single_choice item",
        ),
        (
            _mc(
                options=[
                    {"key": "A", "text_zh": "甲", "correct": False},
                    {"key": "B", "text_zh": "乙", "correct": False},
                ]
            ),
            "T-MC-1: exactly one option must be correct",
        ),
        ({**_mc(), "ref": ""}, "'ref' is required"),
        (
            {
                "ref": "S-1",
                "type": "sjt_best_worst",
                "competencies": ["D2.3"],
                "stem_zh": "题",
                "options": [
                    {"key": k, "text_zh": k, "score": s} for k, s in (("A", -2), ("B", 1), ("C", 2))
                ],
                "worst_key": "C",
            },
            "S-1: the keyed worst option C scores +2",
        ),
        (
            {
                "ref": "R-1",
                "type": "sjt_rate",
                "competencies": ["D2.3"],
                "stem_zh": "题",
                "options": [
                    {"key": k, "text_zh": k, "sme_mean": m} for k, m in (("A", 0.5), ("B", 4))
                ],
            },
            "R-1: option A: the SME mean must be between 1 and 6",
        ),
    ],
)
def test_invalid_entries_are_reported_by_ref_and_nothing_is_written(
    framework, tmp_path, entry, message
):
    path = _write(tmp_path, [_mc("OK-1"), entry])
    with pytest.raises(DataFileError) as error:
        seed_items([path])
    assert any(message in problem for problem in error.value.problems), error.value.problems
    assert not Item.objects.exists()


def test_a_ref_used_twice_is_reported_with_both_files(framework, tmp_path):
    first = _write(tmp_path, [_mc()], "a.json")
    second = _write(tmp_path, [_mc()], "b.json")
    with pytest.raises(DataFileError, match=r"T-MC-1: ref T-MC-1 is already used in a\.json"):
        seed_items([first, second])


def test_a_file_that_is_not_json_is_reported(framework, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"broken\.json: cannot be read as JSON"):
        seed_items([path])
