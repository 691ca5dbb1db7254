"""Demo content for the item bank: every ``data/items/*.json`` file, loaded by ``ref``."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from competencies.models import Competency

from .data_files import ITEMS_DIR, read_records
from .models import ItemSource
from .services import get_bank, write_record

DEMO_BANK = "数智胜任力题库"


@transaction.atomic
def seed_items(paths: list[Path] | None = None, bank_name: str = DEMO_BANK) -> dict[str, int]:
    """Create or update the items in the data files; idempotent by ``ref`` (an unchanged item
    keeps its version; a changed operational item gets a new one). All or nothing."""
    paths = sorted(ITEMS_DIR.glob("*.json")) if paths is None else paths
    codes = set(
        Competency.objects.filter(domain__framework__is_current=True).values_list("code", flat=True)
    )
    records = read_records(paths, codes)
    bank = get_bank(bank_name)
    counts = {"created": 0, "updated": 0}
    for record in records:
        _item, created = write_record(record, bank, source=ItemSource.DATA_FILE)
        counts["created" if created else "updated"] += 1
    return counts
