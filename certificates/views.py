"""A cadre's certificates and the downloads (PDF, Open Badges credential)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import credentials
from .batches import render_missing
from .selectors import certificate_for, my_certificates


@require_GET
@login_required
def mine(request):
    return render(
        request, "certificates/mine.html", {"certificates": my_certificates(request.user)}
    )


def _certificate(request, code: str):
    certificate = certificate_for(request.user, code)
    if certificate is None:
        raise Http404
    return certificate


@require_GET
@login_required
def pdf(request, code: str):
    certificate = _certificate(request, code)
    if not certificate.pdf:
        render_missing([certificate.pk])  # not rendered yet (e.g. the worker is behind)
        certificate.refresh_from_db()
    with certificate.pdf.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.pdf"'
    return response


@require_GET
@login_required
def credential(request, code: str):
    certificate = _certificate(request, code)
    response = HttpResponse(credentials.sign(certificate), content_type=credentials.MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.jwt"'
    return response
