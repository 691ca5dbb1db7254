"""The site's own pages: health, login, display preferences and the cadre's "My learning"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from certificates.selectors import my_certificates
from courses.selectors import my_learning as learning_of
from people.selectors import cadre_of
from people.services import set_elder_mode

from .health import run_checks

ONE_YEAR = 365 * 24 * 3600


@require_GET
@never_cache
def healthz(request):
    healthy, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )


def _safe_next(request, fallback: str = "/") -> str:
    target = (
        request.POST.get("next") or request.GET.get("next") or request.headers.get("referer", "")
    )
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def elder_mode(request):
    """Switch the elder-friendly display on or off; remembered per account and in a cookie."""
    enabled = request.POST.get("elder_mode") == "1"
    if request.user.is_authenticated:
        set_elder_mode(request.user, enabled)
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(
        "elder_mode", "1" if enabled else "0", max_age=ONE_YEAR, samesite="Lax", httponly=True
    )
    return response


@login_required
def my_learning(request):
    """A cadre's own page: assigned courses, progress, credit hours, certificates and radar."""
    return render(
        request,
        "portal/my_learning.html",
        {
            "cadre": cadre_of(request.user),
            "learning": learning_of(request.user),
            "certificates": my_certificates(request.user)[:10],
        },
    )
