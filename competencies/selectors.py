"""Read paths of the competency app."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from people.models import Position
from people.scope import scope_for

from .models import Competency, Evidence, Framework, ProficiencyLevel, RoleRequirement


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


def level_names() -> dict[int, tuple[str, str]]:
    """Level → (Chinese name, English name) on the current framework's scale."""
    return {
        level: (zh, en)
        for level, zh, en in ProficiencyLevel.objects.filter(
            framework__is_current=True
        ).values_list("level", "name_zh", "name_en")
    }


def competency_names(codes: list[str]) -> dict[str, tuple[str, str]]:
    """Competency code → (Chinese name, English name) in the current framework."""
    return {
        code: (zh, en)
        for code, zh, en in competencies()
        .filter(code__in=codes)
        .values_list("code", "name_zh", "name_en")
    }
