"""Charts of a Report: a plotly figure for the page (drawn by plotly.js from static files) and a
plain SVG for the PDF briefing (drawn here, so printing needs no browser or kaleido)."""

from __future__ import annotations

from django.utils.html import escape

from .reports import Report

RANGES = {"share": (0.0, 1.0), "number": (0.0, 2.0)}
# Colour-blind-safe sequential scale (viridis end points), high = good for shares.
LOW, HIGH = (68, 1, 84), (253, 231, 37)


def _grid_values(report: Report) -> list[list[float | None]]:
    return [row[2:] for row in report.rows]


def _summary_column(report: Report, index: int = 2) -> list[float | None]:
    return [row[index] for row in report.rows]


def figure(report: Report, measure: str = "coverage") -> dict:
    """The plotly figure as plain JSON (for json_script). Written as plotly's JSON schema
    directly: constructing plotly.graph_objects validates every property, which cost more than
    the whole dashboard's SQL."""
    labels = [str(row[0]) for row in report.rows]
    if report.slug in ("units", "levels"):
        low, high = (1.0, 5.0) if measure == "mean_level" else RANGES[report.kinds[-1]]
        columns = report.headers[2:]
        data = [
            {
                "type": "heatmap",
                "z": _grid_values(report),
                "x": columns,
                "y": labels,
                "zmin": low,
                "zmax": high,
                "colorscale": "Viridis",
                "reversescale": measure == "mean_gap",
                "customdata": [[link or ""] * len(columns) for link in report.links],
                "hovertemplate": "%{y} · %{x}: %{z:.2f}<extra></extra>",
                "xgap": 1,
                "ygap": 1,
            }
        ]
        layout = {
            "height": max(260, 40 + 28 * len(labels)),
            "yaxis": {"autorange": "reversed", "automargin": True},
            "xaxis": {"side": "top", "tickangle": -45},
        }
    elif report.slug == "trend":
        data = [
            {"type": "scatter", "x": labels, "y": _summary_column(report, i), "name": name}
            for i, name in ((2, report.headers[2]), (3, report.headers[3]))
        ]
        layout = {"yaxis": {"range": [0, 1], "tickformat": ".0%"}}
    elif report.slug == "learning":
        data = [{"type": "bar", "x": _summary_column(report, 5), "y": labels, "orientation": "h"}]
        layout = {
            "height": max(240, 60 + 30 * len(labels)),
            "xaxis": {"zeroline": True, "tickformat": "+.2f"},
            "yaxis": {"automargin": True},
        }
    else:
        data = [{"type": "bar", "x": _summary_column(report), "y": labels, "orientation": "h"}]
        layout = {
            "height": max(240, 60 + 30 * len(labels)),
            "xaxis": {"range": [0, 1], "tickformat": ".0%"},
            "yaxis": {"automargin": True},
        }
    return {"data": data, "layout": {"title": {"text": report.title}, **layout}}


def _colour(fraction: float) -> str:
    fraction = min(1.0, max(0.0, fraction))
    r, g, b = (round(lo + (hi - lo) * fraction) for lo, hi in zip(LOW, HIGH, strict=True))
    return f"rgb({r},{g},{b})"


def svg(report: Report, measure: str = "coverage") -> str:
    """A print-ready SVG of the report: a grid of coloured cells, or horizontal bars."""
    if report.slug in ("units", "levels"):
        return _svg_grid(report, measure)
    if report.slug == "learning":
        return _svg_bars(report, index=5, share=False)
    return _svg_bars(report)


def _svg_grid(report: Report, measure: str) -> str:
    columns, labels = report.headers[2:], [str(r[0]) for r in report.rows]
    low, high = (1.0, 5.0) if measure == "mean_level" else RANGES.get(report.kinds[-1], (0, 1))
    cell, left, top = 22, 170, 40
    width, height = left + cell * len(columns) + 10, top + cell * len(labels) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-size="9" role="img">'
        f"<title>{escape(report.title)}</title>"
    ]
    for j, code in enumerate(columns):
        x = left + j * cell + cell / 2
        parts.append(
            f'<text x="{x}" y="{top - 4}" transform="rotate(-60 {x} {top - 4})">'
            f"{escape(code)}</text>"
        )
    for i, (label, values) in enumerate(zip(labels, _grid_values(report), strict=True)):
        y = top + i * cell
        parts.append(
            f'<text x="{left - 4}" y="{y + 15}" text-anchor="end">{escape(label[:18])}</text>'
        )
        for j, value in enumerate(values):
            x = left + j * cell
            if value is None:
                fill = "#eeeeee"
            else:
                fraction = (value - low) / ((high - low) or 1)
                fill = _colour(1 - fraction if measure == "mean_gap" else fraction)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{fill}"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _svg_bars(report: Report, index: int = 2, share: bool = True) -> str:
    """Bars of one column: shares on 0–100 %, or level differences by size on 0–2 levels
    (the label keeps the sign)."""
    labels, values = [str(r[0]) for r in report.rows], _summary_column(report, index)
    low, high = RANGES["share" if share else "number"]
    bar, left, width = 20, 170, 480
    height = 30 + bar * len(labels)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-size="10" role="img">'
        f"<title>{escape(report.title)}</title>"
    ]
    span = width - left - 50
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * bar
        parts.append(
            f'<text x="{left - 4}" y="{y + 13}" text-anchor="end">{escape(label[:18])}</text>'
        )
        if value is None:
            parts.append(f'<text x="{left + 2}" y="{y + 13}">—</text>')
            continue
        size = abs(float(value)) if not share else float(value)
        length = max(0.0, min(1.0, (size - low) / (high - low))) * span
        shown = f"{float(value):.0%}" if share else f"{float(value):+.2f}"
        parts.append(
            f'<rect x="{left}" y="{y + 2}" width="{length:.1f}" height="{bar - 5}" fill="#3b528b"/>'
            f'<text x="{left + length + 4:.1f}" y="{y + 13}">{shown}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
