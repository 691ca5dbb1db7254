"""View decorators that apply the role and scope rules; every app's views use these."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .roles import Role, has_role
from .scope import scope_for


def responsibility_required(view: Callable) -> Callable:
    """For pages about other people: the viewer must be responsible for someone (HR, admin)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not scope_for(request.user).sees_others:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles: Role) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
