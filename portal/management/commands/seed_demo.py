"""Load everything the demo shows. Deterministic for a seed; running it again adds nothing."""

import time

from django.core.management.base import BaseCommand

from analytics.receivers import refresh_deferred
from analytics.refresh import backfill_snapshots, refresh_all
from assessments.demo import seed_forms, seed_items
from certificates.demo import seed_certificates
from competencies.demo import seed_evidence
from competencies.framework_io import load_bundled_framework
from courses.demo import seed_courses
from people.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_accounts, seed_cadres, seed_organisation
from portal.demo import seed_home_page


def _deferred(step, *args):
    """Bulk evidence queues its cadres; the analytics step below refreshes once for all."""
    with refresh_deferred():
        return step(*args)


class Command(BaseCommand):
    help = "Load the demo: framework, organisation, cadres, evidence, content and demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cadres", type=int, default=300, help="number of generated cadres (default 300)"
        )
        parser.add_argument("--seed", type=int, default=2023, help="random seed (default 2023)")

    def handle(self, *args, cadres: int, seed: int, **options):
        steps = [
            ("framework", lambda: load_bundled_framework().summary()),
            ("organisation", lambda: f"{seed_organisation()} units created"),
            ("cadres", lambda: f"{seed_cadres(cadres, seed)} cadres created"),
            ("demo accounts", lambda: f"{len(seed_accounts())} accounts"),
            ("evidence", lambda: f"{_deferred(seed_evidence, seed)} evidence rows written"),
            (
                "analytics",
                lambda: f"{refresh_all()} summary rows, {len(backfill_snapshots())} past quarters",
            ),
            ("home page", lambda: seed_home_page()),
            (
                "item bank",
                lambda: "{created} items created, {updated} checked".format(**seed_items()),
            ),
            ("forms", lambda: seed_forms()),
            ("courses", lambda: seed_courses()),
            ("certificates", lambda: seed_certificates()),
        ]
        for name, step in steps:
            started = time.perf_counter()
            result = step()
            self.stdout.write(f"{name:>14}: {result} ({time.perf_counter() - started:.1f} s)")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<10} {account.role!s:<8} {account.description}")
