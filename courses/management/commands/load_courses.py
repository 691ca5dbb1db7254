"""Load the shipped courses (courses/content/*.json): validated, all or nothing, idempotent."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from courses.content_loader import CONTENT_DIR, load_courses


class Command(BaseCommand):
    help = "Validate and load the course files into the page tree (zh-Hans and English)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=CONTENT_DIR, help="content directory")

    def handle(self, *args, dir: Path, **options):
        try:
            result = load_courses(dir)
        except ValidationError as error:
            raise CommandError(
                "Nothing was loaded; fix these problems first:\n  " + "\n  ".join(error.messages)
            ) from error
        self.stdout.write(str(result))
