"""Write paths about people: positions, scope grants and display preferences.

The roster import, the largest write path, has its own module (``people.roster_import``) and
its upload workflow another (``people.roster_uploads``).
"""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
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


def unusable_password() -> str:
    """An unusable password hash, as ``make_password(None)`` makes one, without drawing 40
    random characters one at a time (it matters when creating 100,000 accounts in bulk)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
