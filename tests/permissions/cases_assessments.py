"""Matrix cases for the item bank's admin screens (assessments).

Trainers and administrators reach them; everyone else does not. Anonymous visitors and cadres
(no admin access) are sent to the admin login. HR officers have admin access for their own
tools; Wagtail answers their requests for the bank by redirecting to the dashboard with a
"permission denied" message (a 302 the matrix cannot tell from success, hence ANY here), or with
403 — tests/assessments/test_admin.py asserts they never get a page of the bank.
"""

from .matrix import ANY, DENIED, LOGIN, OK, Case, logged_in

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


# --- delivery: the cadre's pages and the admin of forms, cut scores and calibrations ---------

OWN = {"anonymous": LOGIN, "cadre_a": OK, "hr_a": DENIED, "trainer": DENIED, "admin": DENIED}
NOBODY = {"anonymous": LOGIN, "cadre_a": DENIED, "hr_a": DENIED, "trainer": DENIED, "admin": DENIED}


def _delivery(world):
    """A one-item bank, a form assigned to A's and B's cadres, a running attempt of each."""
    from assessments import attempts
    from assessments.demo import demo_form
    from assessments.services import ItemRecord, get_bank, write_record

    bank = get_bank("权限测试题库")
    write_record(
        ItemRecord(
            name="权限测试题",
            ref="PERM-1",
            content={
                "type": "single_choice",
                "stem_zh": "<p>题干</p>",
                "rationale_zh": "<p>解析</p>",
                "options": [
                    {"key": "A", "text_zh": "甲", "correct": True},
                    {"key": "B", "text_zh": "乙", "correct": False},
                ],
            },
            competency_codes=["D2.3"],
            status="operational",
        ),
        bank,
        source="authored",
    )
    form = demo_form(
        "权限测试卷",
        "fixed",
        (("D2.3", 1),),
        bank_name="权限测试题库",
        cadres=[world.cadre_a, world.cadre_b],
        attempts_allowed=5,
    )
    a = attempts.start_attempt(form, world.cadre_a)
    b = attempts.start_attempt(form, world.cadre_b)
    return form, a, b


def _attempt(which: str, graded: bool = False, post: dict | None = None):
    def build(world):
        from assessments import attempts

        _form, a, b = _delivery(world)
        attempt = a if which == "a" else b
        if graded:
            attempts.submit(attempt.pk)
        return {"attempt_id": attempt.pk}, "", post

    return build


def _start(world):
    form, a, _b = _delivery(world)
    from assessments import attempts

    attempts.submit(a.pk)  # so that starting makes a new attempt
    return {"form_id": form.pk}, "", {}


def _admin_cases(
    namespace: str, key, expect_list, expect_object, expect_change, expect_history=None
) -> list[Case]:
    expect_history = expect_history or expect_object
    with_pk = lambda w: ({"pk": key(w)}, "", None)  # noqa: E731
    return [
        Case(f"{namespace}:index", expect_list),
        Case(f"{namespace}:index_results", expect_list),
        Case(f"{namespace}:add", expect_change),
        Case(f"{namespace}:edit", expect_change, build=with_pk),
        Case(f"{namespace}:delete", expect_change, build=with_pk),
        Case(f"{namespace}:history", expect_history, build=with_pk),
        Case(f"{namespace}:history_results", expect_history, build=with_pk),
        Case(f"{namespace}:usage", expect_history, build=with_pk),
        Case(f"{namespace}:inspect", expect_object, build=with_pk),
    ]


def _form_pk(world):
    return _delivery(world)[0].pk


def _cut_pk(world):
    from assessments.demo import default_cut_scores
    from assessments.models import CutScore

    default_cut_scores()
    return CutScore.objects.first().pk


def _run_pk(world):
    from assessments.calibration_runs import new_run
    from competencies.models import Competency

    form = _delivery(world)[0]
    return new_run(form.bank_id, Competency.objects.get(code="D2.3").pk).pk


FORM_STAFF = {"anonymous": LOGIN, "cadre_a": LOGIN, "hr_a": OK, "trainer": OK, "admin": OK}
LOOK = {"anonymous": LOGIN, "cadre_a": LOGIN, "hr_a": DENIED, "trainer": OK, "admin": OK}
ADMIN_EDITS = {"anonymous": LOGIN, "cadre_a": LOGIN, "hr_a": DENIED, "trainer": DENIED, "admin": OK}

CASES += [
    Case("assessments:my_assessments", logged_in()),
    Case("assessments:start", OWN, build=_start, note="a form assigned to A's cadre"),
    Case("assessments:take", OWN, build=_attempt("a"), note="A's attempt"),
    Case("assessments:take", NOBODY, build=_attempt("b"), note="B's attempt"),
    Case("assessments:autosave", OWN, build=_attempt("a", post={"positions": "1"}), note="A's"),
    Case("assessments:autosave", NOBODY, build=_attempt("b", post={"positions": "1"}), note="B's"),
    Case("assessments:submit", OWN, build=_attempt("a", post={}), note="A's attempt"),
    Case("assessments:submit", NOBODY, build=_attempt("b", post={}), note="B's attempt"),
    Case("assessments:result", OWN, build=_attempt("a", graded=True), note="A's attempt"),
    Case("assessments:result", NOBODY, build=_attempt("b", graded=True), note="B's attempt"),
    *_admin_cases(
        "assessments_forms",
        _form_pk,
        FORM_STAFF,
        FORM_STAFF,
        {**FORM_STAFF, "hr_a": ANY},
    ),
    Case(
        "assessments_item_analysis:form",
        LOOK,
        build=lambda w: ({"pk": _form_pk(w)}, "", None),
        note="trainers and administrators",
    ),
    Case("assessments_item_analysis:angoff", ADMIN_EDITS, note="the Angoff worksheet"),
    *_admin_cases("assessments_cut_scores", _cut_pk, LOOK, LOOK, ADMIN_EDITS, ADMIN_EDITS),
    *_admin_cases("assessments_calibrations", _run_pk, LOOK, LOOK, ADMIN_EDITS, ADMIN_EDITS),
]
