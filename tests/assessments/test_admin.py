"""The item bank in the Wagtail admin: editing with versions, previews, import with preview."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from assessments.models import Item, ItemBank, ItemVersion, QuestionImport
from assessments.scoring import public_view

from .conftest import INTEROP

pytestmark = pytest.mark.django_db


def _options(rows, item=None):
    existing = list(item.options.values_list("pk", flat=True)) if item else []
    return inline_formset(
        [
            {
                "key": key,
                "text_zh": text,
                "text_en": "",
                "correct": correct,
                "fraction": "",
                "feedback_zh": "",
                "feedback_en": "",
                **({"id": existing[index]} if index < len(existing) else {}),
            }
            for index, (key, text, correct) in enumerate(rows)
        ],
        initial=len(existing),
        min=2,
    )


def _single_choice_post(bank, stem, rows, status="draft", item=None):
    return nested_form_data(
        {
            "name": "测试题",
            "stem_zh": streamfield([("text", rich_text(f"<p>{stem}</p>"))]),
            "stem_en": streamfield([]),
            "rationale_zh": streamfield([("text", rich_text("<p>理由</p>"))]),
            "rationale_en": streamfield([]),
            "options": _options(rows, item),
            "feedback_correct_zh": "",
            "feedback_correct_en": "",
            "feedback_partial_zh": "",
            "feedback_partial_en": "",
            "feedback_incorrect_zh": "",
            "feedback_incorrect_en": "",
            "bank": bank.pk,
            "category": "",
            "ref": "",
            "status": status,
            "target_level": "2",
            "case_id": "",
            "default_mark": "1",
        }
    )


@pytest.fixture
def trainer_client(client, world):
    client.force_login(world.trainer)
    return client


def test_trainer_creates_an_item_and_editing_an_operational_item_makes_a_new_version(
    trainer_client,
):
    bank = ItemBank.objects.create(name="测试题库")
    add = reverse("wagtailsnippets_assessments_item:add") + "?type=single_choice"
    response = trainer_client.post(
        add,
        _single_choice_post(
            bank, "第一版题干", [("A", "对", True), ("B", "错", False)], "operational"
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = Item.objects.get()
    first = item.current_version
    assert (first.number, first.locked) == (1, True)
    assert "第一版题干" in first.content["stem_zh"]

    edit = reverse("wagtailsnippets_assessments_item:edit", args=[item.pk])
    response = trainer_client.post(
        edit,
        _single_choice_post(
            bank, "第二版题干", [("A", "对", False), ("B", "错", True)], "operational", item
        ),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current_version.number == 2
    old = ItemVersion.objects.get(pk=first.pk)
    assert old.content == first.content, "the version attempts saw must not change"
    assert "第一版题干" in old.content["stem_zh"]
    assert [o["correct"] for o in item.current_version.content["options"]] == [False, True]


def test_saving_without_changes_keeps_the_version(trainer_client):
    bank = ItemBank.objects.create(name="测试题库")
    add = reverse("wagtailsnippets_assessments_item:add") + "?type=single_choice"
    data = _single_choice_post(bank, "题干", [("A", "对", True), ("B", "错", False)], "operational")
    trainer_client.post(add, data)
    item = Item.objects.get()
    again = _single_choice_post(
        bank, "题干", [("A", "对", True), ("B", "错", False)], "operational", item
    )
    trainer_client.post(reverse("wagtailsnippets_assessments_item:edit", args=[item.pk]), again)
    assert item.versions.count() == 1


def test_a_draft_edit_updates_its_unlocked_version(trainer_client):
    bank = ItemBank.objects.create(name="测试题库")
    add = reverse("wagtailsnippets_assessments_item:add") + "?type=single_choice"
    trainer_client.post(
        add, _single_choice_post(bank, "草稿", [("A", "对", True), ("B", "错", False)])
    )
    item = Item.objects.get()
    trainer_client.post(
        reverse("wagtailsnippets_assessments_item:edit", args=[item.pk]),
        _single_choice_post(bank, "草稿二", [("A", "对", True), ("B", "错", False)], item=item),
    )
    assert item.versions.count() == 1
    assert "草稿二" in item.versions.get().content["stem_zh"]


def test_an_item_without_a_key_is_refused_with_the_reason(trainer_client):
    bank = ItemBank.objects.create(name="测试题库")
    add = reverse("wagtailsnippets_assessments_item:add") + "?type=single_choice"
    response = trainer_client.post(
        add, _single_choice_post(bank, "题干", [("A", "对", False), ("B", "错", False)])
    )
    assert response.status_code == 200
    assert "必须且只能有一个正确选项" in response.content.decode()  # shown in the admin's language
    assert not Item.objects.exists()


def test_a_script_in_a_stem_never_survives(trainer_client):
    bank = ItemBank.objects.create(name="测试题库")
    add = reverse("wagtailsnippets_assessments_item:add") + "?type=single_choice"
    data = _single_choice_post(bank, "x", [("A", "对", True), ("B", "错", False)])
    data.update(
        nested_form_data(
            {
                "stem_zh": streamfield(
                    [
                        (
                            "html",
                            '<p onclick="steal()">题干<script>alert(1)</script>'
                            '<a href="javascript:alert(2)">链接</a></p>',
                        )
                    ]
                )
            }
        )
    )
    assert trainer_client.post(add, data).status_code == 302
    stem = Item.objects.get().current_version.content["stem_zh"]
    assert "题干" in stem
    for bad in ("<script", "alert(", "onclick", "javascript:"):
        assert bad not in stem


def test_type_chooser_list_and_previews(trainer_client, examples):
    listing = trainer_client.get(
        reverse("wagtailsnippets_assessments_item:list"), {"type": "matching"}
    )
    assert listing.status_code == 200
    assert "EX-M07-MATCH-1" in listing.content.decode()
    assert "EX-M04-MC-1" not in listing.content.decode()
    chooser = trainer_client.get(reverse("wagtailsnippets_assessments_item:add"))
    assert "?type=sjt_rate" in chooser.content.decode()
    item = examples["EX-M04-SJT-1"]
    edit = trainer_client.get(reverse("wagtailsnippets_assessments_item:edit", args=[item.pk]))
    assert edit.status_code == 200
    preview = reverse("item_versions:preview", args=[item.current_version.pk])
    cadre_view = trainer_client.get(preview).content.decode()
    with_key = trainer_client.get(preview, {"mode": "key"}).content.decode()
    assert "停用该传感器" in cadre_view
    assert "keyed worst" not in cadre_view and "Key and scoring" not in cadre_view
    assert "Key and scoring" in with_key or "答案与计分" in with_key


def test_search_finds_chinese_substrings(trainer_client, examples):
    response = trainer_client.get(reverse("wagtailsnippets_assessments_item:list"), {"q": "化粪池"})
    assert "EX-M04-MS-1" in response.content.decode()
    assert "EX-M07-MATCH-1" not in response.content.decode()


def test_cadre_cannot_reach_the_bank(client, world, examples):
    client.force_login(world.cadre_a.user)
    version = examples["EX-M04-MC-1"].current_version
    for url in (
        reverse("wagtailsnippets_assessments_item:list"),
        reverse("item_versions:preview", args=[version.pk]),
        reverse("question_files:upload"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url


@pytest.mark.skipif(
    not INTEROP.is_dir(), reason="../shared/interop is not present beside the checkout"
)
def test_admin_import_previews_then_imports_on_confirmation(
    trainer_client, world, django_capture_on_commit_callbacks
):
    path = INTEROP / "moodle-xml" / "nested_categories_with_questions.xml"
    with path.open("rb") as fh:
        response = trainer_client.post(
            reverse("question_files:upload"),
            {"file": fh, "format": "moodle-xml", "bank": "导入题库", "competency": "D1.1"},
        )
    assert response.status_code == 302
    record = QuestionImport.objects.get()
    assert not Item.objects.exists(), "the preview writes nothing"
    page = trainer_client.get(response.url).content.decode()
    assert "Iota Question" in page and "Kappa Essay Question" in page
    with django_capture_on_commit_callbacks(execute=True):
        trainer_client.post(reverse("question_files:confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == "imported"
    assert Item.objects.count() == 4
    assert set(Item.objects.values_list("competencies__code", flat=True)) == {"D1.1"}
    # Confirming again imports nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        trainer_client.post(reverse("question_files:confirm", args=[record.pk]))
    assert Item.objects.count() == 4


@pytest.mark.skipif(
    not INTEROP.is_dir(), reason="../shared/interop is not present beside the checkout"
)
def test_admin_import_of_a_broken_file_offers_no_confirmation(trainer_client, world):
    path = INTEROP / "moodle-xml" / "error_invalid_grades.xml"
    with path.open("rb") as fh:
        response = trainer_client.post(
            reverse("question_files:upload"), {"file": fh, "format": "moodle-xml", "bank": "x"}
        )
    record = QuestionImport.objects.get()
    page = trainer_client.get(response.url).content.decode()
    assert "99.67" in page
    assert reverse("question_files:confirm", args=[record.pk]) not in page
    trainer_client.post(reverse("question_files:confirm", args=[record.pk]))
    assert not Item.objects.exists()


def test_public_view_of_every_example_has_no_key(examples):
    for item in examples.values():
        view = public_view(item.current_version)
        assert not {"correct", "fraction", "score", "sme_mean", "worst_key"} & set(
            str(view).split("'")
        )


def test_hr_gets_no_page_of_the_bank(client, world, examples):
    """HR officers have admin access for their own tools, but not to items or their keys."""
    client.force_login(world.hr_a)
    version = examples["EX-M04-MC-1"].current_version
    for url in (
        reverse("wagtailsnippets_assessments_item:list"),
        reverse("wagtailsnippets_assessments_item:edit", args=[version.item_id]),
        reverse("wagtailsnippetchoosers_assessments_item:choose"),
        reverse("item_versions:preview", args=[version.pk]),
        reverse("question_files:upload"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "停用该传感器" not in response.content.decode()


def test_live_preview_shows_unsaved_edits_without_and_with_the_key(trainer_client):
    bank = ItemBank.objects.create(name="测试题库")
    add = reverse("wagtailsnippets_assessments_item:add") + "?type=single_choice"
    rows = [("A", "甲", True), ("B", "乙", False)]
    trainer_client.post(add, _single_choice_post(bank, "原题干", rows))
    item = Item.objects.get()
    url = reverse("wagtailsnippets_assessments_item:preview_on_edit", args=[item.pk])
    edited = _single_choice_post(
        bank, "未保存的题干", [("A", "甲", True), ("B", "乙", False)], item=item
    )
    state = trainer_client.post(url, edited).json()
    assert state["is_valid"] and state["is_available"]
    cadre_view = trainer_client.get(url).content.decode()
    with_key = trainer_client.get(url, {"mode": "key"}).content.decode()
    assert "未保存的题干" in cadre_view and "✔" not in cadre_view
    assert "✔" in with_key
    assert "原题干" in item.current_version.content["stem_zh"], "a preview saves nothing"
