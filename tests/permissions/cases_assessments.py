"""Matrix cases for the item bank's admin screens (assessments).

Trainers and administrators reach them; everyone else does not. Anonymous visitors and cadres
(no admin access) are sent to the admin login. HR officers have admin access for their own
tools; Wagtail answers their requests for the bank by redirecting to the dashboard with a
"permission denied" message (a 302 the matrix cannot tell from success, hence ANY here), or with
403 — tests/assessments/test_admin.py asserts they never get a page of the bank.
"""

from .matrix import ANY, LOGIN, OK, Case

STAFF_ONLY = {"anonymous": LOGIN, "cadre_a": LOGIN, "hr_a": ANY, "trainer": OK, "admin": OK}


def _objects(world):
    """A bank with one item (and its version), a category and an uploaded file."""
    from django.core.files.base import ContentFile

    from assessments.models import ItemCategory, QuestionImport
    from assessments.services import ItemRecord, get_bank, write_record

    bank = get_bank("权限测试题库")
    item, _created = write_record(
        ItemRecord(
            name="权限测试题",
            content={
                "type": "single_choice",
                "stem_zh": "<p>题干</p>",
                "options": [
                    {"key": "A", "text_zh": "甲", "correct": True},
                    {"key": "B", "text_zh": "乙", "correct": False},
                ],
            },
            category_path="权限",
        ),
        bank,
        source="authored",
    )
    upload = QuestionImport(
        original_name="q.gift",
        format="gift",
        bank_name="权限测试题库",
        created_by=world.trainer,
        report={"imported": 0, "skipped": [], "errors": [], "preview": []},
    )
    upload.file.save("q.gift", ContentFile(b"Q {=a ~b}"), save=False)
    upload.save()
    return {
        "item": item.pk,
        "bank": bank.pk,
        "category": ItemCategory.objects.get(bank=bank).pk,
        "version": item.current_version_id,
        "import": upload.pk,
    }


def _with(key: str, kwarg: str = "pk"):
    return lambda world: ({kwarg: _objects(world)[key]}, "", None)


def _chosen_multiple(key: str):
    def build(world):
        return {}, f"id={_objects(world)[key]}", None

    return build


def _snippet_cases(model: str, key: str) -> list[Case]:
    ns = f"wagtailsnippets_assessments_{model}"
    query = "type=single_choice" if model == "item" else ""
    cases = [
        Case(f"{ns}:list", STAFF_ONLY),
        Case(f"{ns}:list_results", STAFF_ONLY),
        Case(f"{ns}:add", STAFF_ONLY, build=lambda w: ({}, query, None)),
    ]
    for name in ("edit", "delete", "usage", "history", "history_results"):
        cases.append(Case(f"{ns}:{name}", STAFF_ONLY, build=_with(key)))
    chooser = f"wagtailsnippetchoosers_assessments_{model}"
    cases += [
        Case(f"{chooser}:choose", STAFF_ONLY),
        Case(f"{chooser}:choose_results", STAFF_ONLY),
        Case(
            f"{chooser}:chosen",
            STAFF_ONLY,
            build=lambda w: ({"pk": str(_objects(w)[key])}, "", None),
        ),
        Case(f"{chooser}:chosen_multiple", STAFF_ONLY, build=_chosen_multiple(key)),
        Case(f"{chooser}:create", STAFF_ONLY, note="GET shows the creation form"),
    ]
    return cases


CASES = [
    *_snippet_cases("item", "item"),
    *_snippet_cases("itembank", "bank"),
    *_snippet_cases("itemcategory", "category"),
    Case(
        "wagtailsnippets_assessments_item:preview_on_add",
        {**STAFF_ONLY, "trainer": ANY, "admin": ANY},
        note="live preview of the add form; the item editor previews on its edit page",
    ),
    Case("wagtailsnippets_assessments_item:preview_on_edit", STAFF_ONLY, build=_with("item")),
    Case("item_versions:preview", STAFF_ONLY, build=_with("version")),
    Case("question_files:upload", STAFF_ONLY),
    Case("question_files:detail", STAFF_ONLY, build=_with("import")),
    Case(
        "question_files:confirm", STAFF_ONLY, build=_with("import"), note="GET returns to the file"
    ),
    Case("question_files:export", STAFF_ONLY, build=_with("bank", "bank_pk")),
    Case("question_files:excel_template", STAFF_ONLY),
]
