from django.core.management.base import BaseCommand, CommandError

from scoring.models import ScoringModel
from scoring.registry import PromotionRefused, promote
from scoring.tasks import rescore_open_leads


class Command(BaseCommand):
    help = "Make a model the serving one; refused unless it beats the rules and the current model on held-out leads."

    def add_arguments(self, parser):
        parser.add_argument("model", type=int)

    def handle(self, *args, model, **options):
        entry = ScoringModel.objects.filter(pk=model).first()
        if entry is None:
            raise CommandError(f"no model {model}")
        try:
            self.stdout.write(promote(entry))
        except PromotionRefused as exc:
            raise CommandError(str(exc)) from exc
        try:
            rescore_open_leads.delay()
        except Exception as exc:  # the broker is away; the scheduled retrain's rescoring or a rerun does it
            self.stderr.write(f"open leads not queued for rescoring: {exc}")
