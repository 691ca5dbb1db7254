"""CSV files of the command-line tools: strict reading, all-or-nothing writing.

Psychometricians bring response matrices from other tools, so a bad cell must be reported by
line and column rather than silently read as missing, and an output file must either be written
completely or not at all (written to a temporary file beside it, then atomically renamed).

Formats:

- responses: a header of item names, one row per person; cells blank (not presented) or whole
  numbers; optional ``id`` and ``weight`` columns;
- marks: a header of slot names, one row per attempt, every cell a number; optional ``id``;
- parameters: ``item,a,d,b,se_a,se_d`` for 0/1 models; graded items number their thresholds
  ``item,a,d1,…,dK,b1,…,bK,se_a,se_d1,…,se_dK`` (blank where an item has fewer categories).
"""

from __future__ import annotations

import csv
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .irt.model import ItemParameters

ID, WEIGHT = "id", "weight"


class TableError(ValueError):
    """A file that cannot be read as the expected table; the message says where and why."""


@dataclass(frozen=True)
class Table:
    """Numeric cells (NaN = blank) under named columns, with the optional id and weight columns."""

    columns: tuple[str, ...]
    values: np.ndarray
    ids: tuple[str, ...] | None
    weights: np.ndarray | None


def read_table(path: str | Path, *, allow_blank: bool, allow_weight: bool = True) -> Table:
    """Read a numeric CSV with a header row; ``id`` (and ``weight``) columns are set apart."""
    rows = _rows(path)
    header = [h.strip() for h in rows[0]]
    if any(not h for h in header):
        raise TableError(f"{path}: line 1: a column has no name")
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise TableError(f"{path}: line 1: column {duplicates[0]!r} appears twice")
    if not allow_weight and WEIGHT in header:
        raise TableError(f"{path}: line 1: a {WEIGHT!r} column is not used by this file")
    data_cols = [i for i, h in enumerate(header) if h not in (ID, WEIGHT)]
    if not data_cols:
        raise TableError(f"{path}: line 1: no data columns besides {ID!r}/{WEIGHT!r}")
    body = [(n, r) for n, r in enumerate(rows[1:], start=2) if not _empty_line(r)]
    if not body:
        raise TableError(f"{path}: the file has a header but no data rows")
    values = np.empty((len(body), len(data_cols)))
    ids, weights = [], []
    for i, (line, row) in enumerate(body):
        if len(row) != len(header):
            raise TableError(
                f"{path}: line {line}: {len(row)} cells, but the header has {len(header)}"
            )
        for k, col in enumerate(data_cols):
            values[i, k] = _number(row[col], path, line, header[col], allow_blank)
        if ID in header:
            ids.append(row[header.index(ID)].strip())
        if WEIGHT in header:
            w = _number(row[header.index(WEIGHT)], path, line, WEIGHT, allow_blank=False)
            if w < 0:
                raise TableError(f"{path}: line {line}, column {WEIGHT!r}: weights must be ≥ 0")
            weights.append(w)
    return Table(
        tuple(header[c] for c in data_cols),
        values,
        tuple(ids) if ID in header else None,
        np.array(weights) if WEIGHT in header else None,
    )


def _rows(path: str | Path) -> list[list[str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError as exc:
        raise TableError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise TableError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:
        raise TableError(f"{path}: not a readable CSV file ({exc})") from exc
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise TableError(f"{path}: the file is empty (a header row is required)")
    return rows


def _empty_line(row: list[str]) -> bool:
    """An empty line is skipped; a row of empty cells is data (a person who saw no item)."""
    return not row or (len(row) == 1 and not row[0].strip())


def _number(cell: str, path: str | Path, line: int, column: str, allow_blank: bool) -> float:
    text = cell.strip()
    if not text:
        if allow_blank:
            return math.nan
        raise TableError(f"{path}: line {line}, column {column!r}: the cell is blank")
    try:
        value = float(text)
    except ValueError:
        raise TableError(
            f"{path}: line {line}, column {column!r}: {text!r} is not a number"
        ) from None
    if not math.isfinite(value):
        raise TableError(f"{path}: line {line}, column {column!r}: {text!r} is not a finite number")
    return value


def read_parameters(path: str | Path) -> ItemParameters:
    """Item parameters as written by ``write_parameters`` (either layout)."""
    rows = _rows(path)
    header = [h.strip() for h in rows[0]]
    if "item" not in header or "a" not in header:
        raise TableError(f"{path}: line 1: parameter files need 'item' and 'a' columns")
    if "d" in header:
        d_cols = [header.index("d")]
    else:
        d_cols = []
        while f"d{len(d_cols) + 1}" in header:
            d_cols.append(header.index(f"d{len(d_cols) + 1}"))
    if not d_cols:
        raise TableError(f"{path}: line 1: no 'd' (or 'd1', 'd2', …) column")
    names, slopes, intercepts = [], [], []
    for line, row in enumerate(rows[1:], start=2):
        if _empty_line(row):
            continue
        if len(row) != len(header):
            raise TableError(
                f"{path}: line {line}: {len(row)} cells, but the header has {len(header)}"
            )
        names.append(row[header.index("item")].strip())
        slopes.append(_number(row[header.index("a")], path, line, "a", allow_blank=False))
        intercepts.append(
            [_number(row[c], path, line, header[c], allow_blank=True) for c in d_cols]
        )
    if not names:
        raise TableError(f"{path}: no items")
    try:
        return ItemParameters(tuple(names), np.array(slopes), np.array(intercepts))
    except ValueError as exc:
        raise TableError(f"{path}: {exc}") from exc


def parameter_rows(
    params: ItemParameters, se_a: np.ndarray, se_d: np.ndarray, numbered: bool
) -> tuple[list[str], list[list[object]]]:
    """Header and rows for a parameter file; ``numbered`` selects the graded (d1, d2, …) layout."""
    width = params.d.shape[1]
    if numbered:
        header = ["item", "a", *(f"d{k}" for k in range(1, width + 1))]
        header += [f"b{k}" for k in range(1, width + 1)]
        header += ["se_a", *(f"se_d{k}" for k in range(1, width + 1))]
    else:
        header = ["item", "a", "d", "b", "se_a", "se_d"]
    rows = [
        [name, params.a[j], *params.d[j], *params.b[j], se_a[j], *se_d[j]]
        for j, name in enumerate(params.names)
    ]
    return header, rows


def write_csv_atomically(path: str | Path, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write the whole table to a temporary file in the target directory, then rename it."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise TableError(f"{path}: the directory {directory} does not exist")
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([_format(v) for v in row])
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _format(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        return "" if not math.isfinite(value) else format(float(value), ".10g")
    return str(value)
