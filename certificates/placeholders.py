"""Placeholder substitution for certificate templates.

``{name}`` is replaced by the escaped value, so a cadre named ``<script>`` prints as text;
``{{`` and ``}}`` stand for literal braces. Only the platform's own markup (the QR code and the
seal) is inserted unescaped, and it is built here from escaped parts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = {
    "holder_name": _("the holder's name"),
    "achievement": _("what was achieved (Chinese)"),
    "achievement_en": _("what was achieved (English)"),
    "kind": _("kind of certificate (Chinese)"),
    "kind_en": _("kind of certificate (English)"),
    "level": _("competency level, e.g. 第3级（应用）; empty for courses"),
    "level_en": _("competency level in English"),
    "credit_hours": _("credit hours, e.g. 8 学时; empty when none"),
    "credit_hours_en": _("credit hours in English"),
    "date": _("date of issue (Chinese)"),
    "date_en": _("date of issue (English)"),
    "serial": _("certificate number"),
    "code": _("verification code"),
    "verify_url": _("verification address"),
    "issuer": _("issuer (Chinese)"),
    "issuer_en": _("issuer (English)"),
    "qr_code": _("QR code linking to the verification page"),
    "seal": _("the seal image"),
}
MARKUP_PLACEHOLDERS = frozenset({"qr_code", "seal"})
# Every filled value is wrapped in this element (unknown to HTML, so inline and unstyled, and
# outside what authors may write): layered rendering (stamping.py) finds each value's box by it.
VALUE_TAG = "shuzhi-value"
_TOKEN = re.compile(r"\{\{|\}\}|\{([a-z_]+)\}")


def placeholder_names(html: str) -> set[str]:
    return {m.group(1) for m in _TOKEN.finditer(html) if m.group(1)}


def fill(html: str, values: Mapping[str, str], markup: Mapping[str, SafeString]) -> str:
    """``html`` with every placeholder replaced; text values escaped, markup inserted as is, each
    wrapped in a ``<shuzhi-value name="…">`` element."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name is None:  # "{{" or "}}": a literal brace
            return match.group(0)[0]
        if name in MARKUP_PLACEHOLDERS:
            content = str(markup.get(name, ""))
        else:
            content = escape(values.get(name, ""))
        return f'<{VALUE_TAG} name="{name}">{content}</{VALUE_TAG}>'

    return _TOKEN.sub(replace, html)
