"""The data scope: who may see whose personal data. The one place this rule lives.

Every view, export, API endpoint, task and PDF that shows anything about a cadre obtains the
viewer's :class:`DataScope` from :func:`scope_for` and filters through it:

* an administrator sees everyone;
* an HR officer sees the cadres in the org subtree(s) granted to them (:class:`ScopeGrant`),
  and themselves;
* everyone else (cadres, trainers) sees only themselves.

Subtrees are materialised-path prefixes, so any query about "people under these units" stays a
single indexed SQL filter, whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, Q, QuerySet

from .models import Cadre, OrgUnit, ScopeGrant
from .roles import Role, roles_of


@dataclass(frozen=True)
class DataScope:
    everything: bool = False
    unit_paths: tuple[str, ...] = ()
    own_cadre_id: int | None = None

    @property
    def sees_others(self) -> bool:
        """True for viewers responsible for other people (HR with grants, administrators)."""
        return self.everything or bool(self.unit_paths)

    def _unit_q(self, prefix: str) -> Q:
        if not self.unit_paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{prefix}path__startswith": p}) for p in self.unit_paths))

    def filter_cadres(self, queryset: QuerySet, cadre_field: str = "") -> QuerySet:
        """Restrict ``queryset`` to rows about cadres in scope.

        ``cadre_field`` is the lookup from the queryset's model to the Cadre ("" when the
        queryset is of cadres, "cadre" for evidence, "enrolment__cadre" …).
        """
        if self.everything:
            return queryset
        prefix = f"{cadre_field}__" if cadre_field else ""
        condition = self._unit_q(f"{prefix}unit__")
        if self.own_cadre_id is not None:
            own_lookup = f"{cadre_field}_id" if cadre_field else "pk"
            condition |= Q(**{own_lookup: self.own_cadre_id})
        return queryset.filter(condition)

    def filter_units(self, queryset: QuerySet, unit_field: str = "") -> QuerySet:
        """Restrict ``queryset`` to rows about units inside the viewer's subtrees."""
        if self.everything:
            return queryset
        return queryset.filter(self._unit_q(f"{unit_field}__" if unit_field else ""))

    def cadres(self) -> QuerySet[Cadre]:
        return self.filter_cadres(Cadre.objects.all())

    def units(self) -> QuerySet[OrgUnit]:
        return self.filter_units(OrgUnit.objects.all())

    def covers_unit(self, unit: OrgUnit) -> bool:
        return self.everything or any(unit.path.startswith(p) for p in self.unit_paths)

    def covers_cadre(self, cadre: Cadre) -> bool:
        return cadre.pk == self.own_cadre_id or self.covers_unit(cadre.unit)

    def covers(self, obj: Model, cadre_field: str) -> bool:
        """Whether one row (e.g. an evidence row or enrolment) is about a cadre in scope."""
        if self.everything:
            return True
        return self.filter_cadres(
            type(obj)._default_manager.filter(pk=obj.pk), cadre_field
        ).exists()


NO_SCOPE = DataScope()


def scope_for(user: AbstractBaseUser | AnonymousUser) -> DataScope:
    """The viewer's data scope; cached on the user object for the request."""
    if not user.is_authenticated:
        return NO_SCOPE
    cached = getattr(user, "_shuzhi_scope", None)
    if cached is not None:
        return cached
    roles = roles_of(user)
    own = Cadre.objects.filter(user=user).values_list("pk", flat=True).first()
    if Role.ADMIN in roles:
        scope = DataScope(everything=True, own_cadre_id=own)
    elif Role.HR in roles:
        paths = ScopeGrant.objects.filter(user=user).values_list("unit__path", flat=True)
        scope = DataScope(unit_paths=_outermost(paths), own_cadre_id=own)
    else:
        scope = DataScope(own_cadre_id=own)
    user._shuzhi_scope = scope
    return scope


def _outermost(paths) -> tuple[str, ...]:
    """Drop grants nested inside another grant: the SQL stays as short as the real scope."""
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)
