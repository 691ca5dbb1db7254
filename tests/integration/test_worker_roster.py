"""A roster import run by a real Celery worker through Redis, writing to PostgreSQL."""

import pytest

from jobs.models import Job, JobStatus
from jobs.services import create_job
from people.models import Cadre
from people.tasks import import_roster_task
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_imports_roster_and_reports_progress(world, celery_worker_process, tmp_path):
    path = tmp_path / "roster.csv"
    rows = ["工号,姓名,单位代码,岗位代码,职级,年龄段,入职日期"]
    rows += [
        f"W{i:04d},干部{i},{world.unit_a.code},TS-DATA-OFFICER,科员及以下,30–39岁,2020-01-01"
        for i in range(250)
    ]
    path.write_text("\n".join(rows), encoding="utf-8")
    job = create_job("roster-import", world.hr_a)

    result = import_roster_task.delay(str(job.id), str(path), world.hr_a.pk, False)

    wait_for(lambda: Job.objects.get(pk=job.id).finished)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.result["created"] == 250 and job.result["errors"] == []
    assert Cadre.objects.filter(employee_no__startswith="W").count() == 250
    assert result.get(timeout=10) == {"rows": 250, "errors": 0}


def test_out_of_scope_rows_are_refused_by_the_worker_too(world, celery_worker_process, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        "工号,姓名,单位代码,岗位代码,职级,年龄段\n"
        f"X0001,甲,{world.unit_a.code},TS-DATA-OFFICER,科员及以下,<30\n"
        f"X0002,乙,{world.unit_b.code},TS-DATA-OFFICER,科员及以下,<30\n",
        encoding="utf-8",
    )
    job = create_job("roster-import", world.hr_a)
    import_roster_task.delay(str(job.id), str(path), world.hr_a.pk, False)
    wait_for(lambda: Job.objects.get(pk=job.id).finished)
    job.refresh_from_db()
    assert [e["code"] for e in job.result["errors"]] == ["out_of_scope"]
    assert job.result["errors"][0]["row"] == 3
    assert not Cadre.objects.filter(employee_no__startswith="X").exists()
