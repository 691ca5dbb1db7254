"""Read paths of the competency app."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from people.models import Position
from people.scope import scope_for

from .models import Competency, Evidence, Framework, RoleRequirement


def current_framework() -> Framework | None:
    return Framework.objects.filter(is_current=True).first()


def competencies() -> QuerySet[Competency]:
    """Competencies of the current framework, in framework order."""
    return (
        Competency.objects.filter(domain__framework__is_current=True)
        .select_related("domain")
        .order_by("domain__sort_order", "sort_order")
    )


def requirements_for(position: Position) -> QuerySet[RoleRequirement]:
    return RoleRequirement.objects.filter(
        position=position, competency__domain__framework__is_current=True
    ).select_related("competency")


def visible_evidence(viewer: AbstractBaseUser | AnonymousUser) -> QuerySet[Evidence]:
    """Ledger rows about cadres in the viewer's data scope."""
    return scope_for(viewer).filter_cadres(Evidence.objects.all(), "cadre")
