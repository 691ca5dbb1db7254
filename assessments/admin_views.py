"""Admin views of the item bank: the typed item editor, version previews, imports, exports."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.utils import set_query_params
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import SnippetChooserViewSet

from competencies.selectors import competencies
from jobs.services import create_job
from people.exports import xlsx_response

from . import content as c
from .admin_panels import handler_for
from .exporters import export_bank
from .importers.excel import TEMPLATE_EXAMPLE, TEMPLATE_HEADERS
from .imports import PARSERS, import_questions
from .messages import localise
from .models import ImportStatus, Item, ItemBank, ItemType, ItemVersion, QuestionImport
from .preview import preview_context
from .services import content_problems, save_version


class _TypedPanelMixin:
    """Each item type has its own editor panels (and so its own form)."""

    item_type = ""

    def get_panel(self):
        return handler_for(self.item_type)

    def get_form_class(self):
        return self.panel.get_form_class()

    def form_valid(self, form):
        problems = content_problems(form.save(commit=False))
        if problems:
            for problem in problems:
                form.add_error(None, localise(problem))
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        return super().form_valid(form)

    def save_instance(self):
        instance = super().save_instance()
        save_version(instance, user=self.request.user)
        return instance


class ItemCreateView(_TypedPanelMixin, snippet_views.CreateView):
    def setup(self, request, *args, **kwargs):
        self.item_type = request.GET.get("type", "")
        super().setup(request, *args, **kwargs)
        # The live preview posts without the type; the saved item is previewed on its edit page.
        self.preview_enabled = False

    def dispatch(self, request, *args, **kwargs):
        if self.item_type not in c.TYPES:
            choices = [
                (value, label, set_query_params(request.path, {"type": value}))
                for value, label in ItemType.choices
            ]
            return render(request, "assessments/admin/type_chooser.html", {"choices": choices})
        return super().dispatch(request, *args, **kwargs)

    def get_initial_form_instance(self):
        return Item(type=self.item_type)

    def get_add_url(self):
        return set_query_params(super().get_add_url(), {"type": self.item_type})


class ItemEditView(_TypedPanelMixin, snippet_views.EditView):
    def setup(self, request, *args, **kwargs):
        found = Item.objects.filter(pk=kwargs.get("pk")).values_list("type", flat=True).first()
        self.item_type = found or ""
        super().setup(request, *args, **kwargs)


def guarded(view, model):
    """Wagtail's snippet choosers list every snippet to anyone with admin access; the bank is
    for those who may view it (trainers, administrators)."""
    permission = f"{model._meta.app_label}.view_{model._meta.model_name}"

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class GuardedChooserViewSet(SnippetChooserViewSet):
    def get_urlpatterns(self):
        return [
            path(str(p.pattern), guarded(p.callback, self.model), name=p.name)
            for p in super().get_urlpatterns()
        ]


class ItemPreviewOnEditView(snippet_views.PreviewOnEditView):
    def get_form_class(self):
        return handler_for(self.object.type).get_form_class()


def version_preview(request, pk: int):
    version = get_object_or_404(ItemVersion.objects.select_related("item"), pk=pk)
    if not request.user.has_perm("assessments.view_item"):
        raise PermissionDenied
    context = preview_context(version.content, request.GET.get("mode", ""))
    return render(request, "assessments/admin/item_preview.html", context)


# --- question files ------------------------------------------------------------------------------


def _require_import_permission(request) -> None:
    if not request.user.has_perm("assessments.import_items"):
        raise PermissionDenied


FORMAT_CHOICES = [
    ("moodle-xml", gettext_lazy("Moodle XML")),
    ("gift", gettext_lazy("GIFT")),
    ("qti", gettext_lazy("QTI 2.1 / 3.0 (item or content package)")),
    ("excel", gettext_lazy("Excel question template (.xlsx)")),
]
MAX_UPLOAD = 50 * 1024 * 1024


class QuestionFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Question file"))
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=FORMAT_CHOICES)
    bank = forms.CharField(
        label=gettext_lazy("Bank"),
        max_length=120,
        widget=forms.TextInput(attrs={"list": "bank-names", "autocomplete": "off"}),
        help_text=gettext_lazy("An existing bank's name, or a new name to create one."),
    )
    competency = forms.ChoiceField(label=gettext_lazy("Competency for every item"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", "—")] + [
            (comp.code, f"{comp.code} {comp.name}") for comp in competencies()
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


def import_upload(request):
    _require_import_permission(request)
    form = QuestionFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        fmt = form.cleaned_data["format"]
        report = import_questions(
            data,
            fmt,
            bank_name=form.cleaned_data["bank"],
            competency_code=form.cleaned_data["competency"],
            dry_run=True,
            filename=upload.name,
        )
        upload.seek(0)
        record = QuestionImport(
            original_name=upload.name[:255],
            format=fmt,
            bank_name=form.cleaned_data["bank"].strip(),
            competency_code=form.cleaned_data["competency"],
            created_by=request.user,
            report={
                **report.to_dict(),
                "preview": report.preview[:200],
                "would_import": report.imported,
            },
        )
        record.file.save(upload.name, upload, save=False)
        record.save()
        return redirect("question_files:detail", pk=record.pk)
    banks = ItemBank.objects.order_by("name")
    recent = QuestionImport.objects.filter(created_by=request.user)[:10]
    return render(
        request,
        "assessments/admin/import_form.html",
        {"form": form, "banks": banks, "recent": recent, "formats": sorted(PARSERS)},
    )


def import_detail(request, pk: int):
    _require_import_permission(request)
    record = get_object_or_404(QuestionImport, pk=pk)
    previews = [
        {**row, **preview_context(row["content"], "key")}
        for row in (record.report.get("preview") or [])[:50]
    ]
    return render(
        request,
        "assessments/admin/import_detail.html",
        {"record": record, "report": record.report, "previews": previews},
    )


def import_confirm(request, pk: int):
    _require_import_permission(request)
    if request.method != "POST":
        return redirect("question_files:detail", pk=pk)
    with transaction.atomic():
        record = get_object_or_404(QuestionImport.objects.select_for_update(), pk=pk)
        if record.status != ImportStatus.PREVIEWED or record.report.get("errors"):
            messages.error(request, _("This file cannot be imported (again)."))
            return redirect("question_files:detail", pk=pk)
        job = create_job("assessments.import", request.user, total=1)
        record.status, record.job_id = ImportStatus.IMPORTING, job.id
        record.save(update_fields=["status", "job_id"])
        from .tasks import import_question_file

        transaction.on_commit(lambda: import_question_file.delay(record.pk, str(job.id)))
    return redirect("question_files:detail", pk=pk)


def export_moodle(request, bank_pk: int):
    _require_import_permission(request)
    bank = get_object_or_404(ItemBank, pk=bank_pk)
    result = export_bank(bank)
    response = HttpResponse(result.xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bank-{bank.pk}-moodle.xml"'
    response["X-Shuzhi-Left-Out"] = str(len(result.skipped))
    return response


def excel_template(request):
    _require_import_permission(request)
    return xlsx_response(TEMPLATE_HEADERS, TEMPLATE_EXAMPLE, "题库导入模板", sheet="题库")


def export_url(bank: ItemBank) -> str:
    return reverse("question_files:export", kwargs={"bank_pk": bank.pk})
