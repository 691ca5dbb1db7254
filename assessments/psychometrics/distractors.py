"""Distractor analysis: how each option of a choice item behaves, which Moodle does not report.

For every option: how many chose it, and the point-biserial correlation between choosing it and
the *rest* score (the total without this item, as in Moodle's discrimination index, so the item
does not correlate with itself). A working key has a positive point-biserial; a working
distractor a negative one. A distractor that attracts the stronger candidates (positive), or a
key that attracts the weaker ones (negative), usually means a miskeyed or ambiguous option.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OptionStatistics:
    """One option of one item; ``option`` None collects attempts with no answer."""

    option: str | None
    keyed: bool
    count: int
    proportion: float
    point_biserial: float | None

    @property
    def suspicious(self) -> bool:
        """A keyed option with r < 0, or a distractor with r > 0."""
        r = self.point_biserial
        if r is None or self.option is None:
            return False
        return r < 0 if self.keyed else r > 0


def distractor_analysis(
    choices: Sequence[Sequence[str | None]],
    marks: np.ndarray,
    keys: Sequence[Collection[str]],
    options: Sequence[Sequence[str]] | None = None,
) -> list[list[OptionStatistics]]:
    """Per item, per option statistics.

    ``choices[i][j]`` is the option attempt i chose on item j (None = no answer); ``marks`` the
    marks (attempts × items) that give the rest scores; ``keys[j]`` the options earning credit;
    ``options[j]``, if given, lists every option so that unchosen ones appear with count 0.
    """
    data = np.asarray(marks, dtype=float)
    n_attempts, n_items = data.shape
    if len(choices) != n_attempts or any(len(row) != n_items for row in choices):
        raise ValueError("choices must have the same shape as marks")
    if len(keys) != n_items:
        raise ValueError(f"{len(keys)} keys for {n_items} items")
    totals = data.sum(axis=1)
    out = []
    for j in range(n_items):
        picked = [row[j] for row in choices]
        labels = list(options[j]) if options is not None else []
        labels += sorted({c for c in picked if c is not None and c not in labels})
        rest = totals - data[:, j]
        item = []
        for label in [*labels, None]:
            chosen = np.array([c == label for c in picked], dtype=float)
            count = int(chosen.sum())
            if label is None and count == 0:
                continue
            item.append(
                OptionStatistics(
                    label,
                    label in keys[j],
                    count,
                    count / n_attempts if n_attempts else 0.0,
                    _correlation(chosen, rest),
                )
            )
        out.append(item)
    return out


def _correlation(x: np.ndarray, y: np.ndarray) -> float | None:
    if x.size < 2:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    denominator = np.sqrt((dx @ dx) * (dy @ dy))
    return float(dx @ dy / denominator) if denominator else None
