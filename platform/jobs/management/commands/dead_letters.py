"""List and replay dead letters: `manage.py dead_letters list|replay ID...|replay --all [--task NAME]`."""

from django.core.management.base import BaseCommand, CommandError

from jobs.deadletters import open_dead_letters, replay
from jobs.models import DeadLetter


class Command(BaseCommand):
    help = "List dead-lettered tasks, or replay them."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "replay"])
        parser.add_argument("ids", nargs="*", type=int, help="dead letters to replay")
        parser.add_argument("--all", action="store_true", help="replay every open dead letter")
        parser.add_argument("--task", help="only this task name")
        parser.add_argument("--include-replayed", action="store_true", help="list replayed ones too")

    def handle(self, *args, action, ids, all, task, include_replayed, **options):
        letters = DeadLetter.objects.all() if include_replayed else open_dead_letters()
        if task:
            letters = letters.filter(task_name=task)
        if action == "list":
            for d in letters.order_by("failed_at"):
                replayed = f" replayed {d.replayed_at:%Y-%m-%d %H:%M}" if d.replayed_at else ""
                self.stdout.write(
                    f"{d.id}\t{d.failed_at:%Y-%m-%d %H:%M:%S}\t{d.task_name}\t{d.attempts} tries\t"
                    f"{d.exception_type}: {d.error[:120]}{replayed}"
                )
            return
        if not ids and not all:
            raise CommandError("name dead letter ids to replay, or --all")
        chosen = letters if all else DeadLetter.objects.filter(pk__in=ids)
        missing = set(ids) - set(chosen.values_list("pk", flat=True)) if ids else set()
        if missing:
            raise CommandError(f"no dead letters with ids {sorted(missing)}")
        for letter in chosen.order_by("failed_at"):
            new_id = replay(letter)
            self.stdout.write(f"replayed {letter.id} ({letter.task_name}) as {new_id}")
