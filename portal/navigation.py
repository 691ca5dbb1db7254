"""The main navigation: one list, filtered by what the viewer may use.

Entries name URL patterns; a feature app that is not wired yet simply does not appear.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    audience: str  # "all", "user", "cadre", "hr", "trainer"


MAIN_NAV = [
    NavItem(_("Courses"), "courses:catalogue", "all"),
    NavItem(_("My learning"), "portal:my_learning", "user"),
    NavItem(_("Assessments"), "assessments:my_assessments", "cadre"),
    NavItem(_("My competency profile"), "analytics:my_profile", "cadre"),
    NavItem(_("Dashboards"), "analytics:dashboard", "hr"),
    NavItem(_("People"), "people:cadre_list", "hr"),
    NavItem(_("Assignments"), "courses:assignments", "hr"),
    NavItem(_("Certificates"), "certificates:mine", "cadre"),
    NavItem(_("Authoring"), "wagtailadmin_home", "trainer"),
]


def visible_nav(context: dict) -> list[tuple[str | Promise, str, bool]]:
    """(label, url, is_current) for each entry the viewer may use."""
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = {
        "all": True,
        "user": bool(user and user.is_authenticated),
        "cadre": context.get("is_cadre", False),
        "hr": context.get("is_hr", False),
        "trainer": context.get("is_trainer", False),
    }
    items = []
    for item in MAIN_NAV:
        if not allowed[item.audience]:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = bool(request) and request.path.startswith(url) and url not in ("/", "/en/")
        items.append((item.label, url, current))
    return items
