"""Template helpers for rendering item content (always re-sanitised: defence in depth)."""

from django import template
from django.utils.safestring import mark_safe

from assessments.content import text_of
from assessments.sanitise import clean_html

register = template.Library()


@register.filter
def item_html(value: str) -> str:
    return mark_safe(clean_html(value or ""))


@register.simple_tag
def bilingual(entry: dict, field: str, language: str = "zh") -> str:
    """One text of an entry in the wanted language, falling back to the other one."""
    return mark_safe(clean_html(text_of(entry, field, language)))


@register.filter
def percent(value) -> str:
    return "" if value is None else f"{float(value) * 100:g} %"


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent); field values of a saved answer."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)
