from django.core.management.base import BaseCommand, CommandError

from scoring import registry
from scoring.reporting import metrics_table
from scoring.training import NotEnoughData, train


class Command(BaseCommand):
    help = "Train a lead model on decided leads (time split, calibrated), evaluate it and the rules, register it."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=540, help="training window, ending SCORING_LOST_AFTER_DAYS ago")
        parser.add_argument("--features", help="comma-separated subset of the features (default: all)")
        parser.add_argument("--promote", action="store_true", help="promote it if it beats the current model")

    def handle(self, *args, days, features, promote: bool, **options):
        try:
            entry = train(days=days, names=features.split(",") if features else None)
        except NotEnoughData as exc:
            raise CommandError(f"not enough data: {exc}") from exc
        self.stdout.write(f"registered lead model {entry.pk}: {entry.artefact_path} (data {entry.data_hash[:12]})")
        self.stdout.write(metrics_table(entry))
        if promote:
            try:
                self.stdout.write(registry.promote(entry))
            except registry.PromotionRefused as exc:
                raise CommandError(str(exc)) from exc
