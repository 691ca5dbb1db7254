import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.roster_import import import_roster

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import cadres from a roster file (CSV in UTF-8, UTF-8 with BOM or GBK, or XLSX). All or "
        "nothing: any bad row means nothing is written and the exit code is 1. The format and "
        "the error codes are described in docs/roster-import.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument(
            "--report", type=Path, metavar="REPORT.json", help="write the full report as JSON"
        )
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="rows per database batch (default 2000)"
        )

    def handle(self, *args, file: Path, dry_run: bool, report: Path | None, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        interactive = self.stderr.isatty()

        def progress(done: int, total: int | None) -> None:
            if interactive:
                of = f" of ~{total:,}" if total else ""
                self.stderr.write(f"\r{done:,}{of} rows checked", ending="")
                self.stderr.flush()

        result = import_roster(
            file, dry_run=dry_run, progress=progress, batch_size=options["batch_size"]
        )
        if interactive:
            self.stderr.write("")
        if report:
            report.write_text(
                json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str),
                encoding="utf-8",
            )
        if result.ignored_columns:
            self.stderr.write(f"ignored columns: {', '.join(result.ignored_columns)}")
        for error in result.errors[:SHOWN_ERRORS]:
            column = f" [{error.column}]" if error.column else ""
            self.stderr.write(f"row {error.row}{column} {error.code}: {error.reason}")
        if len(result.errors) > SHOWN_ERRORS:
            more = len(result.errors) - SHOWN_ERRORS
            self.stderr.write(f"… and {more} more errors" + (" (see the report)" if report else ""))
        if dry_run:
            verdict = "dry run, nothing written"
        else:
            verdict = "written" if result.written else "nothing written"
        self.stdout.write(
            f"{result.rows} rows ({result.format}"
            f"{' ' + result.encoding if result.encoding else ''}): {result.created} new, "
            f"{result.updated} updated, {result.unchanged} unchanged, "
            f"{len(result.errors)} errors ({verdict})"
        )
        if not result.ok:
            sys.exit(1)
