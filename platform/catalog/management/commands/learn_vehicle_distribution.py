"""Summarise the published listings into the generator's distribution file (counts, no rows)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.ingest import distribution
from catalog.management.commands.load_listings import DEFAULT_DATA_DIR


class Command(BaseCommand):
    help = "Learn make/model/year/price/mileage/body/fuel distributions from the real files into JSON."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
        parser.add_argument("--output", type=Path, default=distribution.DISTRIBUTION_PATH)

    def handle(self, *args, data_dir: Path, output: Path, **options):
        if not data_dir.is_dir():
            raise CommandError(f"{data_dir} does not exist")
        learned = distribution.learn(data_dir)
        distribution.write(learned, output)
        self.stdout.write(
            f"{len(learned['models'])} models from {learned['listings']} listings -> {output} "
            f"({output.stat().st_size / 1024:.0f} KiB)"
        )
