"""Cadre-facing views (catalogue, enrol, lesson activity, scenario player) and HR's assignments.

Thin: reads through courses.selectors, writes through courses.services / courses.assignments.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from competencies.selectors import competencies
from people.access import responsibility_required
from people.models import AdminLevel
from people.selectors import cadre_of

from . import services
from .assignments import assign_course
from .blocks import scenario_data
from .forms import AssignmentForm
from .models import Assignment, CoursePage, LessonPage
from .selectors import catalogue as catalogue_courses
from .selectors import own_run, status_by_course


@require_GET
def catalogue(request):
    params = {k: request.GET.get(k, "").strip() for k in ("q", "competency", "level", "required")}
    status = request.GET.get("status", "")
    courses = catalogue_courses(
        query=params["q"],
        competency=params["competency"],
        level=params["level"],
        required=params["required"],
    )
    statuses = status_by_course(cadre_of(request.user))
    rows = [(c, statuses.get(str(c.translation_key), "")) for c in courses]
    if status in ("completed", "in_progress", "not_started"):
        rows = [r for r in rows if (r[1] or "not_started") == status]
    return render(
        request,
        "courses/catalogue.html",
        {
            "rows": rows,
            "params": {**params, "status": status},
            "competencies": competencies(),
            "levels": AdminLevel.choices,
        },
    )


def _cadre_or_403(request):
    cadre = cadre_of(request.user)
    if cadre is None:
        raise PermissionDenied
    return cadre


def _live(model, pk: int):
    return get_object_or_404(model.objects.live().public(), pk=pk)


@require_POST
@login_required
def enrol(request, course_id: int):
    course = _live(CoursePage, course_id)
    services.enrol(_cadre_or_403(request), course)
    first = LessonPage.objects.child_of(course).live().order_by("path").first()
    return redirect(first.url if first else course.url)


@require_POST
@login_required
def heartbeat(request, lesson_id: int):
    progress = services.heartbeat(_cadre_or_403(request), _live(LessonPage, lesson_id))
    return JsonResponse(
        {"active_seconds": progress.active_seconds, "completed": bool(progress.completed_at)}
    )


@require_POST
@login_required
def answer(request, lesson_id: int, block_id: str):
    lesson = _live(LessonPage, lesson_id)
    try:
        services.answer_check(
            _cadre_or_403(request), lesson, block_id, _response_keys(request.POST)
        )
    except ValidationError:
        messages.error(request, _("Choose an answer first."))
    return redirect(f"{lesson.url}#block-{block_id}")


def _response_keys(post) -> list[str]:
    """Option keys (choice), the typed number (numeric) or [best, worst] (judgement)."""
    if "best" in post or "worst" in post:
        return [post.get("best", ""), post.get("worst", "")]
    return [key for key in post.getlist("option") if key.strip()]


def serve_lesson(lesson: LessonPage, request, serve, *args, **kwargs):
    """Lessons need a login; a cadre's visit enrols them and marks where to resume."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    cadre = request.course_cadre = cadre_of(request.user)
    if cadre is not None and not getattr(request, "is_preview", False):
        request.course_progress = services.visit(cadre, lesson)
    return serve(request, *args, **kwargs)


@login_required
def scenario(request, lesson_id: int, block_id: str):
    """The player: one decision at a time; POST records a choice and shows its consequence."""
    lesson = _live(LessonPage, lesson_id)
    cadre = _cadre_or_403(request)
    value = next(
        (c.value for c in lesson.body if c.id == block_id and c.block_type == "scenario"), None
    )
    if value is None:
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("action") == "start":
                services.current_run(cadre, lesson, block_id)
            else:
                run = own_run(request.user, int(request.POST.get("run", "0")))
                if run is None:
                    raise Http404
                services.choose(
                    cadre, lesson, run.pk, request.POST.get("node", ""), int(request.POST["option"])
                )
        except (ValidationError, ValueError, KeyError):
            messages.error(request, _("That choice was already recorded or is not available."))
        return redirect("courses:scenario", lesson_id=lesson.pk, block_id=block_id)
    progress = services.visit(cadre, lesson)
    run = progress.runs.filter(block_id=block_id).order_by("-number").first()
    return render(
        request,
        "courses/scenario_player.html",
        {"lesson": lesson, "scenario": value, "block_id": block_id, **_player(value, run)},
    )


def _player(value, run) -> dict:
    """What the player shows for the run's state: last consequence, then decision or ending."""
    decisions = {d["id"]: d for d in value["decisions"]}
    endings = {e["id"]: e for e in value["endings"]}
    last = None
    if run is not None and run.path:
        node, option = run.path[-1]
        last = decisions[node]["options"][option]
    current = decisions.get(run.node) if run is not None and not run.finished_at else None
    data = scenario_data(value)
    return {
        "run": run,
        "last": last,
        "decision": current,
        "ending": endings.get(run.node) if run is not None and run.finished_at else None,
        "step": len(run.path) + 1 if run is not None else 0,
        "total": len(data["decisions"]),
        "chosen": [
            (decisions[n]["situation"], decisions[n]["options"][o]["text"])
            for n, o in (run.path if run is not None and run.finished_at else [])
        ],
    }


@responsibility_required
def assignments(request):
    form = AssignmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = assign_course(request.user, **form.assignment_kwargs())
        except PermissionDenied:
            form.add_error(None, _("You may assign courses only inside your own units."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Assigned to %(count)d cadres.") % {"count": assignment.targets.count()},
            )
            return redirect("courses:assignments")
    mine = Assignment.objects.filter(created_by=request.user).select_related("course")
    if request.user.is_superuser:
        mine = Assignment.objects.select_related("course")
    return render(request, "courses/assignments.html", {"form": form, "assignments": mine[:100]})
