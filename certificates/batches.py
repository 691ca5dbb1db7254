"""Rendering many certificates at once, and cohort batches from the admin with a progress bar.

A batch renders its certificates as one WeasyPrint document per chunk and splits it (see
rendering.py); each chunk ends with gc.collect(), and workers recycle after
``worker_max_tasks_per_child`` tasks or ``worker_max_memory_per_child``.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.text import get_valid_filename

from jobs.services import fail_job, finish_job, report_progress
from people.models import OrgUnit
from people.scope import scope_for

from .models import AchievementKind, AchievementRecord, Certificate, IssuanceRule, private_storage
from .services import issue, store_pdf
from .stamping import render_in_chunks
from .wording import printed

BATCH_KIND = "certificates.batch"


def _with_relations(ids: Iterable[int]) -> QuerySet[Certificate]:
    return Certificate.objects.filter(pk__in=list(ids)).select_related(
        "achievement", "rule__template", "rule__template__seal"
    )


def render_missing(certificate_ids: Iterable[int], progress=None) -> int:
    """Render and store the PDFs not yet stored; returns how many were rendered."""
    by_template = defaultdict(list)
    for certificate in _with_relations(certificate_ids).filter(pdf="").order_by("pk"):
        by_template[certificate.rule.template].append(certificate)
    rendered = 0
    for template, certificates in by_template.items():
        items = [printed(c) for c in certificates]
        for offset, pdfs in render_in_chunks(template, items):
            for certificate, pdf in zip(
                certificates[offset : offset + len(pdfs)], pdfs, strict=True
            ):
                store_pdf(certificate, pdf)
            rendered += len(pdfs)
            if progress:
                progress(rendered)
    return rendered


def cohort(rule: IssuanceRule, unit: OrgUnit | None, actor) -> QuerySet[AchievementRecord]:
    """Achievements that earn ``rule``'s certificate, of cadres in ``unit``'s subtree that the
    actor may see."""
    records = AchievementRecord.objects.filter(kind=rule.kind)
    if rule.kind == AchievementKind.COURSE and rule.course_id is not None:
        records = records.filter(reference=str(rule.course_id))
    if rule.kind == AchievementKind.COMPETENCY_LEVEL:
        records = records.filter(level__gte=rule.min_level)
        if rule.competency_code:
            records = records.filter(reference=rule.competency_code)
    if unit is not None:
        records = records.filter(cadre__unit__path__startswith=unit.path)
    return scope_for(actor).filter_cadres(records, "cadre").order_by("cadre__employee_no", "pk")


def run_batch(job_id: str, rule_id: int, unit_id: int | None, actor_id: int) -> dict:
    """Issue the missing certificates of a cohort, render what is not rendered, and pack
    every valid certificate's PDF into one ZIP."""
    try:
        actor = get_user_model().objects.get(pk=actor_id)
        rule = IssuanceRule.objects.select_related("template").get(pk=rule_id)
        unit = OrgUnit.objects.get(pk=unit_id) if unit_id else None
        records = list(cohort(rule, unit, actor))
        report_progress(job_id, 0, total=len(records))
        issued = [issue(rule, record) for record in records]
        new = sum(1 for _c, created in issued if created)
        ids = [c.pk for c, _created in issued if c.revoked_at is None]
        render_missing(ids, progress=lambda n: report_progress(job_id, n))
        name = f"batches/{job_id}.zip"
        storage = private_storage()
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
            for certificate in _with_relations(ids).order_by("cadre__employee_no", "pk"):
                filename = get_valid_filename(f"{certificate.serial}-{certificate.holder_name}")
                with certificate.pdf.open("rb") as pdf:
                    archive.writestr(f"{filename}.pdf", pdf.read())
    except Exception as exc:
        fail_job(job_id, f"{type(exc).__name__}: {exc}")
        raise
    result = {"certificates": len(ids), "issued": new, "archive": name}
    finish_job(job_id, result, message=f"{len(ids)} certificates, {new} newly issued")
    return result
