"""Template tags for the lesson blocks that need the page's per-cadre context."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from ..exhibits import render_data
from ..knowledge import grade, public_check

register = template.Library()


@register.inclusion_tag("courses/includes/exhibit.html", takes_context=True)
def exhibit(context, value, block_id: str = "", suffix: str = "") -> dict:
    """An exhibit's table and chart; ``block_id``/``suffix`` keep the chart's element id unique."""
    return {
        "value": value,
        "data": render_data(value),
        "figure_id": f"figure-{block_id or 'preview'}{suffix}",
    }


@register.inclusion_tag("courses/includes/knowledge_check.html", takes_context=True)
def knowledge_check(context, block_id: str = "") -> dict:
    value = context["value"]
    checks = context.get("checks") or {}
    language = get_language() or "zh-hans"
    check = checks.get(block_id) if block_id in checks else public_check(value, language)
    answer = (context.get("answered") or {}).get(block_id)
    graded = grade(value, answer.keys, language) if answer is not None else None
    return {
        "check": check,
        "answer": answer,
        "graded": graded,
        "block_id": block_id,
        "page": context.get("page"),
        "cadre": context.get("cadre"),
        "csrf_token": context.get("csrf_token"),
    }
