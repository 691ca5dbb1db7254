from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from competencies.framework_io import BUNDLED_FRAMEWORK, load_framework, read_framework_file


class Command(BaseCommand):
    help = (
        "Load (import) a competency framework from JSON — by default the bundled 6-domain, "
        "24-competency model with its anchors and role profiles. Idempotent: running it again "
        "updates what changed and never duplicates. All or nothing: any problem in the file is "
        "reported and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=BUNDLED_FRAMEWORK,
            metavar="FILE.json",
            help="framework JSON (the format export_framework writes); default: the bundled one",
        )
        parser.add_argument(
            "--not-current",
            action="store_true",
            help="load the version without making it the current framework",
        )

    def handle(self, *args, file: Path, not_current: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            report = load_framework(read_framework_file(file), make_current=not not_current)
        except ValidationError as exc:
            problems = "\n".join(f"  - {message}" for message in exc.messages)
            raise CommandError(f"{file}: nothing was loaded.\n{problems}") from exc
        self.stdout.write(f"{file.name}: {report.summary()}")
