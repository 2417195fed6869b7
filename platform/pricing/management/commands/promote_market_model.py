"""Promote a registered market-value model (refused unless it is better) and re-stamp every listing."""

from django.core.management.base import BaseCommand, CommandError

from pricing.models import MarketValueModel
from pricing.registry import PromotionRefused, promote
from pricing.serving import restamp_all


class Command(BaseCommand):
    help = "Promote market-value model ID if it beats the baselines and the current model; re-stamp listings."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)

    def handle(self, *, id: int, **_):
        try:
            note = promote(MarketValueModel.objects.get(pk=id))
        except (PromotionRefused, MarketValueModel.DoesNotExist) as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"promoted {id}: {note}; re-stamped {restamp_all()} listings")
