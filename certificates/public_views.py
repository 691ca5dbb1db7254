"""Public endpoints: verification page, issuer profile, JWKS, credential verification.
Open to everyone; they show a masked name at most, and the look-ups are rate-limited."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import credentials
from .codes import format_code, normalise
from .forms import VerifyForm
from .ratelimit import rate_limited
from .selectors import public_record


def _issuer_name() -> str:
    english = (get_language() or "").startswith("en")
    return settings.CERTIFICATES_ISSUER_NAME_EN if english else settings.CERTIFICATES_ISSUER_NAME_ZH


@require_GET
@rate_limited("verify")
def verify_form(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = normalise(form.cleaned_data["code"])
        target = code or "".join(ch for ch in form.cleaned_data["code"] if ch.isalnum())[:40]
        if target:
            return HttpResponseRedirect(reverse("certificates:verify", kwargs={"code": target}))
    return render(request, "certificates/verify_form.html", {"form": form})


@require_GET
@never_cache
@rate_limited("verify")
def verify(request, code: str):
    record = public_record(code, _issuer_name())
    canonical = normalise(code)
    shown = format_code(canonical) if canonical else code
    return render(
        request,
        "certificates/verify.html",
        {"record": record, "code": code, "form": VerifyForm(initial={"code": shown})},
        status=200 if record else 404,
    )


def _json(data: dict, content_type: str = "application/json") -> JsonResponse:
    response = JsonResponse(
        data, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"  # public documents verifiers fetch
    return response


@require_GET
def issuer(request):
    return _json(credentials.issuer_profile(), "application/ld+json")


@require_GET
def jwks(request):
    return _json(credentials.jwks(), "application/jwk-set+json")


@csrf_exempt  # a public API taking a credential, no session or cookie involved
@require_http_methods(["GET", "POST"])
@never_cache
@rate_limited("verify-credential", as_json=True)
def verify_credential(request):
    """POST a VC-JWT (body, or form field ``credential``); GET with ?credential=… also works."""
    token = request.POST.get("credential") or request.GET.get("credential")
    if not token and request.body and request.method == "POST":
        body = request.body.decode("utf-8", errors="replace").strip()
        if body.startswith("{"):
            try:
                token = json.loads(body).get("credential", "")
            except (ValueError, AttributeError):
                token = ""
        else:
            token = body
    if not token:
        return JsonResponse(
            {"error": "send the VC-JWT as the request body or as the 'credential' field"},
            status=400,
        )
    return _json(credentials.verify(token.strip()).as_dict())
