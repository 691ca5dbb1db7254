"""HR's cadre directory: list, detail, export, and the roster template. Scoped by people.scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .access import responsibility_required
from .exports import FORMATS, table_response
from .models import OrgUnit
from .roster_template import template_csv, template_xlsx
from .scope import scope_for
from .selectors import scope_roots, visible_cadres


def _filtered(request):
    scope = scope_for(request.user)
    unit = None
    if code := request.GET.get("unit"):
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None or not scope.covers_unit(unit):
            raise Http404
    return unit, visible_cadres(request.user, unit=unit, query=request.GET.get("q", "").strip())


@require_GET
@responsibility_required
def cadre_list(request):
    unit, cadres = _filtered(request)
    page = Paginator(cadres, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/cadre_list.html",
        {
            "page": page,
            "unit": unit,
            "roots": scope_roots(request.user),
            "query": request.GET.get("q", ""),
        },
    )


@require_GET
@responsibility_required
def cadre_export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    _unit, cadres = _filtered(request)
    headers = [
        _("employee number"),
        _("name"),
        _("unit"),
        _("position"),
        _("rank"),
        _("age band"),
        _("joined on"),
    ]
    rows = (
        (
            c.employee_no,
            c.display_name,
            c.unit.name,
            c.position.name,
            c.get_rank_display(),
            c.get_age_band_display(),
            c.joined_on,
        )
        for c in cadres.iterator(chunk_size=2000)
    )
    return table_response(fmt, headers, rows, "cadres")


@require_GET
@login_required
def cadre_detail(request, employee_no: str):
    cadre = get_object_or_404(
        scope_for(request.user).cadres().select_related("unit", "position"), employee_no=employee_no
    )
    return render(request, "people/cadre_detail.html", {"cadre": cadre})


@require_GET
@responsibility_required
def roster_template(request, fmt: str):
    """The roster template (XLSX with instructions and valid values, or a bare CSV)."""
    if fmt not in FORMATS:
        raise Http404
    return (template_xlsx if fmt == "xlsx" else template_csv)(request.user)
