"""HR dashboard, exports, the PDF briefing and the cadre's own profile. Thin: figures come from
analytics.reports (built on the scoped, suppressed selectors)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from jobs.selectors import job_for
from jobs.services import create_job
from people.access import responsibility_required
from people.exports import FORMATS, table_response
from people.scope import scope_for
from people.selectors import cadre_of

from . import charts, profile, reports, selectors
from .briefing import BRIEFING_KIND, briefing_path
from .tasks import briefing_task


def _params(request, source=None):
    source = source if source is not None else request.GET
    code = source.get("unit", "")
    unit = selectors.unit_for(request.user, code)
    if code and unit is None:
        raise Http404
    measure = source.get("measure", "coverage")
    return unit, measure if measure in reports.MEASURES else "coverage"


def _linker(measure: str):
    base = reverse("analytics:dashboard")
    return lambda unit: f"{base}?{urlencode({'unit': unit.code, 'measure': measure})}"


@require_GET
@responsibility_required
def dashboard(request):
    unit, measure = _params(request)
    link = _linker(measure)
    built = reports.dashboard_reports(request.user, unit, measure, link)
    shown = [(r, f"figure-{r.slug}", charts.figure(r, measure)) for r in built]
    trail = selectors.breadcrumbs(request.user, unit)
    choices = {u.code: u for u in [*selectors.scope_roots(request.user), *trail]}
    for row in selectors.drill_rows(request.user, unit):
        choices.setdefault(row.unit.code, row.unit)
    query = urlencode({"unit": unit.code if unit else "", "measure": measure})
    return render(
        request,
        "analytics/dashboard.html",
        {
            "unit": unit,
            "measure": measure,
            "measures": list(reports.MEASURES.items()),
            "breadcrumbs": trail,
            "unit_choices": sorted(choices.values(), key=lambda u: u.path),
            "charts": shown,
            "query": query,
            "formats": FORMATS,
            "min_group": selectors.min_group(),
        },
    )


@require_GET
@responsibility_required
def export(request, table: str, fmt: str):
    if table not in reports.TABLES or fmt not in FORMATS:
        raise Http404
    unit, measure = _params(request)
    report = reports.build(request.user, table, unit, measure, _linker(measure))
    name = f"{table}-{unit.code}" if unit else table
    return table_response(fmt, report.headers, report.export_rows(), name)


@require_POST
@responsibility_required
def briefing_start(request):
    unit, _measure = _params(request, request.POST)
    unit = unit or next(iter(selectors.scope_roots(request.user)), None)
    if unit is None:
        raise Http404
    job = create_job(BRIEFING_KIND, request.user, total=len(reports.TABLES) + 1)
    briefing_task.delay(str(job.id), unit.pk, request.user.pk, get_language() or "zh-hans")
    return redirect("analytics:briefing_status", job_id=job.id)


@require_GET
@responsibility_required
def briefing_status(request, job_id):
    job = job_for(request.user, str(job_id))
    if job is None or job.kind != BRIEFING_KIND:
        raise Http404
    return render(request, "analytics/briefing_status.html", {"job": job})


@require_GET
@responsibility_required
def briefing_download(request, job_id):
    job = job_for(request.user, str(job_id))
    if job is None or job.kind != BRIEFING_KIND or "unit_code" not in job.result:
        raise Http404
    # The scope is checked again: a grant withdrawn since the job ran withdraws the file too.
    if selectors.unit_for(request.user, job.result["unit_code"]) is None:
        raise Http404
    path = briefing_path(str(job.id))
    if not Path(path).is_file():
        raise Http404
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=f"briefing-{job.result['unit_code']}.pdf",
        content_type="application/pdf",
    )


@require_GET
@login_required
def my_profile(request):
    cadre = cadre_of(request.user)
    context = profile.context(request.user, cadre) if cadre else {"cadre": None}
    return render(request, "analytics/my_profile.html", context)


@require_GET
@login_required
def my_profile_export(request, fmt: str):
    cadre = cadre_of(request.user)
    if fmt not in FORMATS or cadre is None or not scope_for(request.user).covers_cadre(cadre):
        raise Http404
    report = profile.context(request.user, cadre)["gaps"]
    return table_response(fmt, report.headers, report.export_rows(), "my-profile")
