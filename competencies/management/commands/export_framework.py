import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competencies.framework_io import dump_framework
from competencies.models import Framework


class Command(BaseCommand):
    help = (
        "Export a competency framework (domains, competencies, anchors, levels and the role "
        "profiles) as JSON that load_framework reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True, metavar="FILE.json")
        parser.add_argument(
            "--framework",
            metavar="CODE:VERSION",
            help="which framework version (default: the current one)",
        )

    def handle(self, *args, out: Path, framework: str | None, **options):
        if framework:
            code, _, version = framework.partition(":")
            chosen = Framework.objects.filter(code=code, version=version).first()
        else:
            chosen = Framework.objects.filter(is_current=True).first()
        if chosen is None:
            known = ", ".join(f"{f.code}:{f.version}" for f in Framework.objects.all()) or "none"
            raise CommandError(f"no such framework (known: {known}); run load_framework first")
        data = dump_framework(chosen)
        out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        competencies = sum(len(d["competencies"]) for d in data["domains"])
        self.stdout.write(
            f"{chosen.code}:{chosen.version} → {out} ({len(data['domains'])} domains, "
            f"{competencies} competencies, {len(data['role_profiles'])} role profiles)"
        )
