"""HR's training plan and composite-talent pages, with their CSV/XLSX exports.

Thin: the unit comes from ``?unit=<code>`` (default: the top of the viewer's scope) and must lie
in the viewer's scope; the figures come from ``analytics.planning_selectors``. Group figures about
fewer than ``settings.SHUZHI_MIN_GROUP_SIZE`` cadres are suppressed; individual rows are shown
only to viewers responsible for those cadres (the data scope).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from people.access import responsibility_required
from people.exports import FORMATS, table_response
from people.models import OrgUnit
from people.scope import scope_for
from people.selectors import scope_roots, unit_children

from .composite import SHAPES, Shape
from .planning_courses import CourseOption, course_catalogue
from .planning_selectors import (
    PLAN_MAX_CADRES,
    composite_report,
    level_matrix,
    ranked_competencies,
    training_plan,
)

SHAPE_LABELS = {
    Shape.T_SHAPED: gettext_lazy("T-shaped"),
    Shape.PI_SHAPED: gettext_lazy("π-shaped (composite)"),
    Shape.LEADERSHIP: gettext_lazy("Leadership composite"),
}
SHOWN_ROWS = 200  # longer lists are complete in the export


def _unit(request) -> OrgUnit:
    scope = scope_for(request.user)
    code = request.GET.get("unit")
    unit = OrgUnit.objects.filter(code=code).first() if code else scope_roots(request.user).first()
    if unit is None or not scope.covers_unit(unit):
        raise Http404
    return unit


def _navigation(request, unit: OrgUnit) -> dict:
    """The parent (when in scope) and the children, for drilling up and down the tree."""
    parent = unit.get_parent()
    scope = scope_for(request.user)
    return {
        "unit": unit,
        "parent": parent if parent is not None and scope.covers_unit(parent) else None,
        "children": unit_children(unit),
    }


class PlanForm(forms.Form):
    """Hours budget, optional hours cap per cadre, and seats per course (built per catalogue)."""

    budget = forms.FloatField(
        label=gettext_lazy("Training-hours budget"), min_value=0, max_value=1_000_000, initial=40
    )
    per_cadre_hours = forms.FloatField(
        label=gettext_lazy("At most hours per cadre (optional)"),
        min_value=0,
        max_value=10_000,
        required=False,
    )

    def __init__(self, catalogue: list[CourseOption], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        for course in catalogue:
            self.fields[f"seats_{course.key}"] = forms.IntegerField(
                label=_("Seats: %(course)s") % {"course": course.label},
                min_value=0,
                max_value=100_000,
                initial=5,
                required=False,  # left empty: the course is not offered this round
            )

    def plan_fields(self):
        return [self["budget"], self["per_cadre_hours"]]

    def seat_fields(self):
        return [self[f"seats_{c.key}"] for c in self.catalogue]

    def seats(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[f"seats_{c.key}"] or 0 for c in self.catalogue}

    @classmethod
    def for_request(cls, request, catalogue, *, defaults: bool = False) -> PlanForm:
        """Bound to the query string once the user submitted it (or to the initial values when
        ``defaults``, so an export link without a submitted form still gives a plan)."""
        if "budget" in request.GET:
            return cls(catalogue, request.GET)
        if defaults:
            blank = cls(catalogue)
            return cls(
                catalogue,
                {
                    name: field.initial
                    for name, field in blank.fields.items()
                    if field.initial is not None
                },
            )
        return cls(catalogue)


def _plan(form: PlanForm, matrix, catalogue):
    if not form.is_bound or not form.is_valid() or len(matrix.cadres) > PLAN_MAX_CADRES:
        return None
    return training_plan(
        matrix,
        catalogue,
        form.seats(),
        form.cleaned_data["budget"],
        form.cleaned_data["per_cadre_hours"],
    )


@require_GET
@responsibility_required
def plan(request):
    unit = _unit(request)
    catalogue = course_catalogue()
    matrix = level_matrix(request.user, unit)
    large_enough = len(matrix.cadres) >= settings.SHUZHI_MIN_GROUP_SIZE
    form = PlanForm.for_request(request, catalogue)
    context = {
        **_navigation(request, unit),
        "form": form,
        "ranked": ranked_competencies(matrix, catalogue) if large_enough else None,
        "plan": _plan(form, matrix, catalogue),
        "too_large": len(matrix.cadres) > PLAN_MAX_CADRES,
        "max_cadres": PLAN_MAX_CADRES,
        "query": request.GET.urlencode(),
        "min_group": settings.SHUZHI_MIN_GROUP_SIZE,
    }
    return render(request, "analytics/planning/plan.html", context)


@require_GET
@responsibility_required
def plan_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    unit = _unit(request)
    catalogue = course_catalogue()
    form = PlanForm.for_request(request, catalogue, defaults=True)
    result = _plan(form, level_matrix(request.user, unit), catalogue)
    if result is None:
        return HttpResponseBadRequest(_("The plan's settings are not valid."))
    headers = [
        _("employee number"),
        _("name"),
        _("unit"),
        _("position"),
        _("course"),
        _("hours"),
        _("expected reduction in weighted gap"),
    ]
    rows = (
        (
            r.cadre.employee_no,
            r.cadre.name,
            r.cadre.unit_name,
            r.cadre.position,
            r.course.label,
            r.course.hours,
            r.expected_reduction,
        )
        for r in result.rows
    )
    return table_response(fmt, headers, rows, f"training-plan-{unit.code}")


@require_GET
@responsibility_required
def composite(request):
    unit = _unit(request)
    report = composite_report(level_matrix(request.user, unit), unit)
    context = {
        **_navigation(request, unit),
        "report": report,
        "shapes": [(shape, SHAPE_LABELS[shape]) for shape in SHAPES],
        "groups": [(group, rate, _cells(rate)) for group, rate in report.groups],
        "total_cells": _cells(report.total),
        "figure_columns": 1 + 2 * len(SHAPES),
        "roster": [(r, _classes(r.shapes)) for r in report.roster[:SHOWN_ROWS]],
        "pipeline": [(r, SHAPE_LABELS[r.shape]) for r in report.pipeline[:SHOWN_ROWS]],
        "shown": SHOWN_ROWS,
        "min_group": settings.SHUZHI_MIN_GROUP_SIZE,
    }
    return render(request, "analytics/planning/composite.html", context)


@require_GET
@responsibility_required
def composite_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    unit = _unit(request)
    report = composite_report(level_matrix(request.user, unit), unit)
    table = request.GET.get("table", "roster")
    person = [_("employee number"), _("name"), _("unit"), _("position")]
    if table == "roster":
        headers = [*person, _("classes")]
        rows = ((*_person(r.cadre), _classes(r.shapes)) for r in report.roster)
    elif table == "pipeline":
        headers = [*person, _("class within reach"), _("competencies one level short")]
        rows = (
            (
                *_person(r.cadre),
                str(SHAPE_LABELS[r.shape]),
                "、".join(c.code for c in r.competencies),
            )
            for r in report.pipeline
        )
    elif table == "units":
        headers = [_("unit"), _("cadres")]
        for shape in SHAPES:
            headers += [
                SHAPE_LABELS[shape],
                _("%(class)s per 100") % {"class": SHAPE_LABELS[shape]},
            ]
        rows = (_unit_row(group, rate) for group, rate in report.groups)
    else:
        raise Http404
    return table_response(fmt, [str(h) for h in headers], rows, f"composite-{table}-{unit.code}")


def _cells(rate) -> list[tuple[int, float]]:
    """(count, per 100) per class, or [] for a suppressed group."""
    if rate.suppressed:
        return []
    return [(rate.counts[shape], rate.per_hundred[shape]) for shape in SHAPES]


def _classes(shapes) -> str:
    return "、".join(str(SHAPE_LABELS[s]) for s in shapes)


def _person(cadre) -> tuple:
    return cadre.employee_no, cadre.name, cadre.unit_name, cadre.position


def _unit_row(unit: OrgUnit, rate) -> tuple:
    if rate.suppressed:
        return (unit.name, _("fewer than %(n)s") % {"n": settings.SHUZHI_MIN_GROUP_SIZE})
    return (unit.name, rate.n, *(value for pair in _cells(rate) for value in pair))
