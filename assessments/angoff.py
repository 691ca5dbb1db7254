"""The modified-Angoff worksheet behind the admin page: judges' ratings for a competency's items
in, the panel's cut on the raw-score and θ scales out (``psychometrics.levels.angoff_cut``).

Ratings are pasted as text, one line per judge, one number per item in the worksheet's item
order (the probability that a borderline candidate answers the item right). The cut is shown,
not stored: an administrator enters it in the competency's cut scores and records the panel in
the cut's *basis*, so a change of cut is always a deliberate edit.
"""

from __future__ import annotations

import re

import numpy as np

from .models import Item, ItemBank, ItemStatus
from .parameters import as_item_parameters, parameters_for
from .psychometrics.levels import AngoffCut, angoff_cut


def worksheet_items(bank: ItemBank, competency_id: int) -> list[Item]:
    """The operational items a panel rates, in a fixed order."""
    return list(
        Item.objects.filter(
            bank=bank,
            competencies=competency_id,
            status=ItemStatus.OPERATIONAL,
            current_version__isnull=False,
        )
        .select_related("current_version")
        .order_by("ref", "pk")
    )


def parse_ratings(text: str, n_items: int) -> np.ndarray:
    """Judges × items from pasted text; ValueError says which line is wrong."""
    rows = []
    for number, line in enumerate(text.strip().splitlines(), start=1):
        cells = [c for c in re.split(r"[\s,;，；]+", line.strip()) if c]
        if not cells:
            continue
        if len(cells) != n_items:
            raise ValueError(f"line {number}: {len(cells)} ratings for {n_items} items")
        try:
            rows.append([float(c) for c in cells])
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from exc
    if not rows:
        raise ValueError("no ratings")
    return np.array(rows)


def panel_cut(items: list[Item], ratings: np.ndarray) -> tuple[AngoffCut, bool]:
    """The cut with the items' parameters (calibrated or provisional); True if all calibrated."""
    versions = [item.current_version for item in items]
    params = parameters_for(versions)
    item_params, calibrated = as_item_parameters(
        [str(v.pk) for v in versions], [params[v.pk] for v in versions]
    )
    return angoff_cut(ratings, item_params), calibrated
