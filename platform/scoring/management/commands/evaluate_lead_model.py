from django.core.management.base import BaseCommand, CommandError

from scoring.models import ScoringModel
from scoring.reporting import metrics_table


class Command(BaseCommand):
    help = "Print a registered model's held-out metrics beside the rules' (default: the latest model)."

    def add_arguments(self, parser):
        parser.add_argument("model", nargs="?", type=int)
        parser.add_argument("--tables", action="store_true", help="also the calibration table and the lift chart")

    def handle(self, *args, model, tables: bool, **options):
        entry = ScoringModel.objects.filter(pk=model).first() if model else ScoringModel.objects.order_by("-pk").first()
        if entry is None:
            raise CommandError("no such model")
        self.stdout.write(metrics_table(entry, tables=tables))
