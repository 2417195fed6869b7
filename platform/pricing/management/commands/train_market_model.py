"""Train the market-value model on the published listings and print it against both baselines."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pricing import registry
from pricing.evaluation import table
from pricing.registry import PromotionRefused
from pricing.serving import restamp_all
from pricing.training import train


class Command(BaseCommand):
    help = "Train (and with --promote, promote if better and re-stamp every listing) the market-value model."

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, default=settings.MARKET_VALUE_DATA_DIR)
        parser.add_argument("--sample", type=float, default=1.0, help="share of listings (quick checks)")
        parser.add_argument("--promote", action="store_true")

    def handle(self, *, data, sample, promote: bool, **_):
        entry = train(data, sample=sample)
        self.stdout.write(f"market-value model {entry.pk}: {entry.rows}")
        self.stdout.write(f"fit {entry.metrics['fit_seconds']} s; not enough data: {entry.metrics['not_enough_data']}")
        self.stdout.write(table(entry.metrics))
        if promote:
            try:
                self.stdout.write(f"promoted: {registry.promote(entry)}")
            except PromotionRefused as refused:
                raise CommandError(f"not promoted: {refused}") from refused
            self.stdout.write(f"re-stamped {restamp_all()} listings")
