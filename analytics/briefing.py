"""The PDF briefing of one unit: the dashboard's reports as tables with SVG charts.

Built by a Celery task (analytics.tasks.briefing_task) with a job for the progress bar. The
figures come from analytics.reports for the *requesting* user, so the briefing holds exactly
what that user may see on the dashboard: their scope, with small groups suppressed. WeasyPrint
fetches nothing at all (the charts are inline SVG, the styles inline: NoFetch refuses every
URL, as certificates.rendering refuses non-local ones); fonts are the host's CJK fonts.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from jobs.services import fail_job, finish_job, report_progress
from people.models import OrgUnit

from . import charts, reports, selectors

BRIEFING_KIND = "analytics.briefing"
BRIEFING_MEASURE = "coverage"


class NoFetch(URLFetcher):
    """A briefing is self-contained: any URL it would fetch is refused (no network, no files)."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        raise ValueError(f"the briefing fetches nothing; refused {url}")


def briefing_path(job_id: str) -> Path:
    return Path(settings.SHUZHI_PRIVATE_DIR) / "briefings" / f"{job_id}.pdf"


def briefing_html(viewer, unit: OrgUnit, progress=None) -> str:
    """The briefing as HTML (printed by WeasyPrint; tests read it directly)."""
    base = reverse("analytics:dashboard")

    def link(u):
        return f"{base}?unit={u.code}"

    sections = []
    for index, table in enumerate(reports.TABLES):
        report = reports.build(viewer, table, unit, BRIEFING_MEASURE, link)
        sections.append((report, mark_safe(charts.svg(report, BRIEFING_MEASURE))))
        if progress:
            progress(index + 1)
    return render_to_string(
        "analytics/briefing.html",
        {
            "unit": unit,
            "trail": selectors.breadcrumbs(viewer, unit),
            "sections": sections,
            "measure": reports.MEASURES[BRIEFING_MEASURE],
            "generated": timezone.localtime(),
            "fonts": settings.CERTIFICATES_CJK_FONTS,
            "min_group": selectors.min_group(),
        },
    )


def render_pdf(html: str) -> bytes:
    return HTML(
        string=html,
        base_url=f"{settings.CERTIFICATES_BASE_URL}/",
        url_fetcher=NoFetch(),
    ).write_pdf()


def build_briefing(job_id: str, unit_id: int, user_id: int, language: str) -> None:
    """Render and store the briefing; the job's result names the unit for the download view."""
    try:
        viewer = get_user_model().objects.get(pk=user_id)
        unit = OrgUnit.objects.get(pk=unit_id)
        if not selectors.unit_for(viewer, unit.code):
            raise PermissionError("unit outside the requester's scope")
        with translation.override(language):
            html = briefing_html(viewer, unit, lambda done: report_progress(job_id, done))
        path = briefing_path(job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_pdf(html))
    except Exception as error:
        fail_job(job_id, str(error))
        raise
    finish_job(
        job_id,
        {
            "unit_code": unit.code,
            "url": reverse("analytics:briefing_download", kwargs={"job_id": job_id}),
        },
    )
