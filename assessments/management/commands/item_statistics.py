"""``manage.py item_statistics``: Moodle's quiz statistics for a matrix of marks."""

import json

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from assessments.psychometrics.ctt import item_statistics, total_statistics
from assessments.psychometrics.tables import TableError, read_table, write_csv_atomically

COLUMNS = [
    "slot",
    "facility",
    "sd",
    "discriminationindex",
    "discriminativeefficiency",
    "effectiveweight",
]


class Command(BaseCommand):
    help = (
        "Classical item analysis exactly as Moodle's quiz statistics report computes it. "
        "MARKS.csv: a header of slot names, one row per attempt, a mark in every cell (use 0 "
        "for unanswered). Writes facility and sd as fractions of the max mark and the three "
        "indices in %; prints the test statistics as JSON on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--marks", required=True, help="CSV of marks (attempts × slots)")
        parser.add_argument(
            "--maxmarks", help="comma-separated max mark of each slot (default 1 for every slot)"
        )
        parser.add_argument("--out", required=True, help="CSV of item statistics to write")

    def handle(self, *args, **options):
        try:
            table = read_table(options["marks"], allow_blank=False, allow_weight=False)
            max_marks = _max_marks(options["maxmarks"], table.columns)
            over = np.argwhere(table.values > max_marks[None, :])
            if over.size:
                row, col = over[0]
                raise TableError(
                    f"{options['marks']}: data row {row + 1}, slot {table.columns[col]!r}: "
                    f"mark {table.values[row, col]:g} exceeds the max mark {max_marks[col]:g}"
                )
            items = item_statistics(table.values, max_marks, table.columns)
            rows = [
                [
                    s.slot,
                    s.facility,
                    s.sd,
                    s.discrimination_index,
                    s.discriminative_efficiency,
                    s.effective_weight,
                ]
                for s in items
            ]
            write_csv_atomically(options["out"], COLUMNS, rows)
        except (TableError, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        total = total_statistics(table.values)
        dubious = [s.slot for s in items if s.dubious]
        self.stdout.write(
            f"Analysed {len(items)} slots over {total.n} attempts; "
            f"dubious (discriminative efficiency < 15%): {', '.join(dubious) or 'none'}; "
            f"wrote {options['out']}."
        )
        self.stdout.write(
            json.dumps(
                {
                    "n": total.n,
                    "average": total.average,
                    "median": total.median,
                    "standarddeviation": total.standard_deviation,
                    "skewness": total.skewness,
                    "kurtosis": total.kurtosis,
                    "cic": total.cic,
                    "errorratio": total.error_ratio,
                    "standarderror": total.standard_error,
                }
            )
        )


def _max_marks(text, columns):
    if text is None:
        return np.ones(len(columns))
    parts = [p.strip() for p in text.split(",")]
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        raise TableError(f"--maxmarks: {text!r} is not a comma-separated list of numbers") from None
    if values.size != len(columns):
        raise TableError(f"--maxmarks gives {values.size} max marks for {len(columns)} slots")
    if np.any(~np.isfinite(values)) or np.any(values <= 0):
        raise TableError("--maxmarks: every max mark must be a positive number")
    return values
