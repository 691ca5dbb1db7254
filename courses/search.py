"""Search that works for Chinese: jieba segmentation on both sides.

Full-text tokenizers treat a run of Chinese characters as one word, so 数字素养 would not match a
summary saying 提升基层干部数字素养和治理能力. Each course keeps ``search_text``: its title,
module, summary and lessons' text, followed by the same text segmented by jieba's search
mode. A query is cut into words (jieba's precise mode) and a course matches when its text
contains every word, in any order. jieba ships its dictionary, so nothing is downloaded at run time.
"""

from __future__ import annotations

import jieba
from django.db.models import Q, QuerySet

jieba.setLogLevel(60)


def _words(text: str, *, for_search: bool = False) -> list[str]:
    cut = jieba.cut_for_search if for_search else jieba.cut
    return [w.strip().lower() for w in cut(text or "") if w.strip()]


def segment(text: str) -> str:
    """The text itself (lower-cased) followed by its search-mode words."""
    return f"{(text or '').lower()} {' '.join(_words(text, for_search=True))}"


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Courses of ``queryset`` whose segmented text holds every word of ``query``."""
    words = {w for w in _words(query) if any(ch.isalnum() for ch in w)}
    if not words:
        return queryset
    condition = Q()
    for word in words:
        condition &= Q(search_text__icontains=word)
    return queryset.filter(condition)
