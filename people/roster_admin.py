"""Roster import in the Wagtail admin: upload → preview → confirm, for users who hold the
``people.import_roster`` permission (the Administrators and HR groups).

The views stay thin: ``roster_uploads`` keeps the file and the jobs, the task does the work,
``jobs/progress.html`` shows the bar. HR officers import as themselves, so the data scope of the
import (``people.roster_import``) keeps them inside the units they are responsible for.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from jobs.models import JobStatus

from . import roster_uploads
from .exports import FORMATS, table_response
from .tasks import run_roster_upload

PERMISSION = "people.import_roster"
RECENT_UPLOADS = 10


def _dispatch(job_id, upload_id, dry_run: bool) -> None:
    """Start the task once the rows it reads are committed (inline when there is no broker)."""
    language = get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: run_roster_upload.delay(str(job_id), str(upload_id), dry_run, language)
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster file"),
        help_text=gettext_lazy(
            "CSV (UTF-8, UTF-8 with BOM or GBK) or XLSX. Nothing is imported until you have "
            "seen the preview and confirmed it."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class _RosterView(WagtailAdminTemplateMixin):
    header_icon = "upload"
    page_title = gettext_lazy("Roster import")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("roster_import:upload"), "label": _("Roster import")},
        ]


class UploadView(_RosterView, FormView):
    template_name = "people/admin/roster_upload.html"
    form_class = UploadForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            recent=roster_uploads.visible_uploads(self.request.user).filter(
                owner=self.request.user
            )[:RECENT_UPLOADS],
            max_mb=settings.SHUZHI_ROSTER_MAX_UPLOAD_MB,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            with transaction.atomic():
                upload = roster_uploads.store_upload(self.request.user, form.cleaned_data["file"])
                job = roster_uploads.start_preview(upload)
                _dispatch(job.id, upload.id, dry_run=True)
        except ValidationError as exc:
            form.add_error("file", exc)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("roster_import:detail", args=[upload.pk]))


class _UploadMixin:
    @cached_property
    def upload(self):
        return get_object_or_404(
            roster_uploads.visible_uploads(self.request.user), pk=self.kwargs["pk"]
        )


class DetailView(_RosterView, _UploadMixin, TemplateView):
    template_name = "people/admin/roster_detail.html"

    def get_page_subtitle(self):
        return self.upload.original_name

    def get_context_data(self, **kwargs):
        upload = self.upload
        current = upload.import_job or upload.preview_job
        result = current.result if current and current.status == JobStatus.SUCCEEDED else {}
        return super().get_context_data(
            upload=upload,
            job=current,
            is_import=upload.import_job_id is not None,
            result=result,
            more_errors=max(0, result.get("error_count", 0) - len(result.get("errors", []))),
            can_confirm=roster_uploads.can_confirm(upload),
            **kwargs,
        )


class ConfirmView(_RosterView, _UploadMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            with transaction.atomic():
                job = roster_uploads.start_import(self.upload)
                _dispatch(job.id, self.upload.id, dry_run=False)
        except ValidationError:
            pass  # the page explains why there is nothing to confirm
        return HttpResponseRedirect(reverse("roster_import:detail", args=[pk]))


class ErrorsView(_RosterView, _UploadMixin, View):
    """Every problem of the latest preview or import, as CSV or XLSX."""

    http_method_names = ["get"]

    def get(self, request, pk, fmt):
        if fmt not in FORMATS:
            raise Http404
        rows = (
            (e["row"], e["column"], e["code"], e["reason"])
            for e in roster_uploads.all_errors(self.upload)
        )
        headers = [_("row"), _("column"), _("error code"), _("reason")]
        return table_response(fmt, headers, rows, "roster-errors")


class RosterImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


class RosterImportViewSet(ViewSet):
    name = "roster_import"
    url_prefix = "people/roster-import"
    icon = "upload"
    menu_label = gettext_lazy("Roster import")
    menu_item_class = RosterImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", UploadView.as_view(), name="upload"),
            path("<uuid:pk>/", DetailView.as_view(), name="detail"),
            path("<uuid:pk>/confirm/", ConfirmView.as_view(), name="confirm"),
            path("<uuid:pk>/errors.<str:fmt>", ErrorsView.as_view(), name="errors"),
        ]
