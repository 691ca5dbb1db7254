"""A confirmed question-file import run by a real Celery worker, writing to PostgreSQL."""

import pytest
from django.core.files.base import ContentFile

from assessments.models import ImportStatus, Item, ItemVersion, QuestionImport
from assessments.tasks import import_question_file
from jobs.models import Job, JobStatus
from jobs.services import create_job
from tests.integration.conftest import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GIFT = """$CATEGORY: $course$/演练

::阈值换算::甲烷爆炸下限约 5% vol，25% LEL 相当于多少？{
=1.25% vol#正确
~0.5% vol
~5% vol}

::一数一源::采集一次、多次复用的原则叫什么？{=一数一源 =%50%一源多用}

::1-3-5::3 分钟阶段的任务是核实。{TRUE}
"""


def _upload(user, text: str) -> QuestionImport:
    record = QuestionImport(
        original_name="drill.gift",
        format="gift",
        bank_name="集成测试题库",
        created_by=user,
        competency_code="D2.3",
    )
    record.file.save("drill.gift", ContentFile(text.encode("utf-8")), save=False)
    record.save()
    return record


def _run(record: QuestionImport, user) -> Job:
    job = create_job("assessments.import", user, total=1)
    import_question_file.delay(record.pk, str(job.id))
    wait_for(lambda: Job.objects.get(pk=job.id).finished)
    job.refresh_from_db()
    return job


def test_worker_imports_a_confirmed_file_once(world, celery_worker_process):
    record = _upload(world.trainer, GIFT)
    job = _run(record, world.trainer)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.result == {"imported": 3, "skipped": [], "errors": []}
    record.refresh_from_db()
    assert record.status == ImportStatus.IMPORTED
    assert sorted(Item.objects.values_list("type", flat=True)) == [
        "short_answer",
        "single_choice",
        "true_false",
    ]
    assert set(Item.objects.values_list("competencies__code", flat=True)) == {"D2.3"}
    # A redelivered task (acks_late) must not import the file twice.
    again = _run(record, world.trainer)
    assert again.status == JobStatus.SUCCEEDED
    assert Item.objects.count() == 3 and ItemVersion.objects.count() == 3


def test_worker_writes_nothing_for_a_broken_file(world, celery_worker_process):
    record = _upload(world.trainer, "::坏题::没有闭合的答案块 {=甲 ~乙\n\n::好题::题干 {=甲 ~乙}\n")
    job = _run(record, world.trainer)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["imported"] == 0 and job.result["errors"]
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert not Item.objects.exists()
