"""Fixtures for the item bank tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessments.data_files import ITEMS_DIR

EXAMPLES = ITEMS_DIR / "_examples.json"
INTEROP = Path(__file__).resolve().parents[2].parent / "shared" / "interop"


@pytest.fixture
def examples(framework):
    """The ten example items, loaded into the demo bank."""
    from assessments.demo import seed_items

    seed_items([EXAMPLES])
    from assessments.models import Item

    return {item.ref: item for item in Item.objects.all()}
