import json
from datetime import UTC, date, datetime, time

from django.core.management.base import BaseCommand

from scoring.reports import conversion_by_arm, drift_report


class Command(BaseCommand):
    help = "Reports on served lead scores: drift (PSI per feature and of the score) or the A/B conversion by arm."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["drift", "ab"])
        parser.add_argument("--since", type=date.fromisoformat, help="ab: leads created on or after this day only")

    def handle(self, *args, report, since, **options):
        if report == "ab":
            start = datetime.combine(since, time.min, tzinfo=UTC) if since else None
            self.stdout.write(json.dumps(conversion_by_arm(since=start), indent=2))
            return
        result = drift_report()
        if result is None:
            self.stdout.write("no current model: nothing to compare")
            return
        for name, value in sorted(result.psi.items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"{name:28} PSI {value:.4f}{'  DRIFT' if name in result.drifted else ''}")
        self.stdout.write(f"{result.leads} recent leads; alert: {result.alert}")
