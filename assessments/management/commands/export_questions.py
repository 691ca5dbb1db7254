from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.exporters import export_bank
from assessments.models import ItemBank


class Command(BaseCommand):
    help = (
        "Export an item bank to Moodle XML (situational-judgement items are listed, not written)."
    )

    def add_arguments(self, parser):
        parser.add_argument("bank", help="bank name")
        parser.add_argument("--out", type=Path, required=True, help="the .xml file to write")
        parser.add_argument("--format", default="moodle-xml", choices=["moodle-xml"])

    def handle(self, *args, bank: str, out: Path, **options):
        found = ItemBank.objects.filter(name=bank).first()
        if found is None:
            raise CommandError(f"no item bank is called {bank!r}")
        result = export_bank(found)
        out.write_text(result.xml, encoding="utf-8")
        for skipped in result.skipped:
            self.stderr.write(f"not exported {skipped.type} “{skipped.name}”: {skipped.reason}")
        self.stdout.write(
            f"{result.exported} question(s) written to {out}, {len(result.skipped)} left out"
        )
