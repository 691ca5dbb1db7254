"""The tables HR sees, built once from the (already suppressed) selectors and then shown as a
chart with its accessible table, downloaded as CSV/XLSX, or printed in the PDF briefing.

A Report holds raw values (floats, counts, or None where a figure is suppressed); ``display``
formats them for people, ``export_rows`` keeps numbers for spreadsheets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from people.models import AdminLevel, AgeBand, OrgUnit, Position, Rank
from people.scope import scope_for

from . import selectors
from .models import Dimension
from .refresh import summary_version

SUPPRESSED = "—"
FEW = "<5"
MEASURES: dict[str, Promise] = {
    "coverage": gettext_lazy("Coverage (share meeting the requirement)"),
    "mean_gap": gettext_lazy("Mean gap (levels)"),
    "mean_level": gettext_lazy("Mean level"),
    "readiness": gettext_lazy("Readiness (1 − WGI)"),
}
SHARES = {"coverage", "readiness", "critical_share", "wgi"}
TABLES = ("units", "levels", "position", "age_band", "rank", "trend", "learning")


@dataclass
class Report:
    slug: str
    title: str
    headers: list[str]
    kinds: list[str]  # per column: text, count, share, number, flag
    rows: list[list[object]]
    links: list[str | None] = field(default_factory=list)
    note: str = ""
    figure: dict | None = None
    svg: str = ""

    def display(self) -> list[list[str]]:
        return [[_fmt(v, k) for v, k in zip(row, self.kinds, strict=True)] for row in self.rows]

    def export_rows(self) -> list[list[object]]:
        out = []
        for row in self.rows:
            cells = []
            for value, kind in zip(row, self.kinds, strict=True):
                if kind == "text":
                    cells.append(value)
                elif value is None:
                    cells.append(FEW if kind == "count" else SUPPRESSED)
                elif kind == "flag":
                    cells.append(_("yes") if value else _("no"))
                else:
                    cells.append(round(float(value), 4) if kind != "count" else int(value))
            out.append(cells)
        return out

    @property
    def table_rows(self) -> list[tuple[str | None, list[str]]]:
        links = self.links or [None] * len(self.rows)
        return list(zip(links, self.display(), strict=True))


def _fmt(value: object, kind: str) -> str:
    if kind == "text":
        return str(value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return FEW if kind == "count" else SUPPRESSED
    if kind == "count":
        return str(int(value))
    if kind == "share":
        return f"{float(value):.0%}"
    if kind == "flag":
        return "⚑" if value else ""
    return f"{float(value):.2f}"


def _name(unit: OrgUnit, own: bool) -> str:
    return _("%(unit)s (own staff)") % {"unit": unit.name} if own else unit.name


def _comp_name(row) -> str:
    if (get_language() or "").startswith("en") and row["name_en"]:
        return row["name_en"]
    return row["name_zh"]


def _cells(grid: pd.DataFrame, key_column: str) -> dict[tuple, dict]:
    if grid.empty:
        return {}
    return {(r[key_column], r["competency_id"]): r for r in grid.to_dict("records")}


def _grid_report(
    slug: str,
    title: str,
    keys: list[tuple[object, str, str | None]],
    grid: pd.DataFrame,
    key_column: str,
    measure: str,
) -> Report:
    """Rows (key, label, link) × competencies, one measure per cell; a row's count is the
    largest unsuppressed count of its cells."""
    comps = selectors.competency_labels()
    cells = _cells(grid, key_column)
    rows, links = [], []
    for key, label, link in keys:
        values, counts = [], []
        for comp in comps.itertuples():
            cell = cells.get((key, comp.competency_id))
            if cell is None or cell["suppressed"]:
                values.append(None)
                continue
            counts.append(cell["n"])
            value = cell[measure]
            values.append(None if pd.isna(value) else float(value))
        rows.append([label, max(counts) if counts else None, *values])
        links.append(link)
    kind = "share" if measure in SHARES else "number"
    return Report(
        slug=slug,
        title=title,
        headers=[_("Group"), _("Cadres"), *comps["code"].tolist()],
        kinds=["text", "count", *[kind] * len(comps)],
        rows=rows,
        links=links,
        note=_("— : fewer than %(n)d cadres, not shown.") % {"n": selectors.min_group()},
    )


def units_report(viewer, unit: OrgUnit | None, measure: str, link: Callable) -> Report:
    rows, grid = selectors.unit_grid(viewer, unit)
    present = set() if grid.empty else set(grid["prefix"])
    # A unit's own-staff row appears only when the unit has cadres of its own.
    rows = [r for r in rows if r.subtree or selectors.row_key(r) in present or len(rows) == 1]
    keys = [
        (
            selectors.row_key(r),
            _name(r.unit, own=not r.subtree and len(rows) > 1),
            link(r.unit) if r.drillable else None,
        )
        for r in rows
    ]
    title = _("%(measure)s by unit and competency") % {"measure": MEASURES[measure]}
    return _grid_report("units", title, keys, grid, "prefix", measure)


def levels_report(viewer, unit: OrgUnit | None, measure: str) -> Report:
    grid = selectors.level_grid(viewer, unit)
    keys = [(value, str(label), None) for value, label in AdminLevel.choices]
    title = _("%(measure)s by administrative level and competency") % {"measure": MEASURES[measure]}
    return _grid_report("levels", title, keys, grid, "level", measure)


def _group_labels(dimension: str) -> dict[str, str]:
    if dimension == Dimension.POSITION:
        return {str(p.pk): p.name for p in Position.objects.all()}
    choices = AgeBand if dimension == Dimension.AGE_BAND else Rank
    return {value: str(label) for value, label in choices.choices}


SUMMARY_HEADERS = (
    ("n", "count", gettext_lazy("Cadres")),
    ("readiness", "share", gettext_lazy("Readiness")),
    ("coverage", "share", gettext_lazy("Coverage")),
    ("mean_gap", "number", gettext_lazy("Mean gap")),
    ("critical_share", "share", gettext_lazy("Critical requirements not met")),
)


def _summary_report(slug: str, title: str, labelled: list[tuple[str, dict | None]]) -> Report:
    rows = []
    for label, record in labelled:
        if record is None or record["suppressed"]:
            rows.append([label, *[None] * len(SUMMARY_HEADERS)])
        else:
            rows.append(
                [
                    label,
                    *[None if pd.isna(record[c]) else record[c] for c, _k, _h in SUMMARY_HEADERS],
                ]
            )
    return Report(
        slug=slug,
        title=title,
        headers=[_("Group"), *[str(h) for _c, _k, h in SUMMARY_HEADERS]],
        kinds=["text", *[k for _c, k, _h in SUMMARY_HEADERS]],
        rows=rows,
        note=_("— : fewer than %(n)d cadres, not shown.") % {"n": selectors.min_group()},
    )


def distribution_report(viewer, unit: OrgUnit | None, dimension: str) -> Report:
    frame = selectors.totals(viewer, unit, dimension)
    records = {} if frame.empty else {r["key"]: r for r in frame.to_dict("records")}
    labels = _group_labels(dimension)
    order = [k for k in labels if k in records]
    title = _("Readiness by %(dimension)s") % {"dimension": Dimension(dimension).label}
    return _summary_report(dimension, title, [(labels[k], records[k]) for k in order])


def trend_report(viewer, unit: OrgUnit | None) -> Report:
    frame = selectors.trend(viewer, unit)
    labelled = []
    if not frame.empty:
        for record in frame.to_dict("records"):
            quarter = record["quarter"]
            label = _("%(year)d Q%(q)d") % {"year": quarter.year, "q": (quarter.month - 1) // 3 + 1}
            labelled.append((label, record))
    return _summary_report("trend", _("Quarterly trend"), labelled)


def learning_report(viewer, unit: OrgUnit | None) -> Report:
    """Learning gain per competency (selectors.learning_gains); a suppressed competency keeps
    its row, with every figure blank, so the reader sees that it was withheld."""
    frame = selectors.learning_gains(viewer, unit)
    comps = {r["competency_id"]: r for r in selectors.competency_labels().to_dict("records")}
    rows = []
    for record in frame.to_dict("records"):
        comp = comps.get(record["competency_id"])
        if comp is None:
            continue
        figures = [record[c] for c in selectors.GAIN_COLUMNS]
        if record["suppressed"]:
            figures = [None] * len(figures)
        rows.append([f"{comp['code']} {_comp_name(comp)}", *figures])
    rows.sort(key=lambda row: row[0])
    since, _until = selectors.learning_window()
    note = _(
        "Change in fused level from %(start)s to today: cadres who completed a course training "
        "the competency in that time, against cadres of the same position and age band who did "
        "not (difference = completers' gain − comparison gain). — : fewer than %(n)d cadres in "
        "either group, not shown."
    ) % {"start": since.date().isoformat(), "n": selectors.min_group()}
    return Report(
        slug="learning",
        title=_("Learning gain"),
        headers=[
            _("Competency"),
            _("Completers"),
            _("Comparison cadres"),
            _("Gain of completers"),
            _("Gain of comparison"),
            _("Difference"),
        ],
        kinds=["text", "count", "count", "number", "number", "number"],
        rows=rows,
        note=note,
    )


def dashboard_reports(viewer, unit: OrgUnit | None, measure: str, link: Callable) -> list:
    """Every report of the dashboard, cached until the summaries change: the key holds the
    summary version, the viewer's data scope, the unit, the measure and the language, so a
    cached figure is only ever served to a viewer with exactly the same scope."""
    scope = scope_for(viewer)
    ident = repr((scope.everything, scope.unit_paths, unit.pk if unit else None, measure))
    digest = hashlib.sha256(ident.encode()).hexdigest()
    key = f"analytics:dashboard:{summary_version()}:{get_language()}:{digest}"
    built = cache.get(key)
    if built is None:
        built = [build(viewer, table, unit, measure, link) for table in TABLES]
        cache.set(key, built, timeout=24 * 3600)
    return built


def build(viewer, table: str, unit: OrgUnit | None, measure: str, link: Callable) -> Report:
    """One report by its slug (the dashboard, the exports and the briefing all come here)."""
    if table == "units":
        return units_report(viewer, unit, measure, link)
    if table == "levels":
        return levels_report(viewer, unit, measure)
    if table == "trend":
        return trend_report(viewer, unit)
    if table == "learning":
        return learning_report(viewer, unit)
    return distribution_report(viewer, unit, table)
