"""Sanitising item HTML: one allow-list for everything authors and imports put in the bank.

Imported banks carry HTML from other systems (Moodle, GIFT ``[html]``, QTI item bodies, Word
pastes). Markup is kept so tables, lists, images and sound survive, but anything that can run
code is removed: ``<script>``/``<style>`` with their content, every ``on*`` event handler, and any
URL whose scheme is not http(s), mailto or relative (``javascript:``, ``data:``, ``vbscript:``).
Inline ``style`` and ``class`` go too: they are layout from another site, not content.
"""

from __future__ import annotations

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    "audio", "video", "source",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "scope", "headers"},
    "col": {"span"},
    "colgroup": {"span"},
    "audio": {"src", "controls"},
    "video": {"src", "controls", "width", "height"},
    "source": {"src", "type"},
    "ol": {"start", "type"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """Sanitised HTML; plain text comes back with ``<``, ``>`` and ``&`` escaped."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style", "template", "noscript"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
