"""Reading roster files: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) and XLSX, row by row.

Rows are yielded one at a time so a 100,000-row file is never held as a table in memory.
Row numbers are those a spreadsheet shows: the header is row 1, the first person row 2.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.utils.translation import gettext as _

# Canonical column keys and the headers accepted for each (Chinese template headers first).
COLUMNS: dict[str, tuple[str, ...]] = {
    "employee_no": ("工号", "employee_no", "employee number"),
    "display_name": ("姓名", "display_name", "name"),
    "unit_code": ("单位代码", "unit_code", "unit code"),
    "position_code": ("岗位代码", "position_code", "position code"),
    "rank": ("职级", "rank"),
    "age_band": ("年龄段", "age_band", "age band"),
    "joined_on": ("入职日期", "joined_on", "joined on"),
    "is_active": ("在职", "is_active", "active"),
}
REQUIRED_COLUMNS = ("employee_no", "display_name", "unit_code", "position_code", "rank", "age_band")
TEMPLATE_HEADERS = [names[0] for names in COLUMNS.values()]


class RosterFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, missing columns)."""


@dataclass(frozen=True)
class RawRow:
    number: int
    values: dict[str, object]
    undecodable: bool = False


def header_label(key: str) -> str:
    return COLUMNS[key][0]


def _map_header(header: list[object]) -> dict[int, str]:
    lookup = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    mapping: dict[int, str] = {}
    for index, name in enumerate(header):
        key = lookup.get(str(name or "").strip().lower())
        if key:
            mapping[index] = key
    missing = [header_label(k) for k in REQUIRED_COLUMNS if k not in mapping.values()]
    if missing:
        raise RosterFileError(
            _("The header row lacks required column(s): %(columns)s.")
            % {"columns": "、".join(missing)}
        )
    return mapping


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the bytes are valid UTF-8, else GB18030 (a superset of GBK).

    Reads the file once in chunks, with an incremental decoder so a multi-byte character split
    across chunks is handled."""
    with open(path, "rb") as fh:
        head = fh.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            return "gb18030"


def _csv_rows(path: Path, encoding: str) -> Iterator[RawRow]:
    with open(path, "rb") as fh:
        # Decode line by line so one bad line is reported, not the whole file refused.
        lines = (_decode_line(raw, encoding) for raw in fh)
        header_line = next(lines, None)
        if header_line is None:
            raise RosterFileError(_("The file is empty."))
        text, bad = header_line
        if bad:
            raise RosterFileError(_("The header row is not valid UTF-8 or GBK text."))
        header = next(csv.reader([text]))
        mapping = _map_header(header)
        number = 1
        pending = ""
        start = 2
        for text, bad in lines:
            number += 1
            if bad:
                yield RawRow(number, {}, undecodable=True)
                continue
            # A quoted field may span lines: accumulate until the csv record is complete.
            pending += text
            if pending.count('"') % 2:
                continue
            record = next(csv.reader(io.StringIO(pending)), [])
            pending = ""
            if any(cell.strip() for cell in record):
                yield RawRow(start, {mapping[i]: v for i, v in enumerate(record) if i in mapping})
            start = number + 1
        if pending:
            yield RawRow(start, {}, undecodable=True)


def _decode_line(raw: bytes, encoding: str) -> tuple[str, bool]:
    try:
        return raw.decode(encoding), False
    except UnicodeDecodeError:
        return "", True


def _xlsx_rows(path: Path) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or wrong file
        raise RosterFileError(
            _("The file is not a readable XLSX workbook (%(error)s).") % {"error": exc}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise RosterFileError(_("The file is empty."))
        mapping = _map_header(list(header))
        for number, record in enumerate(rows, start=2):
            if record is None or all(c is None or str(c).strip() == "" for c in record):
                continue
            yield RawRow(number, {mapping[i]: v for i, v in enumerate(record) if i in mapping})
    finally:
        workbook.close()


def read_rows(path: Path) -> tuple[str, str, Iterator[RawRow]]:
    """Return (format, encoding, rows) for a roster file, judged by its content and suffix."""
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic.startswith(b"PK"):
        return "xlsx", "", _xlsx_rows(path)
    if path.suffix.lower() in {".xlsx", ".xls"}:
        raise RosterFileError(_("Only .xlsx workbooks and .csv files are supported."))
    encoding = detect_encoding(path)
    return "csv", encoding, _csv_rows(path, encoding)


def cell_text(value: object) -> str:
    """A cell as text: Excel numbers such as 10023.0 become '10023'; dates become ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
