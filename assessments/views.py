"""Cadre pages: My assessments, taking an attempt (paged fixed forms, one item per screen for
adaptive ones), autosave, submit and the result. Thin: rules live in ``attempts``; reads in
``selectors``; what a page may show of an item is ``scoring.public_view`` only."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import attempts as svc
from .models import AssessmentForm, AttemptStatus
from .presentation import page_of, result_context, slot_views
from .responses import read_response
from .selectors import cadre_of, my_forms, own_attempt


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _attempt_or_404(request, attempt_id: int):
    attempt = own_attempt(request.user, attempt_id)
    if attempt is None:
        raise Http404
    return attempt


@require_GET
@login_required
def my_assessments(request):
    return render(
        request,
        "assessments/my_assessments.html",
        {"assigned": my_forms(request.user), "language": _language()},
    )


@require_POST
@login_required
def start(request, form_id: int):
    cadre = cadre_of(request.user)
    form = get_object_or_404(AssessmentForm, pk=form_id, is_published=True)
    if cadre is None:
        raise Http404
    try:
        attempt = svc.start_attempt(form, cadre)
    except svc.DeliveryError as exc:
        messages.error(request, str(exc))
        return redirect("assessments:my_assessments")
    return redirect("assessments:take", attempt_id=attempt.pk)


def _closed(request, exc: svc.AttemptClosed):
    messages.warning(request, str(exc))
    return redirect("assessments:result", attempt_id=exc.attempt.pk)


@require_http_methods(["GET", "POST"])
@login_required
def take(request, attempt_id: int):
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return redirect("assessments:result", attempt_id=attempt.pk)
    if attempt.form.adaptive:
        return _take_adaptive(request, attempt)
    slots = slot_views(attempt, _language())
    page, pages = page_of(slots, attempt.form.items_per_page, request.GET.get("page"))
    if request.method == "POST":
        answers = {s.position: read_response(s.public, s.prefix, request.POST) for s in page}
        try:
            problems = svc.save_answers(attempt.pk, answers)
        except svc.AttemptClosed as exc:
            return _closed(request, exc)
        if problems:
            messages.error(request, _("Some answers could not be saved; please check them."))
            return redirect(f"{request.path}?page={pages.number}")
        action = request.POST.get("action", "save")
        if action == "submit":
            svc.submit(attempt.pk)
            return redirect("assessments:result", attempt_id=attempt.pk)
        target = {"next": pages.number + 1, "previous": pages.number - 1}.get(action, pages.number)
        target = min(max(1, target), pages.count)
        return redirect(f"{request.path}?page={target}")
    answered = sum(1 for s in slots if s.answered)
    return render(
        request,
        "assessments/take.html",
        {
            "attempt": attempt,
            "slots": page,
            "pages": pages,
            "answered": answered,
            "total": len(slots),
            "language": _language(),
        },
    )


def _take_adaptive(request, attempt):
    slots = slot_views(attempt, _language())
    current = next((s for s in slots if not s.answered), None)
    if request.method == "POST":
        if request.POST.get("action") == "submit":
            svc.submit(attempt.pk)
            return redirect("assessments:result", attempt_id=attempt.pk)
        if current is None:
            return HttpResponseBadRequest()
        response = read_response(current.public, current.prefix, request.POST)
        if response is None:
            messages.error(request, _("Please answer this question before going on."))
            return redirect(request.path)
        try:
            attempt = svc.answer_adaptive(attempt.pk, response)
        except svc.AttemptClosed as exc:
            return _closed(request, exc)
        except svc.DeliveryError as exc:
            messages.error(request, str(exc))
            return redirect(request.path)
        if attempt.status == AttemptStatus.GRADED:
            return redirect("assessments:result", attempt_id=attempt.pk)
        return redirect(request.path)
    return render(
        request,
        "assessments/take_adaptive.html",
        {
            "attempt": attempt,
            "slot": current,
            "number": len(slots),
            "max_items": attempt.form.max_items,
            "language": _language(),
        },
    )


@require_POST
@login_required
def autosave(request, attempt_id: int):
    """Save answers without leaving the page: form-encoded fields of the take page, or JSON
    ``{"answers": {"<position>": response}}``. Answers only — never anything about keys."""
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.form.adaptive:
        return JsonResponse({"error": _("Adaptive assessments take one answer at a time.")}, 400)
    slots = slot_views(attempt, _language())
    if request.content_type == "application/json":
        try:
            raw = json.loads(request.body or b"{}")["answers"]
            answers = {int(k): v for k, v in raw.items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            return JsonResponse({"error": _("The request could not be read.")}, status=400)
    else:
        shown = request.POST.getlist("positions")
        answers = {
            s.position: read_response(s.public, s.prefix, request.POST)
            for s in slots
            if str(s.position) in shown
        }
    try:
        problems = svc.save_answers(attempt.pk, answers)
    except svc.AttemptClosed as exc:
        return JsonResponse(
            {
                "closed": True,
                "message": str(exc),
                "result_url": reverse("assessments:result", args=[exc.attempt.pk]),
            },
            status=409,
        )
    except svc.DeliveryError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(
        {
            "saved": sorted(set(answers) - set(problems)),
            "problems": {str(k): v for k, v in problems.items()},
        }
    )


@require_POST
@login_required
def submit(request, attempt_id: int):
    attempt = _attempt_or_404(request, attempt_id)
    svc.submit(attempt.pk)
    return redirect("assessments:result", attempt_id=attempt.pk)


@require_GET
@login_required
def result(request, attempt_id: int):
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.status != AttemptStatus.GRADED:
        return redirect("assessments:take", attempt_id=attempt.pk)
    return render(request, "assessments/result.html", result_context(attempt, _language()))
