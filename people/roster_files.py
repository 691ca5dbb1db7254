"""Reading roster files: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) and XLSX, row by row.

Rows are yielded one at a time so a 100,000-row file is never held as a table in memory.
Row numbers are those a spreadsheet shows: the header is row 1, the first person row 2, and
blank rows still count (so "row 57" is the row Excel or WPS shows as 57).

Encoding: a file that starts with a UTF-8 byte-order mark is UTF-8. Otherwise each line that is
not plain ASCII votes: does it decode as UTF-8 or not? The majority decides between UTF-8 and
GB18030 (a superset of GBK and GB2312, what Chinese Excel saves as "CSV"). A line that does not
decode in the file's encoding is reported as an undecodable row instead of being imported as
mojibake — GB18030 would accept almost any bytes, so guessing per line would hide such errors.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.utils.translation import gettext as _

# Canonical column keys and the headers accepted for each (the template's Chinese header first).
COLUMNS: dict[str, tuple[str, ...]] = {
    "employee_no": ("工号", "employee_no", "employee number", "员工编号", "人员编号"),
    "display_name": ("姓名", "display_name", "name"),
    "unit_code": ("单位代码", "unit_code", "unit code", "单位编码"),
    "position_code": ("岗位代码", "position_code", "position code", "岗位编码"),
    "rank": ("职级", "rank"),
    "age_band": ("年龄段", "age_band", "age band"),
    "joined_on": ("入职日期", "joined_on", "joined on", "参加工作时间", "入职时间"),
    "is_active": ("在职", "is_active", "active", "是否在职"),
}
REQUIRED_COLUMNS = ("employee_no", "display_name", "unit_code", "position_code", "rank", "age_band")
TEMPLATE_HEADERS = [names[0] for names in COLUMNS.values()]
# "工号*", "工号（必填）", "Employee number (required)": decorations templates often add.
_HEADER_DECORATION = re.compile(r"[\s*＊]|[(（][^)）]*[)）]")
_ALIASES = {
    _HEADER_DECORATION.sub("", alias).lower(): key
    for key, aliases in COLUMNS.items()
    for alias in aliases
}


class RosterFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, missing columns)."""


@dataclass(frozen=True)
class RawRow:
    """One person row as read: cell values by column key, before any validation."""

    number: int
    values: dict[str, object]
    undecodable: bool = False
    extra_cells: int = 0  # non-empty cells beyond the header's last column


@dataclass
class RosterSource:
    """An opened roster: what it is, roughly how long, and its rows (an iterator, read once)."""

    format: str  # "csv" or "xlsx"
    encoding: str  # "" for xlsx
    estimated_rows: int | None
    headers: dict[str, str]  # column key → the header as written in the file
    ignored_columns: list[str]
    rows: Iterator[RawRow]


def header_label(key: str) -> str:
    return COLUMNS[key][0]


@dataclass(frozen=True)
class _Header:
    mapping: dict[int, str]  # cell index → column key
    labels: dict[str, str]  # column key → header text as written
    width: int
    ignored: list[str]


def _map_header(header: list[object]) -> _Header:
    mapping: dict[int, str] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    for index, name in enumerate(header):
        text = str(name if name is not None else "").strip().lstrip("\ufeff")
        key = _ALIASES.get(_HEADER_DECORATION.sub("", text).lower())
        if key is None:
            if text:
                ignored.append(text)
            continue
        if key in mapping.values():
            raise RosterFileError(
                _("The column %(column)s appears twice in the header row.")
                % {"column": header_label(key)}
            )
        mapping[index] = key
        labels[key] = text
    missing = [header_label(k) for k in REQUIRED_COLUMNS if k not in mapping.values()]
    if missing:
        raise RosterFileError(
            _("The header row (row 1) lacks required column(s): %(columns)s.")
            % {"columns": "、".join(missing)}
        )
    width = len(header)
    while width and (header[width - 1] is None or str(header[width - 1]).strip() == ""):
        width -= 1
    return _Header(mapping, labels, width, ignored)


def _row(number: int, record: list | tuple, header: _Header, undecodable: bool = False) -> RawRow:
    values = {key: record[i] for i, key in header.mapping.items() if i < len(record)}
    extra = sum(1 for cell in record[header.width :] if cell is not None and str(cell).strip())
    return RawRow(number, values, undecodable=undecodable, extra_cells=extra)


def _is_blank(record: list | tuple) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in record)


# --- CSV ------------------------------------------------------------------------------------------


def sniff_encoding(path: Path) -> tuple[str, int]:
    """(encoding, number of lines) of a CSV file; one pass over it in bounded memory."""
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig", sum(1 for _line in fh) + 1
        if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            raise RosterFileError(
                _(
                    "The file is UTF-16 text (Excel's “Unicode text”). Save it as "
                    "“CSV UTF-8” or as an .xlsx workbook instead."
                )
            )
        fh.seek(0)
        utf8 = other = lines = 0
        for raw in fh:
            lines += 1
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
                utf8 += 1
            except UnicodeDecodeError:
                other += 1
    return ("utf-8" if utf8 >= other else "gb18030"), lines


class _DecodedLines:
    """The file's lines as text; remembers which lines did not decode (a set, cleared as the
    rows that contain them are yielded, so memory stays bounded)."""

    def __init__(self, fh, encoding: str):
        self.fh = fh
        self.encoding = encoding
        self.bad: set[int] = set()

    def __iter__(self) -> Iterator[str]:
        for number, raw in enumerate(self.fh, start=1):
            try:
                yield raw.decode(self.encoding)
            except UnicodeDecodeError:
                self.bad.add(number)
                yield raw.decode(self.encoding, errors="replace")


def _csv_error(reader, exc: csv.Error) -> RosterFileError:
    return RosterFileError(
        _("Line %(line)d is not valid CSV (%(error)s); nothing was imported.")
        % {"line": reader.line_num, "error": exc}
    )


def _csv_source(path: Path) -> RosterSource:
    encoding, lines = sniff_encoding(path)
    fh = open(path, "rb")  # noqa: SIM115 - closed by _csv_rows when the rows are exhausted
    try:
        decoded = _DecodedLines(fh, encoding)
        reader = csv.reader(decoded)
        try:
            header_record = next(reader, None)
        except csv.Error as exc:
            raise _csv_error(reader, exc) from exc
        if header_record is None:
            raise RosterFileError(_("The file is empty."))
        if decoded.bad:
            raise RosterFileError(_("The header row is neither UTF-8 nor GBK text."))
        header = _map_header(header_record)
    except BaseException:
        fh.close()
        raise
    rows = _csv_rows(fh, reader, decoded, header)
    return RosterSource("csv", encoding, max(lines - 1, 0), header.labels, header.ignored, rows)


def _csv_rows(fh, reader, decoded: _DecodedLines, header: _Header) -> Iterator[RawRow]:
    with fh:
        number = 1
        last_line = reader.line_num
        try:
            for record in reader:
                number += 1
                # A quoted cell may span lines: the record covers every line read since the last.
                lines = range(last_line + 1, reader.line_num + 1)
                last_line = reader.line_num
                undecodable = any(line in decoded.bad for line in lines)
                decoded.bad.difference_update(lines)
                if not undecodable and _is_blank(record):
                    continue
                yield _row(number, record, header, undecodable=undecodable)
        except csv.Error as exc:
            raise _csv_error(reader, exc) from exc


# --- XLSX -----------------------------------------------------------------------------------------


def _xlsx_source(path: Path) -> RosterSource:
    """Open the first worksheet whose first row has the required columns."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or wrong file
        raise RosterFileError(
            _("The file is not a readable XLSX workbook (%(error)s).") % {"error": exc}
        ) from exc
    first_error: RosterFileError | None = None
    for sheet in workbook.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header_record = next(rows, None)
        if header_record is None:
            continue
        try:
            header = _map_header(list(header_record))
        except RosterFileError as exc:
            first_error = first_error or exc
            continue
        estimated = (sheet.max_row - 1) if sheet.max_row else None
        rows = _xlsx_rows(workbook, rows, header)
        return RosterSource("xlsx", "", estimated, header.labels, header.ignored, rows)
    workbook.close()
    raise first_error or RosterFileError(_("The file is empty."))


def _xlsx_rows(workbook, rows, header: _Header) -> Iterator[RawRow]:
    try:
        for number, record in enumerate(rows, start=2):
            if record is None or _is_blank(record):
                continue
            yield _row(number, record, header)
    finally:
        workbook.close()


# --- Entry point ----------------------------------------------------------------------------------


def open_roster(path: Path) -> RosterSource:
    """Open a roster file, judged by its content (and its name only to refuse old .xls)."""
    path = Path(path)
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"PK\x03\x04"):
        return _xlsx_source(path)
    if magic.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() == ".xls":
        raise RosterFileError(
            _("Old Excel .xls workbooks are not supported: save the file as .xlsx or CSV.")
        )
    if not magic:
        raise RosterFileError(_("The file is empty."))
    return _csv_source(path)


def cell_text(value: object) -> str:
    """A cell as text: Excel numbers such as 10023.0 become '10023'; dates become ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
