"""A per-client rate limit for the public verification endpoints (Django's cache: Redis in
production, so the limit holds across processes)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request) -> str:
    # REMOTE_ADDR is the proxy's address behind a proxy; configure the proxy to set it (e.g.
    # uwsgi/gunicorn forwarded-allow-ips) rather than trusting X-Forwarded-For from anyone.
    return request.META.get("REMOTE_ADDR", "unknown")


def over_limit(request, bucket: str) -> bool:
    window = settings.CERTIFICATES_VERIFY_WINDOW
    key = f"certificates:rate:{bucket}:{client_ip(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > settings.CERTIFICATES_VERIFY_LIMIT


def rate_limited(bucket: str, *, as_json: bool = False) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if over_limit(request, bucket):
                message = _(
                    "Too many verification requests from your network. "
                    "Please wait %(seconds)s seconds and try again."
                ) % {"seconds": settings.CERTIFICATES_VERIFY_WINDOW}
                if as_json:
                    response = JsonResponse({"error": message}, status=429)
                else:
                    response = render(
                        request, "certificates/rate_limited.html", {"message": message}, status=429
                    )
                response["Retry-After"] = str(settings.CERTIFICATES_VERIFY_WINDOW)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
