"""Matrix cases for the foundation's URLs: portal, people, jobs, health."""

from jobs.services import create_job

from .matrix import ANY, DENIED, LOGIN, OK, Case, everyone, logged_in, responsible_only


def _b_job(world):
    """A job started by B's cadre: nobody but its owner (and superusers) may poll it."""
    job = create_job("test", world.cadre_b.user)
    return {"job_id": job.id}, "", None


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
]
