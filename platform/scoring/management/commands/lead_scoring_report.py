import json

from django.core.management.base import BaseCommand

from scoring.reports import conversion_by_arm, drift_report


class Command(BaseCommand):
    help = "Reports on served lead scores: drift (PSI per feature and of the score) or the A/B conversion by arm."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["drift", "ab"])

    def handle(self, *args, report, **options):
        if report == "ab":
            self.stdout.write(json.dumps(conversion_by_arm(), indent=2))
            return
        result = drift_report()
        if result is None:
            self.stdout.write("no current model: nothing to compare")
            return
        for name, value in sorted(result.psi.items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"{name:28} PSI {value:.4f}{'  DRIFT' if name in result.drifted else ''}")
        self.stdout.write(f"{result.leads} recent leads; alert: {result.alert}")
