from django.core.management.base import BaseCommand

from indexers.listener import listen_forever


class Command(BaseCommand):
    help = "Wake the indexers whenever a change to searchable data commits (runs until stopped)."

    def handle(self, *args, **options):
        listen_forever()
