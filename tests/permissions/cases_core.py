"""Matrix cases for the foundation's URLs: portal, people, jobs, health."""

import json

from jobs.services import create_job, finish_job
from people import roster_uploads
from people.models import RosterUpload
from tests import factories
from tests.conftest import B_MARKERS

from .matrix import ANY, DENIED, LOGIN, OK, Case, everyone, logged_in, responsible_only


def _b_job(world):
    """A job started by B's cadre: nobody but its owner (and superusers) may poll it."""
    job = create_job("test", world.cadre_b.user)
    return {"job_id": job.id}, "", None


def _upload(world, owner, reason: str) -> RosterUpload:
    """A previewed roster upload with one problem described by ``reason``."""
    upload = RosterUpload.objects.create(
        owner=owner, original_name="roster.csv", stored_name="x.csv", size=10
    )
    error = {
        "row": 2,
        "column": "工号",
        "code": "duplicate_employee_no",
        "reason": reason,
    }
    job = roster_uploads.start_preview(upload)
    finish_job(job.id, {"rows": 1, "errors": [error], "error_count": 1})
    roster_uploads.report_path(upload).write_text(json.dumps({"errors": [error]}), encoding="utf-8")
    return upload


def _b_upload(world):
    hr_b = factories.hr_user("hr_b_uploader", world.unit_b)
    # B's officer's own file names B's cadre: A's officer must never see it.
    return {"pk": _upload(world, hr_b, " ".join(B_MARKERS)).pk}, "", None


def _own_upload(world):
    return {"pk": _upload(world, world.hr_a, "工号 EMP-A-0002 重复").pk}, "", None


# The roster import lives in the Wagtail admin: people without admin access are sent to its
# login (LOGIN); admin users without the import permission are turned away (DENIED).
ROSTER_IMPORTERS = {
    "anonymous": LOGIN,
    "cadre_a": LOGIN,
    "hr_a": OK,
    "trainer": DENIED,
    "admin": OK,
}
OTHERS_UPLOAD = {**ROSTER_IMPORTERS, "hr_a": DENIED}

CASES = [
    Case("healthz", everyone(ANY), note="public by design: status only, no personal data"),
    Case("portal:login", everyone(OK)),
    Case("api:api-root", everyone(ANY), note="ninja's index: no data"),
    Case("api:openapi-json", logged_in()),
    Case("api:openapi-view", logged_in()),
    Case("portal:logout", everyone(OK), build=lambda w: ({}, "", {})),
    Case("portal:elder_mode", everyone(OK), build=lambda w: ({}, "", {"elder_mode": "1"})),
    Case("portal:my_learning", logged_in()),
    Case("people:cadre_list", responsible_only()),
    Case(
        "people:cadre_list",
        {**responsible_only(), "hr_a": DENIED},
        build=lambda w: ({}, f"unit={w.unit_b.code}", None),
        note="HR of A asking for sibling unit B's list",
    ),
    Case("people:cadre_export", responsible_only(), build=lambda w: ({"fmt": "csv"}, "", None)),
    Case("people:cadre_export", responsible_only(), build=lambda w: ({"fmt": "xlsx"}, "", None)),
    Case(
        "people:cadre_export",
        {**responsible_only(), "hr_a": DENIED},
        build=lambda w: ({"fmt": "csv"}, f"unit={w.unit_b.code}", None),
    ),
    Case(
        "people:cadre_detail",
        {"anonymous": LOGIN, "cadre_a": DENIED, "hr_a": DENIED, "trainer": DENIED, "admin": OK},
        build=lambda w: ({"employee_no": w.cadre_b.employee_no}, "", None),
        note="B's cadre",
    ),
    Case(
        "people:cadre_detail",
        {"anonymous": LOGIN, "cadre_a": OK, "hr_a": OK, "trainer": DENIED, "admin": OK},
        build=lambda w: ({"employee_no": w.cadre_a.employee_no}, "", None),
        note="A's cadre",
    ),
    Case("people:roster_template", responsible_only(), build=lambda w: ({"fmt": "xlsx"}, "", None)),
    Case(
        "jobs:status",
        {"anonymous": DENIED, "cadre_a": DENIED, "hr_a": DENIED, "trainer": DENIED, "admin": OK},
        build=_b_job,
    ),
    Case("people:roster_template", responsible_only(), build=lambda w: ({"fmt": "csv"}, "", None)),
    Case("roster_import:upload", ROSTER_IMPORTERS),
    Case(
        "roster_import:detail", OTHERS_UPLOAD, build=_b_upload, note="another HR officer's upload"
    ),
    Case("roster_import:detail", ROSTER_IMPORTERS, build=_own_upload, note="own upload"),
    Case(
        "roster_import:errors",
        OTHERS_UPLOAD,
        build=lambda w: ({**_b_upload(w)[0], "fmt": "csv"}, "", None),
        note="another HR officer's upload",
    ),
    Case(
        "roster_import:confirm",
        OTHERS_UPLOAD,
        build=lambda w: (_b_upload(w)[0], "", {}),
        note="another HR officer's upload",
    ),
]
