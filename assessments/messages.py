"""Showing the pure core's problem messages in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext

from .content import Message


def localise(problem: object) -> str:
    """A ``content.Message`` translated (its values kept); anything else as it is."""
    if isinstance(problem, Message):
        return gettext(problem.template) % problem.params
    return str(problem)
