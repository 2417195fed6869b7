from django.core.management.base import BaseCommand

from indexers.drain import replay_dead_letters
from indexers.models import SearchChange


class Command(BaseCommand):
    help = "List search changes that failed too often (dead letters), or put them back in line with --replay."

    def add_arguments(self, parser):
        parser.add_argument("--replay", action="store_true", help="retry them (all, or --id ...)")
        parser.add_argument("--id", type=int, action="append", dest="ids", help="a change id (repeatable)")

    def handle(self, *args, **options):
        if options["replay"]:
            count = replay_dead_letters(options["ids"])  # None: all of them
            self.stdout.write(f"replayed {count} dead letter(s)")
            return
        dead = SearchChange.objects.filter(dead=True).order_by("id")
        for change in dead[:200]:
            self.stdout.write(
                f"{change.id}\tvehicle {change.object_id}\tv{change.version}\t"
                f"{change.attempts} tries\t{change.last_error[:150]}"
            )
        self.stdout.write(f"{dead.count()} dead letter(s)")
