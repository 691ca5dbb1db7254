"""Matrix cases for analytics: HR dashboards, exports and briefings (responsible viewers only,
within their scope), and every cadre's own profile."""

from analytics.briefing import BRIEFING_KIND, build_briefing
from jobs.services import create_job

from .matrix import DENIED, LOGIN, OK, Case, logged_in, responsible_only

ONLY_ADMIN = {"anonymous": LOGIN, "cadre_a": DENIED, "hr_a": DENIED, "trainer": DENIED, "admin": OK}
HR_A_JOB = {"anonymous": LOGIN, "cadre_a": DENIED, "hr_a": OK, "trainer": DENIED, "admin": OK}
OWN_CADRE = {"anonymous": LOGIN, "cadre_a": OK, "hr_a": DENIED, "trainer": DENIED, "admin": DENIED}


def _export(table, fmt, query=""):
    return lambda world: ({"table": table, "fmt": fmt}, query, None)


def _unit_b(world):
    return {}, f"unit={world.unit_b.code}", None


def _briefing_of_hr_a(world):
    job = create_job(BRIEFING_KIND, world.hr_a)
    build_briefing(str(job.id), world.unit_a.pk, world.hr_a.pk, "zh-hans")
    return {"job_id": job.id}, "", None


CASES = [
    Case("analytics:dashboard", responsible_only()),
    Case("analytics:dashboard", ONLY_ADMIN, build=_unit_b, note="unit B"),
    Case("analytics:export", responsible_only(), build=_export("units", "csv")),
    Case("analytics:export", responsible_only(), build=_export("levels", "xlsx"), note="xlsx"),
    Case(
        "analytics:export",
        ONLY_ADMIN,
        build=lambda world: ({"table": "trend", "fmt": "csv"}, f"unit={world.unit_b.code}", None),
        note="unit B",
    ),
    Case(
        "analytics:briefing_start",
        responsible_only(),
        build=lambda world: ({}, "", {}),
        note="POST",
    ),
    Case(
        "analytics:briefing_start",
        ONLY_ADMIN,
        build=lambda world: ({}, "", {"unit": world.unit_b.code}),
        note="POST unit B",
    ),
    Case("analytics:briefing_status", HR_A_JOB, build=_briefing_of_hr_a),
    Case("analytics:briefing_download", HR_A_JOB, build=_briefing_of_hr_a),
    Case("analytics:my_profile", logged_in()),
    Case("analytics:my_profile_export", OWN_CADRE, build=lambda world: ({"fmt": "csv"}, "", None)),
]
