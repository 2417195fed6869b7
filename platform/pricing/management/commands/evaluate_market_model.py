"""Print a registered market-value model's evaluation table (model vs both baselines, per market)."""

from django.core.management.base import BaseCommand

from pricing.evaluation import table
from pricing.models import MarketValueModel
from pricing.registry import current_model


class Command(BaseCommand):
    help = "Evaluation table of market-value model ID (default: the current one)."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, nargs="?")

    def handle(self, *, id=None, **_):
        entry = MarketValueModel.objects.get(pk=id) if id else current_model()
        self.stdout.write(f"model {entry.pk}, {entry.algorithm}; rows {entry.rows}")
        self.stdout.write(table(entry.metrics))
