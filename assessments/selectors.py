"""Read paths other apps use to reach the item bank (courses' knowledge checks)."""

from __future__ import annotations

from .models.item import Item, ItemStatus
from .models.version import ItemVersion


def item_version_for_ref(ref: str) -> ItemVersion | None:
    """The current version of the bank item with reference ``ref`` (e.g. "M04-MC-1"), if the
    item may be delivered (pilot or operational) — a draft or retired item is not offered."""
    item = (
        Item.objects.filter(ref=ref, status__in=(ItemStatus.PILOT, ItemStatus.OPERATIONAL))
        .select_related("current_version")
        .first()
    )
    return item.current_version if item is not None else None
