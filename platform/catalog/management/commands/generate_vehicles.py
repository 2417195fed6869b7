"""Generate look-alike vehicles (and their dealers) for benchmarks, deterministically per seed, by COPY."""

from __future__ import annotations

import os
from datetime import date

from django.core.management.base import BaseCommand

from catalog.ingest.generator import DEFAULT_AS_OF, VehicleGenerator


class Command(BaseCommand):
    help = (
        "Ensure vehicles gen:<seed>:0..count-1 exist, drawn from the learned distribution; "
        "rows already there are skipped. Prints rows/s."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--dealers", type=int, default=2000, help="generated dealers to spread them over")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=DEFAULT_AS_OF,
            help=f"listing dates run back a year from this day (default {DEFAULT_AS_OF})",
        )
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="parallel COPY streams (default: one per CPU)"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(
        self, *args, count: int, seed: int, dealers: int, as_of: date, workers: int, no_progress: bool, **options
    ):
        generator = VehicleGenerator(seed=seed, dealers=dealers, as_of=as_of)
        result = generator.run(count, progress=not no_progress, workers=workers)
        self.stdout.write(
            self.style.SUCCESS(
                f"seed {seed}: {result.created:,} vehicles created, {result.skipped:,} already there, "
                f"in {result.seconds:.1f}s ({result.rows_per_second:,.0f} rows/s)"
            )
        )
