"""Read paths of analytics. Each takes the viewer and goes through people.scope.scope_for.

Every figure leaves this module through :func:`suppress`: the one place where a group of fewer
than ``settings.SHUZHI_MIN_GROUP_SIZE`` cadres loses its figures. Views, exports and the PDF
briefing only read what these functions return, so none of them can show a small group.

Figures are SQL sums over the summary tables (analytics.models), turned into measures by
analytics.gaps.measures — never a loop over cadres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

import numpy as np
import pandas as pd
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Min, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from competencies.models import Competency
from competencies.selectors import competencies, requirements_for
from courses.selectors import completions
from people.models import Cadre, OrgUnit
from people.scope import scope_for

from .fusion import fuse
from .gaps import SUM_COLUMNS, cadre_gaps, measures
from .learning import learning_gain
from .models import CompetencyEstimate, Dimension, QuarterlySnapshot, UnitSummary
from .refresh import chunks, current_ledger, quarter_start

MEASURE_COLUMNS = ("mean_level", "coverage", "mean_gap", "wgi", "readiness", "critical_share")
SUMS = {column: Sum(column) for column in SUM_COLUMNS}


def min_group() -> int:
    return settings.SHUZHI_MIN_GROUP_SIZE


def suppress(frame: pd.DataFrame, n_column: str = "n", extra: Sequence[str] = ()) -> pd.DataFrame:
    """Blank every figure of a row that describes fewer than the minimum group of cadres:
    its measures, its sums, its count and any ``extra`` columns; ``suppressed`` says which rows
    were blanked."""
    small = frame[n_column].fillna(0).to_numpy() < min_group()
    figures = [c for c in (*MEASURE_COLUMNS, *SUM_COLUMNS, "critical_gap", *extra) if c in frame]
    out = frame.astype({c: object for c in figures})
    out.loc[small, figures] = None
    out["suppressed"] = small
    return out


# --- units the viewer may look at --------------------------------------------------------------


def scope_roots(viewer: AbstractBaseUser | AnonymousUser) -> list[OrgUnit]:
    scope = scope_for(viewer)
    if scope.everything:
        return list(OrgUnit.get_root_nodes())
    return list(OrgUnit.objects.filter(path__in=scope.unit_paths).order_by("path"))


def unit_for(viewer: AbstractBaseUser | AnonymousUser, code: str | None) -> OrgUnit | None:
    """The unit named by ``code`` if it lies in the viewer's scope (None if not, or no code)."""
    if not code:
        return None
    unit = OrgUnit.objects.filter(code=code).first()
    return unit if unit is not None and scope_for(viewer).covers_unit(unit) else None


def breadcrumbs(viewer: AbstractBaseUser | AnonymousUser, unit: OrgUnit | None) -> list[OrgUnit]:
    """The unit and its ancestors that lie in the viewer's scope, top first."""
    if unit is None:
        return []
    scope = scope_for(viewer)
    return [u for u in [*unit.get_ancestors(), unit] if scope.covers_unit(u)]


@dataclass(frozen=True)
class Row:
    """One row of a drill-down: a unit's whole subtree (a link opens that unit), or only the
    unit's own cadres."""

    unit: OrgUnit
    subtree: bool
    drillable: bool


def drill_rows(viewer: AbstractBaseUser | AnonymousUser, unit: OrgUnit | None) -> list[Row]:
    """Rows of the heat map below ``unit``: its children (each with its subtree) and its own
    cadres; without a unit, the viewer's scope roots; a unit without children is its own row."""
    if unit is None:
        return [Row(root, True, True) for root in scope_roots(viewer)]
    # By path, not unit.get_children(): that trusts the instance's cached numchild.
    children = list(
        OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("code")
    )
    if not children:
        return [Row(unit, False, False)]
    return [Row(unit, False, False)] + [Row(c, True, True) for c in children]


# --- sums ----------------------------------------------------------------------------------------


def _summaries(viewer, unit: OrgUnit | None, dimension: str = Dimension.ALL):
    rows = scope_for(viewer).filter_units(UnitSummary.objects.filter(dimension=dimension), "unit")
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    return rows


def _frame(values) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(values))


def _comp_frame() -> pd.DataFrame:
    return pd.DataFrame.from_records(
        list(competencies().values("id", "code", "name_zh", "name_en", "tag"))
    ).rename(columns={"id": "competency_id"})


def unit_grid(viewer, unit: OrgUnit | None) -> tuple[list[Row], pd.DataFrame]:
    """Drill-down rows and, per row × competency, the measures (suppressed)."""
    rows = drill_rows(viewer, unit)
    if not rows:
        return rows, pd.DataFrame()
    base = _summaries(viewer, unit)
    parts = []
    subtree_rows = [r for r in rows if r.subtree]
    if unit is not None and subtree_rows:
        # One GROUP BY over the children's path prefix answers every child's subtree at once.
        width = len(unit.path) + OrgUnit.steplen
        grouped = (
            base.filter(unit__depth__gt=unit.depth)
            .annotate(prefix=Substr("unit__path", 1, width))
            .values("prefix", "competency_id")
            .annotate(**SUMS)
        )
        parts.append(_frame(grouped))
    else:
        for row in subtree_rows:
            grouped = (
                base.filter(unit__path__startswith=row.unit.path)
                .values("competency_id")
                .annotate(**SUMS)
            )
            parts.append(_frame(grouped).assign(prefix=row.unit.path))
    for row in rows:
        if not row.subtree:
            own = base.filter(unit=row.unit).values("competency_id").annotate(**SUMS)
            parts.append(_frame(own).assign(prefix=f"own:{row.unit.path}"))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return rows, pd.DataFrame()
    sums = pd.concat(parts, ignore_index=True)
    return rows, suppress(measures(sums))


def row_key(row: Row) -> str:
    return row.unit.path if row.subtree else f"own:{row.unit.path}"


def level_grid(viewer, unit: OrgUnit | None) -> pd.DataFrame:
    """Administrative level × competency measures within the viewer's scope (and ``unit``)."""
    grouped = _summaries(viewer, unit).values("unit__level", "competency_id").annotate(**SUMS)
    frame = _frame(grouped)
    if frame.empty:
        return frame
    return suppress(measures(frame.rename(columns={"unit__level": "level"})))


def totals(viewer, unit: OrgUnit | None, dimension: str = Dimension.ALL) -> pd.DataFrame:
    """Per group (``key``) of a dimension, measures over all competencies together; ``n`` is
    the number of cadres (the largest count on any one competency)."""
    grouped = _summaries(viewer, unit, dimension).values("key", "competency_id").annotate(**SUMS)
    frame = _frame(grouped)
    if frame.empty:
        return frame
    per_group = frame.groupby("key")[list(SUM_COLUMNS)].sum()
    result = measures(per_group)
    result["n"] = frame.groupby("key")["n"].max()
    return suppress(result.reset_index())


def trend(viewer, unit: OrgUnit | None) -> pd.DataFrame:
    """Per quarter, measures over all competencies within the viewer's scope and ``unit``."""
    rows = scope_for(viewer).filter_units(QuarterlySnapshot.objects.all(), "unit")
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    frame = _frame(rows.values("quarter", "competency_id").annotate(**SUMS))
    if frame.empty:
        return frame
    per_quarter = frame.groupby("quarter")[list(SUM_COLUMNS)].sum()
    cadres = frame.groupby("quarter")["n"].max()
    result = measures(per_quarter)
    result["n"] = cadres
    return suppress(result.reset_index().sort_values("quarter"))


def competency_labels() -> pd.DataFrame:
    return _comp_frame()


# --- one cadre: the profile ------------------------------------------------------------------


def profile_of(viewer, cadre: Cadre) -> pd.DataFrame | None:
    """The cadre's estimates beside their position's requirements (None outside the viewer's
    scope). Individuals see their own results: no suppression applies to one's own profile."""
    if not scope_for(viewer).covers_cadre(cadre):
        return None
    comps = _comp_frame()
    estimates = pd.DataFrame.from_records(
        list(
            CompetencyEstimate.objects.filter(cadre=cadre).values(
                "competency_id", "level", "level_se", "theta", "low_confidence", "last_observed"
            )
        ),
        columns=["competency_id", "level", "level_se", "theta", "low_confidence", "last_observed"],
    )
    reqs = pd.DataFrame.from_records(
        list(requirements_for(cadre.position).values("competency_id", "required_level", "weight")),
        columns=["competency_id", "required_level", "weight"],
    ).rename(columns={"required_level": "required"})
    frame = comps.merge(estimates, on="competency_id", how="left").merge(
        reqs, on="competency_id", how="left"
    )
    frame["cadre_id"] = cadre.pk
    frame["gap"] = (frame["required"] - frame["level"]).clip(lower=0.0)
    frame["weighted_gap"] = frame["gap"] * frame["weight"]
    frame["surplus"] = (frame["level"] - frame["required"]).clip(lower=0.0)
    return frame


def readiness_of(profile: pd.DataFrame) -> float | None:
    wgi = cadre_gaps(profile.assign(low_confidence=profile["low_confidence"].fillna(False)))
    value = wgi["readiness"].iloc[0] if not wgi.empty else np.nan
    return None if pd.isna(value) else float(value)


def history_of(viewer, cadre: Cadre, quarters: list) -> pd.DataFrame | None:
    """The cadre's fused levels at the end of each quarter in ``quarters`` (one cadre's
    ledger, fused once per date: bounded by that cadre's evidence)."""
    if not scope_for(viewer).covers_cadre(cadre):
        return None
    ledger = current_ledger([cadre.pk])
    frames = [fuse(ledger, when).assign(when=when) for when in quarters]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["when", "competency_id", "level"])
    return pd.concat(frames, ignore_index=True)[["when", "competency_id", "level"]]


# --- learning gain (analytics.learning) ----------------------------------------------------------

GAIN_COLUMNS = ("n_treated", "n_control", "gain_treated", "gain_control", "difference")
LEVEL_COLUMNS = ["cadre_id", "competency_id", "before", "after", "stratum"]


def learning_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The window learning gain looks at: from the first day of the quarter one year before the
    current one (four full quarters), or from the earliest quarterly snapshot when the summaries
    hold less history than that, to now. Completions and level changes share this window."""
    now = now or timezone.now()
    current = quarter_start(timezone.localdate(now))
    start = current.replace(year=current.year - 1)
    earliest = QuarterlySnapshot.objects.aggregate(first=Min("quarter"))["first"]
    if earliest is not None and earliest > start:
        start = earliest
    return timezone.make_aware(datetime.combine(start, time.min)), now


def _learning_cadres(viewer, unit: OrgUnit | None):
    """Active cadres of the viewer's units (and ``unit``'s subtree): group figures cover the
    units granted, not the viewer's own record."""
    cadres = scope_for(viewer).filter_units(Cadre.objects.filter(is_active=True), "unit")
    if unit is not None:
        cadres = cadres.filter(unit__path__startswith=unit.path)
    return cadres


def learning_levels(
    viewer,
    unit: OrgUnit | None,
    since: datetime,
    completed: Sequence[tuple[int, int]] | None = None,
) -> pd.DataFrame:
    """Per cadre × competency in the viewer's units (and ``unit``'s subtree): ``before``, the
    level fused from the ledger as of ``since``; ``after``, the current estimate; ``stratum``,
    position and age band (who counts as comparable). Cadres without evidence before ``since``
    have no ``before`` and drop out: a gain needs two levels.

    With ``completed``, only the (stratum, competency) cells holding a completer are kept — the
    only cells learning_gain can compare — so the ledger is re-fused for those cadres alone."""
    rows = CompetencyEstimate.objects.filter(
        cadre__in=_learning_cadres(viewer, unit),
        competency__domain__framework__is_current=True,
    )
    columns = ["cadre_id", "competency_id", "level", "cadre__position_id", "cadre__age_band"]
    after = pd.DataFrame.from_records(list(rows.values_list(*columns)), columns=columns)
    after["stratum"] = (
        after["cadre__position_id"].astype(str) + "/" + after["cadre__age_band"].astype(str)
    )
    if completed is not None:
        done = set(completed)
        pairs = zip(after["cadre_id"], after["competency_id"], strict=True)
        treated = after.loc[[pair in done for pair in pairs], ["stratum", "competency_id"]]
        after = after.merge(treated.drop_duplicates(), on=["stratum", "competency_id"])
    if after.empty:
        return pd.DataFrame(columns=LEVEL_COLUMNS)
    wanted = set(after["competency_id"])
    before = []
    for part in chunks(sorted(after["cadre_id"].unique().tolist())):
        ledger = current_ledger(part, as_of=since)
        fused = fuse(ledger[ledger["competency_id"].isin(wanted)], since)
        if not fused.empty:
            before.append(fused[["cadre_id", "competency_id", "level"]])
    if not before:
        return pd.DataFrame(columns=LEVEL_COLUMNS)
    frame = after.merge(
        pd.concat(before).rename(columns={"level": "before"}), on=["cadre_id", "competency_id"]
    ).rename(columns={"level": "after"})
    return frame[LEVEL_COLUMNS]


def learning_gains(viewer, unit: OrgUnit | None) -> pd.DataFrame:
    """Per competency, the gain of cadres in scope who completed a course training it within
    :func:`learning_window`, against comparable cadres who did not (suppressed when either
    group is smaller than the minimum group). Without completions nothing is re-fused."""
    since, until = learning_window()
    ids = list(_learning_cadres(viewer, unit).order_by("pk").values_list("pk", flat=True))
    done = [pair for part in chunks(ids) for pair in completions(part, since, until)]
    levels = (
        learning_levels(viewer, unit, since, done) if done else pd.DataFrame(columns=LEVEL_COLUMNS)
    )
    result = learning_gain(levels, done)
    result["n"] = result[["n_treated", "n_control"]].min(axis=1)
    return suppress(result, extra=GAIN_COLUMNS)


# --- for the planning helpers (analytics.composite / analytics.optimiser) ------------------


def estimates_frame(viewer, unit: OrgUnit | None = None) -> pd.DataFrame:
    """Current estimates of the cadres in the viewer's scope (and ``unit``'s subtree): one row
    per cadre × competency with the cadre's unit and position. Read it in full only for a
    unit-sized scope; it is what composite classification and the optimiser start from."""
    rows = scope_for(viewer).filter_cadres(
        CompetencyEstimate.objects.filter(
            cadre__is_active=True, competency__domain__framework__is_current=True
        ),
        "cadre",
    )
    if unit is not None:
        rows = rows.filter(Q(cadre__unit__path__startswith=unit.path))
    columns = [
        "cadre_id",
        "competency_id",
        "level",
        "level_se",
        "low_confidence",
        "cadre__unit_id",
        "cadre__position_id",
    ]
    frame = pd.DataFrame.from_records(list(rows.values_list(*columns)), columns=columns)
    return frame.rename(columns={"cadre__unit_id": "unit_id", "cadre__position_id": "position_id"})


def competency_codes() -> dict[int, str]:
    return dict(
        Competency.objects.filter(domain__framework__is_current=True).values_list("id", "code")
    )
