"""Read paths about people. Each takes the viewer and goes through the data scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from .models import AdminLevel, Cadre, OrgUnit, Position
from .scope import scope_for


def cadre_of(user: AbstractBaseUser | AnonymousUser) -> Cadre | None:
    """The cadre record of a logged-in user, or None (e.g. a pure trainer account)."""
    if not user.is_authenticated:
        return None
    return Cadre.objects.select_related("unit", "position").filter(user=user).first()


def visible_cadres(
    viewer: AbstractBaseUser | AnonymousUser,
    *,
    unit: OrgUnit | None = None,
    query: str = "",
) -> QuerySet[Cadre]:
    """Cadres the viewer may see, optionally narrowed to one unit's subtree and a name search."""
    cadres = scope_for(viewer).cadres().select_related("unit", "position")
    if unit is not None:
        cadres = cadres.filter(unit__path__startswith=unit.path)
    if query:
        cadres = cadres.filter(display_name__icontains=query) | cadres.filter(employee_no=query)
    return cadres.order_by("unit__path", "employee_no")


def visible_units(viewer: AbstractBaseUser | AnonymousUser) -> QuerySet[OrgUnit]:
    """Units inside the viewer's subtrees (empty for viewers who see only themselves)."""
    return scope_for(viewer).units().order_by("path")


def scope_roots(viewer: AbstractBaseUser | AnonymousUser) -> QuerySet[OrgUnit]:
    """The top unit(s) of the viewer's scope: where a drill-down starts."""
    scope = scope_for(viewer)
    if scope.everything:
        return OrgUnit.get_root_nodes()
    return OrgUnit.objects.filter(path__in=scope.unit_paths).order_by("path")


def unit_children(unit: OrgUnit) -> QuerySet[OrgUnit]:
    return unit.get_children().order_by("code")


def units_at_level(level: AdminLevel) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(level=level).order_by("path")


def positions() -> QuerySet[Position]:
    return Position.objects.order_by("code")


def targeted_cadres(
    *,
    units: Iterable[OrgUnit] = (),
    positions: Iterable[Position] = (),
    cadre_ids: Iterable[int] = (),
    levels: Iterable[str] = (),
) -> QuerySet[Cadre]:
    """Active cadres an assignment reaches: anyone under one of `units` (subtrees), holding one
    of `positions`, at one of the administrative `levels`, or named in `cadre_ids` — the union.

    The one targeting rule shared by course assignments and assessment forms. It is not a
    viewer's read: callers check that whoever creates the assignment may target those units
    (``people.scope``) before storing it.
    """
    reach = Q(pk__in=list(cadre_ids))
    for unit in units:
        reach |= Q(unit__path__startswith=unit.path)
    position_ids = [p.pk for p in positions]
    if position_ids:
        reach |= Q(position_id__in=position_ids)
    level_values = list(levels)
    if level_values:
        reach |= Q(unit__level__in=level_values)
    return Cadre.objects.filter(reach, is_active=True).distinct()
