"""What an author may put in a certificate template, and the cleaning applied at render time.

Templates are authored by trainers, rendered by WeasyPrint and shown in the admin's preview.
They may lay out text and boxes; they may not run scripts or pull anything from elsewhere.
Saving reports every problem (so the author knows); rendering cleans again regardless.
"""

from __future__ import annotations

import re

import nh3
from django.utils.translation import gettext as _

from .placeholders import PLACEHOLDERS, placeholder_names

ALLOWED_TAGS = {
    "div",
    "section",
    "header",
    "footer",
    "main",
    "article",
    "aside",
    "p",
    "span",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "small",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "figure",
    "figcaption",
}
ALLOWED_ATTRIBUTES = {"*": {"class", "id", "lang", "dir", "title"}}
# Only local resources: data: URIs and the site's own static files.
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_LOCAL_URL = re.compile(r"^(data:|/static/)", re.IGNORECASE)
_CSS_FORBIDDEN = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:", re.IGNORECASE)
_TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9]*)")


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(),
        strip_comments=True,
        link_rel=None,
    )


def clean_css(css: str) -> str:
    """Drop @import and anything executable; replace non-local url()s with nothing."""
    css = _CSS_FORBIDDEN.sub("/* removed */", css)
    css = _URL.sub(lambda m: m.group(0) if _LOCAL_URL.match(m.group(2).strip()) else "none", css)
    # A </style> inside the CSS would end the style element early.
    return re.sub(r"<\s*/?\s*style", "", css, flags=re.IGNORECASE)


def template_problems(html: str, css: str) -> dict[str, list[str]]:
    """Everything an author must fix, by field; empty when the template is acceptable."""
    errors: dict[str, list[str]] = {}
    html_errors = []
    tags = sorted({t.lower() for t in _TAG.findall(html)} - ALLOWED_TAGS)
    if tags:
        html_errors.append(
            _("These elements are not allowed: %(tags)s. Allowed: text and layout elements.")
            % {"tags": ", ".join(f"<{t}>" for t in tags)}
        )
    if re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE):
        html_errors.append(_("Event handler attributes (onclick=…) are not allowed."))
    if re.search(r"\s(style|src|href)\s*=", html, re.IGNORECASE):
        html_errors.append(
            _("style, src and href attributes are not allowed: style with classes in the CSS.")
        )
    unknown = sorted(placeholder_names(html) - PLACEHOLDERS.keys())
    if unknown:
        html_errors.append(
            _("Unknown placeholders: %(unknown)s. Available: %(known)s.")
            % {
                "unknown": ", ".join(f"{{{u}}}" for u in unknown),
                "known": ", ".join(f"{{{k}}}" for k in PLACEHOLDERS),
            }
        )
    if html_errors:
        errors["body_html"] = html_errors
    css_errors = []
    if _CSS_FORBIDDEN.search(css):
        css_errors.append(_("@import, expression() and javascript: are not allowed in the CSS."))
    remote = [m.group(2) for m in _URL.finditer(css) if not _LOCAL_URL.match(m.group(2).strip())]
    if remote:
        css_errors.append(
            _("Only data: URIs and /static/ files may be used in url(): %(urls)s")
            % {"urls": ", ".join(remote[:5])}
        )
    if re.search(r"<\s*/?\s*style", css, re.IGNORECASE):
        css_errors.append(_("The CSS may not contain a style tag."))
    if css_errors:
        errors["css"] = css_errors
    return errors
