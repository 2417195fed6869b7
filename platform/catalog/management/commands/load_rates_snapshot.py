"""manage.py load_rates_snapshot: the shipped, dated exchange rates (catalog/rates_snapshot.json)."""

from django.core.management.base import BaseCommand

from catalog.rates_snapshot import SNAPSHOT_FILE, load_snapshot, snapshot_rates


class Command(BaseCommand):
    help = "Load the shipped exchange-rate snapshot where no better-known rate is stored (dates kept)."

    def handle(self, *args, **options):
        changed = load_snapshot()
        rates = snapshot_rates()
        published = rates[0].published_at.date() if rates else "?"
        self.stdout.write(
            f"rates snapshot of {published} ({SNAPSHOT_FILE.name}): "
            + (f"loaded {', '.join(changed)}" if changed else "nothing older to replace")
        )
