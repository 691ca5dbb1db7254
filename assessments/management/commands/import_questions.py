import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.imports import PARSERS, import_questions


class Command(BaseCommand):
    help = (
        "Import a question file (Moodle XML, GIFT, QTI 2.1/3.0 or the Excel template) into a "
        "bank. All or nothing: any error means nothing is written and the exit code is 1. "
        "Unsupported question types are skipped and listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=sorted(PARSERS), dest="fmt")
        parser.add_argument("--bank", help="bank name (default: the file name)")
        parser.add_argument("--competency", default="", help="competency code for every item")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument("--report", type=Path, help="write the report as JSON here")

    def handle(self, *args, file: Path, fmt: str, bank, competency, dry_run, report, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        result = import_questions(
            file.read_bytes(),
            fmt,
            bank_name=bank or file.stem,
            competency_code=competency,
            dry_run=dry_run,
            filename=file.name,
        )
        if report:
            report.write_text(
                json.dumps(result.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
        for skipped in result.skipped:
            self.stderr.write(f"skipped {skipped.type} “{skipped.name}”: {skipped.reason}")
        for error in result.errors:
            self.stderr.write(f"error at {error.where}: {error.reason}")
        if result.errors:
            self.stdout.write(f"{len(result.errors)} error(s): nothing imported")
            sys.exit(1)
        verdict = "would be imported (dry run, nothing written)" if dry_run else "imported"
        self.stdout.write(f"{result.imported} question(s) {verdict}, {len(result.skipped)} skipped")
