"""The permission matrix: for every URL the project defines, who may do what.

Each app's URLs are described in a ``cases_<app>.py`` module next to this one, as a list of
:class:`Case`. ``test_permission_matrix.py`` checks that the matrix is complete (every named
URL of our namespaces has a case: adding a URL without deciding who may open it fails the
suite) and then requests every case as every role, asserting the expected outcome and that
nothing about unit B's cadre reaches A's HR officer (or A's cadre).

Outcomes:
  OK      2xx, or a redirect that is not to the login page
  LOGIN   redirect to the login page (anonymous visitors)
  DENIED  403 or 404, or Wagtail's "permission denied" redirect to the admin home
  ANY     not checked for status (the scope/leak assertion still applies)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

OK, LOGIN, DENIED, ANY = "ok", "login", "denied", "any"
ROLES = ("anonymous", "cadre_a", "hr_a", "trainer", "admin")


@dataclass(frozen=True)
class Case:
    """One URL. ``build(world)`` returns (kwargs for reverse(), query string or "", POST data
    or None for GET); it may create objects it needs (e.g. an enrolment of B's cadre, so that
    the request tries to reach B's data). ``expect`` maps each role in ROLES to an outcome."""

    url_name: str
    expect: dict[str, str]
    build: Callable[[object], tuple[dict, str, dict | None]] = field(
        default=lambda world: ({}, "", None)
    )
    note: str = ""

    def __post_init__(self):
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"{self.url_name}: no expected outcome for {sorted(missing)}")


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


def logged_in(outcome: str = OK) -> dict[str, str]:
    return {**everyone(outcome), "anonymous": LOGIN}


def responsible_only() -> dict[str, str]:
    """Pages about other people: HR and administrators only."""
    return {"anonymous": LOGIN, "cadre_a": DENIED, "hr_a": OK, "trainer": DENIED, "admin": OK}


# URL namespaces that belong to the project; every named URL in them must have a Case.
PROJECT_NAMESPACES = (
    "portal",
    "people",
    "jobs",
    "courses",
    "assessments",
    "analytics",
    "certificates",
    "api",
    # The item bank's admin screens (assessments): answer keys live there, so they are listed too.
    "wagtailsnippets_assessments_item",
    "wagtailsnippets_assessments_itembank",
    "wagtailsnippets_assessments_itemcategory",
    "wagtailsnippetchoosers_assessments_item",
    "wagtailsnippetchoosers_assessments_itembank",
    "wagtailsnippetchoosers_assessments_itemcategory",
    "question_files",
    "item_versions",
    "roster_import",  # the roster import's Wagtail admin views (people.roster_admin)
    # Delivery's admin: forms (targeting), cut scores, calibration versions.
    "assessments_forms",
    "assessments_cut_scores",
    "assessments_calibrations",
    "assessments_item_analysis",
)
# Named project URLs outside those namespaces.
PROJECT_TOP_LEVEL = ("healthz",)
