"""Data exhibits: an uploaded CSV/XLSX read into a table and, where configured, a plotly figure.

The figure is a plain plotly JSON dict built here on the server (the browser only draws it with
``static/js/charts.js``); building the dict directly instead of through ``plotly.graph_objects``
keeps a lesson with several charts well inside the render budget (benchmarks/lesson_page.py).
Parsed files are cached per document and file hash, so a re-uploaded file is read again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_ROWS = 500
# No plotly toolbar: the chart is an image for assistive technology (its data is in the table
# beside it), and an image may not hold focusable buttons.
STATIC_CONFIG = {"displayModeBar": False}


class ChartType(models.TextChoices):
    NONE = "none", _("No chart (table only)")
    BAR = "bar", _("Bar")
    LINE = "line", _("Line")
    SCATTER = "scatter", _("Scatter")
    PIE = "pie", _("Pie")


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def _number(value: str) -> Any:
    text = value.strip().replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return value.strip()
    return int(number) if number.is_integer() and "." not in text else number


def parse_table(data: bytes, filename: str) -> Table:
    """Read CSV (UTF-8, with or without BOM) or XLSX bytes: header row, then data rows."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        raw = [
            ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
        ]
    else:
        raw = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    raw = [row for row in raw if any(cell.strip() for cell in row)]
    if not raw:
        return Table((), ())
    columns = tuple(cell.strip() for cell in raw[0])
    rows = tuple(
        tuple(_number(cell) for cell in row[: len(columns)]) for row in raw[1 : MAX_ROWS + 1]
    )
    return Table(columns, rows)


@lru_cache(maxsize=256)
def _cached_table(document_id: int, file_hash: str) -> Table:
    from wagtail.documents import get_document_model

    document = get_document_model().objects.get(pk=document_id)
    with document.file.open("rb") as handle:
        return parse_table(handle.read(), document.file.name)


def table_of(document: Any) -> Table:
    return _cached_table(document.pk, document.file_hash or "")


def column_labels(text: str) -> dict[str, str]:
    labels = {}
    for line in (text or "").splitlines():
        if "=" in line:
            source, shown = line.split("=", 1)
            labels[source.strip()] = shown.strip()
    return labels


def exhibit_problems(value: Any) -> list[str]:
    """What is wrong with an exhibit's configuration (columns that the file does not have)."""
    try:
        table = table_of(value["document"])
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return [str(_("The data file cannot be read: %(error)s")) % {"error": error}]
    if not table.columns:
        return [str(_("The data file has no header row."))]
    problems = []
    if value.get("chart_type") not in (None, "", ChartType.NONE):
        for field in ("x", "y", "group"):
            name = (value.get(field) or "").strip()
            if (name or field != "group") and name not in table.columns:
                problems.append(
                    str(_("Column “%(name)s” (%(field)s) is not in the file; it has: %(cols)s."))
                    % {"name": name, "field": field, "cols": "、".join(table.columns)}
                )
    return problems


def figure(table: Table, chart: str, x: str, y: str, group: str, title: str, labels: dict) -> dict:
    """A plotly figure dict for the exhibit (one trace per group value)."""
    xi, yi = table.columns.index(x), table.columns.index(y)
    gi = table.columns.index(group) if group else None
    series: dict[str, tuple[list, list]] = {}
    for row in table.rows:
        key = str(row[gi]) if gi is not None else ""
        xs, ys = series.setdefault(key, ([], []))
        xs.append(row[xi])
        ys.append(row[yi])
    traces = []
    for name, (xs, ys) in series.items():
        if chart == ChartType.PIE:
            traces.append({"type": "pie", "labels": xs, "values": ys, "name": name})
        elif chart == ChartType.BAR:
            traces.append({"type": "bar", "x": xs, "y": ys, "name": name})
        else:
            mode = "lines+markers" if chart == ChartType.LINE else "markers"
            traces.append({"type": "scatter", "mode": mode, "x": xs, "y": ys, "name": name})
    layout = {
        "title": {"text": title},
        "showlegend": gi is not None,
        "xaxis": {"title": {"text": labels.get(x, x)}, "automargin": True},
        "yaxis": {"title": {"text": labels.get(y, y)}, "automargin": True},
        "height": 360,
    }
    return {"data": traces, "layout": layout, "config": STATIC_CONFIG}


def render_data(value: Any) -> dict[str, Any] | None:
    """Everything the exhibit template shows: header labels, rows and the figure (or None)."""
    document = value.get("document")
    if document is None:
        return None
    table = table_of(document)
    labels = column_labels(value.get("column_labels", ""))
    chart = value.get("chart_type") or ChartType.NONE
    fig = None
    columns = table.columns
    if chart != ChartType.NONE and value.get("x") in columns and value.get("y") in columns:
        group = value.get("group") if value.get("group") in table.columns else ""
        fig = figure(table, chart, value["x"], value["y"], group, value.get("title", ""), labels)
    return {
        "headers": [labels.get(c, c) for c in table.columns],
        "rows": table.rows,
        "figure": fig,
        "url": document.url,
    }
