"""Write paths about people: positions, scope grants and display preferences.

The roster import, the largest write path, has its own module (``people.roster_import``) and
its upload workflow another (``people.roster_uploads``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from .models import DisplayPreference, OrgUnit, Position, ScopeGrant


def upsert_position(*, code: str, **values) -> tuple[Position, bool]:
    """Create or update a position by code; returns (position, created)."""
    position, created = Position.objects.update_or_create(code=code, defaults=values)
    return position, created


def grant_scope(user: AbstractBaseUser, unit: OrgUnit) -> ScopeGrant:
    grant, _ = ScopeGrant.objects.get_or_create(user=user, unit=unit)
    return grant


def set_elder_mode(user: AbstractBaseUser, enabled: bool) -> None:
    DisplayPreference.objects.update_or_create(user=user, defaults={"elder_mode": enabled})
