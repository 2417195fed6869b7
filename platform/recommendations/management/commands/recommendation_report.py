import json
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from recommendations.selectors import recommendation_ctr_by_arm


class Command(BaseCommand):
    help = "CTR of similar-vehicle lists per blend arm over the last N days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14)

    def handle(self, *args, days, **options):
        now = timezone.now()
        self.stdout.write(json.dumps(recommendation_ctr_by_arm(since=now - timedelta(days=days), until=now), indent=2))
