"""Matrix cases for the certificates app: own downloads, HR's scoped listing and batches,
administrators' revocation, and the public verification endpoints (open to everyone, showing
no more than a masked name)."""

from certificates import credentials
from certificates.batches import BATCH_KIND, run_batch
from certificates.demo import default_rules, default_template
from certificates.services import issue_for
from jobs.services import create_job
from tests.certificates.conftest import level_achievement

from .matrix import DENIED, LOGIN, OK, Case, everyone, logged_in, responsible_only


def _certificate(world, cadre):
    default_rules(default_template())
    (certificate,) = issue_for(level_achievement(cadre))
    return certificate


def _a(world):
    return {"code": _certificate(world, world.cadre_a).code}, "", None


def _b(world):
    return {"code": _certificate(world, world.cadre_b).code}, "", None


def _credential_of_b(world):
    token = credentials.sign(_certificate(world, world.cadre_b))
    return {}, "", {"credential": token}


def _batch_of_hr_a(world):
    _course_rule, level_rule = default_rules(default_template())
    issue_for(level_achievement(world.cadre_a))
    issue_for(level_achievement(world.cadre_b))
    job = create_job(BATCH_KIND, world.hr_a)
    run_batch(str(job.id), level_rule.pk, None, world.hr_a.pk)
    return {"job_id": job.id}, "", None


OWN_OR_RESPONSIBLE = {"anonymous": LOGIN, "cadre_a": OK, "hr_a": OK, "trainer": DENIED, "admin": OK}
ONLY_ADMIN = {"anonymous": LOGIN, "cadre_a": DENIED, "hr_a": DENIED, "trainer": DENIED, "admin": OK}
HR_A_JOB = {"anonymous": LOGIN, "cadre_a": DENIED, "hr_a": OK, "trainer": DENIED, "admin": OK}

CASES = [
    Case("certificates:mine", logged_in()),
    Case("certificates:pdf", OWN_OR_RESPONSIBLE, build=_a, note="A's certificate"),
    Case("certificates:pdf", ONLY_ADMIN, build=_b, note="B's certificate"),
    Case("certificates:credential", OWN_OR_RESPONSIBLE, build=_a, note="A's certificate"),
    Case("certificates:credential", ONLY_ADMIN, build=_b, note="B's certificate"),
    Case("certificates:verify_form", everyone(OK)),
    Case("certificates:verify", everyone(OK), build=_b, note="public: masked name only"),
    Case("certificates:issuer", everyone(OK), note="public issuer profile"),
    Case("certificates:jwks", everyone(OK), note="public keys"),
    Case(
        "certificates:verify_credential",
        everyone(OK),
        build=_credential_of_b,
        note="public: status, no personal data",
    ),
    Case("certificates:manage", responsible_only()),
    Case(
        "certificates:manage",
        {**responsible_only(), "hr_a": DENIED},
        build=lambda w: ({}, f"unit={w.unit_b.code}", None),
        note="HR of A asking for B's unit",
    ),
    Case("certificates:revoke", ONLY_ADMIN, build=_a, note="form"),
    Case(
        "certificates:revoke",
        ONLY_ADMIN,
        build=lambda w: (_a(w)[0], "", {"reason": "测试"}),
        note="post",
    ),
    Case("certificates:batch", responsible_only()),
    Case("certificates:batch_status", HR_A_JOB, build=_batch_of_hr_a),
    Case("certificates:batch_download", HR_A_JOB, build=_batch_of_hr_a),
]
