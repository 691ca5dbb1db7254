"""Internal-consistency reliability beyond Moodle's single CIC: per item and per competency.

Cronbach's α is ``P/(P−1) · (1 − Σ V(xᵢ)/V(T))`` — the same as Moodle's CIC/100 and, for 0/1
items, KR-20. Two views help a bank author act on it:

- **α if item deleted**: an item whose removal *raises* α works against the rest of the form;
- **α per competency**: subscores are reported per competency (psychometrics.md §7), so each
  competency's items must hang together on their own, not just the whole form.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np


def cronbach_alpha(marks: np.ndarray) -> float | None:
    """α of the columns of ``marks`` (attempts × items); None when undefined (< 2 items or
    attempts, or no variance in the total)."""
    data = np.asarray(marks, dtype=float)
    if data.ndim != 2 or data.shape[1] < 2 or data.shape[0] < 2:
        return None
    total_var = float(np.var(data.sum(axis=1), ddof=1))
    if total_var == 0:
        return None
    p = data.shape[1]
    return float(p / (p - 1) * (1 - np.var(data, axis=0, ddof=1).sum() / total_var))


def alpha_if_deleted(marks: np.ndarray) -> list[float | None]:
    """α of the form with each item left out in turn, in column order."""
    data = np.asarray(marks, dtype=float)
    return [cronbach_alpha(np.delete(data, i, axis=1)) for i in range(data.shape[1])]


def alpha_by_group(marks: np.ndarray, groups: Sequence[Hashable]) -> dict[Hashable, float | None]:
    """α within each group of columns (e.g. each competency), keyed by group in first-seen order."""
    data = np.asarray(marks, dtype=float)
    if len(groups) != data.shape[1]:
        raise ValueError(f"{len(groups)} group labels for {data.shape[1]} items")
    labels = np.asarray(list(groups), dtype=object)
    out: dict[Hashable, float | None] = {}
    for group in dict.fromkeys(groups):
        out[group] = cronbach_alpha(data[:, labels == group])
    return out
