from django.core.management.base import BaseCommand

from insights.suggestions_index import rebuild_suggestions


class Command(BaseCommand):
    help = "Rebuild the typeahead suggestions index now (beat also refreshes it every few minutes)."

    def handle(self, *args, **options):
        self.stdout.write(f"{rebuild_suggestions()} suggestions indexed")
