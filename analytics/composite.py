"""Composite-talent (复合型人才) classification: a pure core (no Django).

The rules are those of competency-model.md §3.6, applied to a cadres × competencies matrix of
levels (however the levels were estimated):

* **breadth**: in every domain D1–D6 the mean level is ≥ 2;
* **T-shaped**: breadth, and level ≥ 4 on at least 2 competencies sharing one tag (T, G or L);
* **π-shaped (composite, 复合型)**: breadth, level ≥ 4 on at least 2 T-tagged competencies and on at
  least 2 G-tagged competencies (a bridging competency such as ``T*`` counts under its primary tag);
* **leadership composite**: π-shaped, and level ≥ 3 on every L-tagged competency.

The classes nest (leadership ⊂ π ⊂ T-shaped); counts per class are inclusive.

A competency without an estimate counts as level 0: breadth and depth have to be shown, not
assumed. The "one competency short" pipeline lists, for each class a cadre does not hold, the
competencies whose rise by one level (capped at 5) would be enough on its own.

Everything is vectorised over cadres (numpy), so a city of 100,000 cadres classifies in well
under a second; the pipeline costs one classification per competency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

BREADTH_MEAN = 2.0
DEEP_LEVEL = 4.0
DEEP_COUNT = 2
LEADERSHIP_FLOOR = 3.0
TOP_LEVEL = 5.0


class Shape(StrEnum):
    """The three classes, from the broadest to the most demanding."""

    T_SHAPED = "t"
    PI_SHAPED = "pi"
    LEADERSHIP = "leadership"


SHAPES: tuple[Shape, ...] = (Shape.T_SHAPED, Shape.PI_SHAPED, Shape.LEADERSHIP)


@dataclass(frozen=True)
class CompetencySpec:
    """What the rules need to know about one competency: its domain and primary tag."""

    code: str
    domain: str
    tag: str  # "T", "G" or "L" (a bridging competency gives its primary tag)


class Model:
    """The framework's columns in a fixed order, with the masks the rules use."""

    def __init__(self, competencies: Sequence[CompetencySpec]):
        if not competencies:
            raise ValueError("the framework has no competencies")
        self.codes: tuple[str, ...] = tuple(c.code for c in competencies)
        self.domains: tuple[str, ...] = tuple(dict.fromkeys(c.domain for c in competencies))
        domain_of = np.array([self.domains.index(c.domain) for c in competencies])
        # domains × competencies averaging matrix: levels @ mean.T gives each domain's mean.
        self._mean = np.zeros((len(self.domains), len(competencies)))
        for d in range(len(self.domains)):
            members = domain_of == d
            self._mean[d, members] = 1.0 / members.sum()
        tags = np.array([c.tag for c in competencies])
        self._tag_masks = {tag: tags == tag for tag in dict.fromkeys(tags.tolist())}
        self._leadership = tags == "L"

    def _prepare(self, levels: np.ndarray) -> np.ndarray:
        levels = np.asarray(levels, dtype=float)
        if levels.ndim != 2 or levels.shape[1] != len(self.codes):
            raise ValueError(f"levels must be cadres × {len(self.codes)} competencies")
        return np.nan_to_num(levels, nan=0.0)

    def classify(self, levels: np.ndarray) -> dict[Shape, np.ndarray]:
        """For each class, a boolean array over cadres (rows of ``levels``; NaN = no estimate)."""
        return self._classify(self._prepare(levels))

    def _classify(self, a: np.ndarray) -> dict[Shape, np.ndarray]:
        breadth = np.all(a @ self._mean.T >= BREADTH_MEAN, axis=1)
        deep = a >= DEEP_LEVEL
        deep_by_tag = {tag: deep[:, mask].sum(axis=1) for tag, mask in self._tag_masks.items()}
        no_deep = np.zeros(a.shape[0], dtype=int)  # a framework without T or G competencies
        any_tag = np.zeros(a.shape[0], dtype=bool)
        for count in deep_by_tag.values():
            any_tag |= count >= DEEP_COUNT
        t_shaped = breadth & any_tag
        pi = (
            breadth
            & (deep_by_tag.get("T", no_deep) >= DEEP_COUNT)
            & (deep_by_tag.get("G", no_deep) >= DEEP_COUNT)
        )
        floor = np.all(a[:, self._leadership] >= LEADERSHIP_FLOOR, axis=1)
        return {Shape.T_SHAPED: t_shaped, Shape.PI_SHAPED: pi, Shape.LEADERSHIP: pi & floor}

    def one_short(self, levels: np.ndarray) -> dict[Shape, list[list[str]]]:
        """For each class and each cadre: the competencies whose rise by one level would make a
        cadre who lacks the class qualify ([] when the cadre holds it or is further away)."""
        a = self._prepare(levels)
        held = self._classify(a)
        out: dict[Shape, list[list[str]]] = {s: [[] for _ in range(a.shape[0])] for s in SHAPES}
        for j, code in enumerate(self.codes):
            raised = a.copy()
            raised[:, j] = np.minimum(raised[:, j] + 1.0, TOP_LEVEL)
            changed = raised[:, j] != a[:, j]
            gained = self._classify(raised)
            for shape in SHAPES:
                for row in np.flatnonzero(gained[shape] & ~held[shape] & changed).tolist():
                    out[shape][row].append(code)
        return out


@dataclass(frozen=True)
class GroupRate:
    """One group's counts per class and per 100 cadres; ``suppressed`` hides every figure."""

    group: object
    n: int | None
    counts: dict[Shape, int] | None
    per_hundred: dict[Shape, float] | None

    @property
    def suppressed(self) -> bool:
        return self.counts is None


def rates_by_group(
    groups: Sequence[object], flags: dict[Shape, np.ndarray], min_group_size: int
) -> list[GroupRate]:
    """Counts per class and per 100 cadres for each group (e.g. unit) of cadres, in order of
    first appearance. Groups of fewer than ``min_group_size`` cadres keep only their label:
    their size and counts would describe too few people, so none of them is returned."""
    keys = list(dict.fromkeys(groups))
    index = {key: i for i, key in enumerate(keys)}
    codes = np.fromiter((index[g] for g in groups), dtype=int, count=len(groups))
    sizes = np.bincount(codes, minlength=len(keys))
    counts = {
        shape: np.bincount(codes, weights=flags[shape].astype(float), minlength=len(keys))
        for shape in SHAPES
    }
    rows = []
    for i, key in enumerate(keys):
        n = int(sizes[i])
        if n < min_group_size:
            rows.append(GroupRate(key, None, None, None))
            continue
        c = {shape: int(counts[shape][i]) for shape in SHAPES}
        rows.append(GroupRate(key, n, c, {s: round(100.0 * v / n, 1) for s, v in c.items()}))
    return rows
