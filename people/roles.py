"""The four roles and how a user gets one.

Roles are Django groups (so the Wagtail admin can grant them) plus the superuser flag. A user
may hold several: an HR officer is usually also a cadre who takes courses.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group


class Role(StrEnum):
    CADRE = "cadre"
    TRAINER = "trainer"
    HR = "hr"
    ADMIN = "admin"


# Group names as stored in the database; stable identifiers, translated only for display.
GROUP_NAMES = {Role.TRAINER: "Trainers", Role.HR: "HR", Role.ADMIN: "Administrators"}


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[Role]:
    """Every role the user holds; cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_shuzhi_roles", None)
    if cached is not None:
        return cached
    group_names = set(user.groups.values_list("name", flat=True))
    roles = {role for role, name in GROUP_NAMES.items() if name in group_names}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    if hasattr(user, "cadre"):
        roles.add(Role.CADRE)
    user._shuzhi_roles = frozenset(roles)
    return user._shuzhi_roles


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def group_for(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
    return group
