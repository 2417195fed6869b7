import json

from django.core.management.base import BaseCommand

from indexers.status import sync_status


class Command(BaseCommand):
    help = "Report sync lag, backlog, dead letters, last reconciliation and index vs row counts."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the raw report as JSON")

    def handle(self, *args, **options):
        report = sync_status()
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        sync, engine = report["sync"], report["engine"]
        self.stdout.write(f"healthy:            {report['healthy']}")
        self.stdout.write(
            f"engine:             {'up' if engine['reachable'] else 'DOWN'} "
            f"alias={engine['alias']} -> {engine.get('indexes')}"
        )
        self.stdout.write(f"documents / rows:   {engine.get('documents')} / {sync.get('listable_rows')}")
        self.stdout.write(f"lag (oldest change): {sync.get('lag_seconds')} s")
        self.stdout.write(f"backlog:            {sync.get('backlog')} (retrying {sync.get('retrying')})")
        self.stdout.write(f"dead letters:       {sync.get('dead_letters')}")
        self.stdout.write(f"rebuilds running:   {report['rebuilds_in_progress'] or 'none'}")
        self.stdout.write(f"last reconciliation: {report['last_reconciliation'] or 'never'}")
