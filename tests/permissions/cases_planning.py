"""Matrix cases for the training plan and composite-talent pages (analytics, "plan/"): HR and
administrators only, and HR of A never reaches unit B (its cadre is a leadership composite, so
a leak would put B's marker in the roster, the pipeline or the plan)."""

from tests.analytics_planning.conftest import load_test_course, populate

from .matrix import DENIED, Case, responsible_only

ONLY_B_DENIED = {**responsible_only(), "hr_a": DENIED}
PLAN = "budget=20&seats_{course}=3"


def _unit(code_of, query: str = ""):
    def build(world):
        query_ = query.format(course=load_test_course()) if "{course}" in query else query
        populate(world)
        unit = code_of(world)
        return {}, f"unit={unit.code}" + (f"&{query_}" if query_ else ""), None

    return build


def _export(fmt: str, code_of, query: str = ""):
    def build(world):
        _kwargs, q, data = _unit(code_of, query)(world)
        return {"fmt": fmt}, q, data

    return build


def _default_unit(world):
    populate(world)
    return {}, "", None


def _a(w):
    return w.unit_a


def _b(w):
    return w.unit_b


CASES = [
    Case("analytics:plan", responsible_only(), build=_default_unit, note="the top of the scope"),
    Case("analytics:plan", responsible_only(), build=_unit(_a, PLAN), note="A, with a plan"),
    Case("analytics:plan", ONLY_B_DENIED, build=_unit(_b, PLAN), note="HR of A asking for B"),
    Case("analytics:plan_export", responsible_only(), build=_export("csv", _a, PLAN), note="A csv"),
    Case("analytics:plan_export", responsible_only(), build=_export("xlsx", _a), note="A xlsx"),
    Case("analytics:plan_export", ONLY_B_DENIED, build=_export("csv", _b, PLAN), note="B"),
    Case("analytics:composite", responsible_only(), build=_unit(_a), note="A"),
    Case("analytics:composite", ONLY_B_DENIED, build=_unit(_b), note="HR of A asking for B"),
    Case(
        "analytics:composite_export",
        responsible_only(),
        build=_export("xlsx", _a, "table=roster"),
        note="A roster",
    ),
    Case(
        "analytics:composite_export",
        responsible_only(),
        build=_export("csv", _a, "table=pipeline"),
        note="A pipeline",
    ),
    Case(
        "analytics:composite_export",
        ONLY_B_DENIED,
        build=_export("xlsx", _b, "table=roster"),
        note="B roster",
    ),
]
