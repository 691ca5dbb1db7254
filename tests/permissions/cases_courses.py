"""Matrix cases for the courses app: the catalogue is public; learning actions are a cadre's own
(nobody can act on or read another cadre's scenario run); assignments are for HR and admins."""

from courses import services
from courses.models import CoursePage, LessonPage
from tests.courses.conftest import FIXTURES, check_id, scenario_id

from .matrix import DENIED, LOGIN, OK, Case, everyone, responsible_only

# Learning actions need a cadre record: HR, trainer and admin accounts of the world have none.
NOBODY = {"anonymous": LOGIN, "cadre_a": DENIED, "hr_a": DENIED, "trainer": DENIED, "admin": DENIED}
OWN_LEARNING = {**NOBODY, "cadre_a": OK}


def _course(world) -> CoursePage:
    from courses.content_loader import load_courses
    from portal.demo import seed_home_page

    seed_home_page()
    load_courses(FIXTURES)
    return CoursePage.objects.get(slug="test-data-literacy", locale__language_code="zh-hans")


def _lessons(world) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(_course(world)).order_by("path"))


def _enrol(world):
    return {"course_id": _course(world).pk}, "", {}


def _heartbeat(world):
    return {"lesson_id": _lessons(world)[0].pk}, "", {}


def _answer(world):
    lesson = _lessons(world)[0]
    return {"lesson_id": lesson.pk, "block_id": check_id(lesson)}, "", {"option": "0"}


def _scenario(world):
    lesson = _lessons(world)[1]
    return {"lesson_id": lesson.pk, "block_id": scenario_id(lesson)}, "", None


def _scenario_of_b(world):
    lesson = _lessons(world)[1]
    run = services.current_run(world.cadre_b, lesson, scenario_id(lesson))
    kwargs = {"lesson_id": lesson.pk, "block_id": scenario_id(lesson)}
    return kwargs, "", {"run": run.pk, "node": "d1", "option": "0"}


CASES = [
    Case("courses:catalogue", everyone(OK)),
    Case("courses:enrol", OWN_LEARNING, build=_enrol),
    Case("courses:heartbeat", OWN_LEARNING, build=_heartbeat),
    Case("courses:answer", OWN_LEARNING, build=_answer),
    Case("courses:scenario", OWN_LEARNING, build=_scenario, note="own player"),
    Case("courses:scenario", NOBODY, build=_scenario_of_b, note="choice on B's run"),
    Case("courses:assignments", responsible_only()),
]
