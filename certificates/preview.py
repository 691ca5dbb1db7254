"""The admin's live preview of a certificate template, with sample data (HTML or PDF)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

from .codes import format_code, new_code
from .models import AchievementKind, CertificateTemplate
from .rendering import document_html, render_pdf
from .wording import Printed, verify_url


def sample() -> Printed:
    code = new_code()
    return Printed(
        holder_name="欧阳明华",
        kind=AchievementKind.COMPETENCY_LEVEL,
        title_zh="D2.3 数据分析与解读",
        title_en="D2.3 Data analysis and interpretation",
        level=3,
        credit_hours=Decimal("12"),
        issued_at=timezone.now(),
        serial=f"SZ{timezone.now():%Y}-0000001",
        code=format_code(code),
        verify_url=verify_url(code),
    )


def serve_template_preview(template: CertificateTemplate, request, mode_name: str) -> HttpResponse:
    if mode_name == "pdf":
        response = HttpResponse(render_pdf(template, sample()), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="preview.pdf"'
        return response
    return HttpResponse(document_html(template, [sample()], screen=True))
