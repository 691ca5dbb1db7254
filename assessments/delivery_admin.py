"""Delivery in the Wagtail admin: forms (trainers, HR), cut scores (administrators edit,
trainers look), calibration runs (read-only versions) and each form's item analysis.

Targeting is limited to the editor's data scope (``people.scope``): the unit and cadre choices
offer only what the editor may see, and ``selectors.reached_cadres`` applies the same limit when
the form is delivered, so a position or level chosen by an HR officer reaches only their units.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from competencies.models import Competency
from people.models import AdminLevel
from people.scope import scope_for

from .models import AssessmentForm, CalibrationRun, CutScore, ItemBank


class AssessmentFormForm(WagtailAdminModelForm):
    target_levels = forms.MultipleChoiceField(
        label=_("administrative levels"),
        choices=AdminLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self._kept: dict[str, list] = {}
        if user is not None and "target_units" in self.fields:
            scope = scope_for(user)
            offered = {
                "target_units": scope.units().order_by("path"),
                "target_cadres": scope.cadres().order_by("employee_no"),
            }
            for name, queryset in offered.items():
                self.fields[name].queryset = queryset
                # Targets outside the editor's scope (set by someone else) stay as they are.
                current = getattr(self.instance, name).all() if self.instance.pk else []
                allowed = set(queryset.filter(pk__in=[x.pk for x in current]))
                self._kept[name] = [x for x in current if x not in allowed]

    def clean(self):
        cleaned = super().clean()
        for name, kept in self._kept.items():
            if name in cleaned:
                cleaned[name] = [*cleaned[name], *kept]
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit=False)
        if instance.created_by_id is None and self.for_user is not None:
            instance.created_by = self.for_user
        if commit:
            instance.save()
            self.save_m2m()
        return instance


FORM_PANELS = [
    MultiFieldPanel(
        [
            FieldPanel("title_zh"),
            FieldPanel("title_en"),
            FieldPanel("description_zh"),
            FieldPanel("description_en"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("bank"), FieldPanel("is_published")]),
        ],
        heading=_("Form"),
    ),
    InlinePanel("sections", heading=_("Blueprint by competency"), min_num=1),
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            FieldRowPanel(
                [
                    FieldPanel("time_limit_minutes"),
                    FieldPanel("attempts_allowed"),
                    FieldPanel("pass_mark"),
                ]
            ),
            FieldPanel("feedback_policy"),
            FieldRowPanel(
                [
                    FieldPanel("items_per_page"),
                    FieldPanel("shuffle_items"),
                    FieldPanel("shuffle_options"),
                ]
            ),
        ],
        heading=_("Settings"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel(
                [FieldPanel("se_target"), FieldPanel("max_items"), FieldPanel("min_items")]
            ),
            FieldRowPanel([FieldPanel("min_per_competency"), FieldPanel("randomesque")]),
        ],
        heading=_("Adaptive forms: stopping rules and exposure"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("target_units"),
            FieldPanel("target_positions"),
            FieldPanel("target_levels"),
            FieldPanel("target_cadres"),
        ],
        heading=_("Assigned to (within your data scope)"),
    ),
]


def item_analysis(request, pk: int):
    """The form's item-analysis report (permission ``view_item_analysis``)."""
    from .item_analysis import form_report

    if not request.user.has_perm("assessments.view_item_analysis"):
        raise PermissionDenied
    form = get_object_or_404(AssessmentForm, pk=pk)
    return render(
        request,
        "assessments/admin/item_analysis.html",
        {"form": form, "report": form_report(form)},
    )


class ItemAnalysisViewSet(ViewSet):
    name = "assessments_item_analysis"
    url_prefix = "assessments/item-analysis"

    def get_urlpatterns(self):
        return [
            path("<int:pk>/", item_analysis, name="form"),
            path("angoff/", angoff, name="angoff"),
        ]


class AngoffForm(forms.Form):
    bank = forms.ModelChoiceField(label=_("item bank"), queryset=ItemBank.objects.all())
    competency = forms.ModelChoiceField(
        label=_("competency"),
        queryset=Competency.objects.filter(domain__framework__is_current=True).order_by("code"),
    )
    ratings = forms.CharField(
        label=_("ratings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One line per judge, one number per item in the order listed: the probability that "
            "a borderline candidate answers the item right."
        ),
    )


def angoff(request):
    """Modified-Angoff worksheet (administrators): the panel's cut on raw and θ scales."""
    from .angoff import panel_cut, parse_ratings, worksheet_items

    if not request.user.has_perm("assessments.change_cutscore"):
        raise PermissionDenied
    form = AngoffForm(request.GET or None)
    context: dict = {"form": form}
    if form.is_valid():
        items = worksheet_items(form.cleaned_data["bank"], form.cleaned_data["competency"].pk)
        context["items"] = items
        if items and form.cleaned_data["ratings"]:
            try:
                ratings = parse_ratings(form.cleaned_data["ratings"], len(items))
                context["cut"], context["calibrated"] = panel_cut(items, ratings)
            except ValueError as exc:
                context["error"] = str(exc)
    return render(request, "assessments/admin/angoff.html", context)


def _analysis_link(form: AssessmentForm) -> str:
    url = reverse("assessments_item_analysis:form", args=[form.pk])
    return format_html('<a href="{}">{}</a>', url, _("Item analysis"))


class AssessmentFormViewSet(ModelViewSet):
    model = AssessmentForm
    name = "assessments_forms"
    url_prefix = "assessments/forms"
    icon = "form"
    menu_label = _("Assessment forms")
    edit_handler = ObjectList(FORM_PANELS, base_form_class=AssessmentFormForm)
    list_display = [
        "title_zh",
        "kind",
        "bank",
        "is_published",
        "closes_at",
        Column("analysis", label=_("Item analysis"), accessor=_analysis_link),
    ]
    list_filter = ["kind", "is_published"]
    search_fields = ["title_zh", "title_en"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    # Named cadres are personal data: the inspect page lists the rest of the targeting only
    # (the edit form offers cadres within the editor's scope).
    inspect_view_fields = [
        "title_zh",
        "title_en",
        "kind",
        "bank",
        "is_published",
        "opens_at",
        "closes_at",
        "time_limit_minutes",
        "attempts_allowed",
        "pass_mark",
        "feedback_policy",
        "target_units",
        "target_positions",
        "target_levels",
    ]


class CutScoreViewSet(ModelViewSet):
    model = CutScore
    name = "assessments_cut_scores"
    url_prefix = "assessments/cut-scores"
    icon = "order"
    menu_label = _("Cut scores (θ → levels)")
    form_fields = ["competency", "level_2", "level_3", "level_4", "level_5", "basis"]
    list_display = [
        Column("competency", label=_("Competency"), accessor="competency"),
        "level_2",
        "level_3",
        "level_4",
        "level_5",
        "updated_at",
    ]
    list_export = ["competency", "level_2", "level_3", "level_4", "level_5", "basis"]
    search_fields = ["competency__code"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True


class CalibrationCreateView(CreateView):
    """Adding a run reserves the next version and hands the work to the Celery task."""

    def save_instance(self):
        from .calibration_runs import new_run
        from .tasks import calibrate_competency_bank

        data = self.form.cleaned_data
        run = new_run(data["bank"].pk, data["competency"].pk, user_id=self.request.user.pk)
        transaction.on_commit(lambda: calibrate_competency_bank.delay(run.pk))
        return run


class CalibrationRunViewSet(ModelViewSet):
    model = CalibrationRun
    name = "assessments_calibrations"
    url_prefix = "assessments/calibrations"
    icon = "history"
    menu_label = _("Calibration runs")
    add_view_class = CalibrationCreateView
    form_fields = ["bank", "competency"]
    list_display = [
        "bank",
        Column("competency", label=_("Competency"), accessor="competency"),
        "number",
        "status",
        "n_persons",
        "n_items",
        "finished_at",
    ]
    list_filter = ["status", "bank"]
    search_fields = ["competency__code"]
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "bank",
        "competency",
        "number",
        "model",
        "status",
        "n_persons",
        "n_items",
        "loglik",
        "converged",
        "linking",
        "message",
        "started_at",
        "finished_at",
    ]


class DeliveryGroup(ViewSetGroup):
    menu_label = _("Assessments")
    menu_icon = "form"
    menu_order = 320
    items = (AssessmentFormViewSet, CutScoreViewSet, CalibrationRunViewSet)
