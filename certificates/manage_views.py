"""The certificates listing for HR and administrators, revocation (administrators), and cohort
batches with a progress bar and a ZIP download. Everything goes through the data scope."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jobs.selectors import job_for
from jobs.services import create_job
from people.access import responsibility_required, role_required
from people.models import OrgUnit
from people.roles import Role
from people.selectors import visible_units

from .batches import BATCH_KIND
from .forms import BatchForm, ListingFilterForm, RevokeForm
from .models import private_storage
from .selectors import certificate_for, visible_certificates
from .services import revoke as revoke_certificate
from .tasks import batch_task


@require_GET
@responsibility_required
def listing(request):
    form = ListingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = None
    if code := request.GET.get("unit"):
        unit = visible_units(request.user).filter(code=code).first()
        if unit is None:
            raise Http404
    rows = visible_certificates(
        request.user,
        rule=filters.get("rule"),
        unit=unit,
        status=filters.get("status", ""),
        query=filters.get("q", "").strip(),
    )
    return render(
        request,
        "certificates/manage/listing.html",
        {"form": form, "page": Paginator(rows, 50).get_page(request.GET.get("page")), "unit": unit},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.ADMIN)
def revoke(request, code: str):
    certificate = certificate_for(request.user, code)
    if certificate is None:
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_certificate(certificate, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(
                request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial}
            )
            return redirect("certificates:manage")
    return render(
        request, "certificates/manage/revoke.html", {"certificate": certificate, "form": form}
    )


@require_http_methods(["GET", "POST"])
@responsibility_required
def batch(request):
    units = visible_units(request.user)
    form = BatchForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit: OrgUnit | None = form.cleaned_data["unit"]
        job = create_job(BATCH_KIND, request.user)
        args = (
            str(job.id),
            form.cleaned_data["rule"].pk,
            unit.pk if unit else None,
            request.user.pk,
        )
        transaction.on_commit(lambda: batch_task.delay(*args))
        return redirect("certificates:batch_status", job_id=job.id)
    return render(request, "certificates/manage/batch.html", {"form": form})


def _job(request, job_id):
    job = job_for(request.user, str(job_id))
    if job is None or job.kind != BATCH_KIND:
        raise Http404
    return job


@require_GET
@responsibility_required
def batch_status(request, job_id):
    job = _job(request, job_id)
    download = reverse("certificates:batch_download", kwargs={"job_id": job.id})
    return render(
        request, "certificates/manage/batch_status.html", {"job": job, "download": download}
    )


@require_GET
@responsibility_required
def batch_download(request, job_id):
    job = _job(request, job_id)
    name = job.result.get("archive") if job.finished else None
    if not name:
        raise Http404
    storage = private_storage()
    if not storage.exists(name):
        raise PermissionDenied
    return FileResponse(
        storage.open(name, "rb"),
        as_attachment=True,
        filename=f"certificates-{job.created_at:%Y%m%d-%H%M}.zip",
    )
