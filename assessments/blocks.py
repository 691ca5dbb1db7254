"""StreamField blocks for item texts (stem, rationale) in the admin.

An item's stem is rich text, optionally with a data exhibit (a typed table) and, for imported
items, the sanitised HTML they arrived with (kept as HTML so tables and images from Moodle are not
lost in the rich-text editor). ``render_html`` turns a stream into the HTML an ItemVersion
freezes; it joins blocks without wrappers, so rendering is stable across re-imports.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.typed_table_block.blocks import TypedTableBlock

from .sanitise import clean_html

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "superscript", "subscript"]


class SanitisedHTMLBlock(blocks.TextBlock):
    """HTML kept from an import or typed by an author; sanitised on save and on render."""

    def clean(self, value):
        return clean_html(super().clean(value))

    def render_basic(self, value, context=None) -> SafeString:
        return mark_safe(clean_html(value))

    class Meta:
        icon = "code"
        label = _("HTML")
        form_classname = "monospace"


class ExhibitTableBlock(TypedTableBlock):
    """A data exhibit: a table of text and numbers the question refers to."""

    def __init__(self, **kwargs):
        super().__init__(
            [
                ("text", blocks.CharBlock(label=_("Text"))),
                ("number", blocks.DecimalBlock(label=_("Number"))),
            ],
            **kwargs,
        )

    class Meta:
        icon = "table"
        label = _("Data table")


class ItemTextBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))
    table = ExhibitTableBlock()
    html = SanitisedHTMLBlock()

    class Meta:
        required = False


def render_html(stream) -> str:
    """The stream as one sanitised HTML fragment, blocks joined without wrapper elements."""
    return clean_html("".join(str(child.render()) for child in stream or []))


def stream_from_html(html: str) -> list[tuple[str, str]]:
    """Blocks for HTML from an import or a data file: rich text when the editor can hold it
    without loss, the HTML block otherwise (tables, images, audio)."""
    if not html:
        return []
    lossy = ("<table", "<img", "<audio", "<video", "<pre", "<span", "<div", "<h")
    kind = "html" if any(tag in html.lower() for tag in lossy) else "text"
    return [(kind, html)]
