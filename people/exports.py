"""Tabular downloads (CSV and XLSX) for tables HR sees.

Shared by every app that exports a table, so it lives in the lowest app that needs it. The
caller decides what may be shown (data scope, small-group suppression); this only writes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from tempfile import SpooledTemporaryFile

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

FORMATS = ("csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object) -> object:
    """Neutralise spreadsheet formula injection in text cells (CSV/XLSX opened in Excel)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    headers: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # a BOM so Excel opens UTF-8 Chinese text correctly
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow([_safe(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    headers: Sequence[str], rows: Iterable[Sequence[object]], filename: str, sheet: str = "Sheet1"
) -> FileResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(sheet[:31])
    ws.append(list(headers))
    for row in rows:
        ws.append([_safe(v) for v in row])
    # Left open on purpose: FileResponse streams it and closes it when the response ends.
    buffer = SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def table_response(
    fmt: str, headers: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> HttpResponse:
    if fmt == "xlsx":
        return xlsx_response(headers, rows, filename)
    return csv_response(headers, rows, filename)


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The same CSV as a string (for e-mail attachments and tests)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return out.getvalue()
