import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.services import import_roster


class Command(BaseCommand):
    help = (
        "Import cadres from a roster file (CSV in UTF-8/UTF-8-BOM/GBK, or XLSX). All or nothing: "
        "any bad row means nothing is written and the exit code is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument("--report", type=Path, help="write the full report as JSON here")

    def handle(self, *args, file: Path, dry_run: bool, report: Path | None, **options):
        if not file.exists():
            raise CommandError(f"{file}: no such file")

        def progress(rows: int) -> None:
            self.stderr.write(f"\r{rows:,} rows checked", ending="")
            self.stderr.flush()

        result = import_roster(file, dry_run=dry_run, progress=progress)
        self.stderr.write("")
        if report:
            report.write_text(
                json.dumps(result.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
        for error in result.errors[:50]:
            column = f" [{error.column}]" if error.column else ""
            self.stderr.write(f"row {error.row}{column} {error.code}: {error.reason}")
        if len(result.errors) > 50:
            self.stderr.write(f"… and {len(result.errors) - 50} more errors (see --report)")
        verdict = (
            "dry run, nothing written"
            if dry_run
            else ("written" if result.written else "nothing written")
        )
        self.stdout.write(
            f"{result.rows} rows: {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged, {len(result.errors)} errors ({verdict})"
        )
        if not result.ok:
            sys.exit(1)
