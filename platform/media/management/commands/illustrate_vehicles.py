"""Give demo vehicles without photos an illustration (their body type in their colour), through the
same checks and storage as an upload, marked as an illustration. Safe to re-run."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from catalog.models import Vehicle
from media.illustrations import illustration
from media.processing import process_photo
from media.services import Upload, add_photos


class Command(BaseCommand):
    help = "Add an illustration (marked as such) to each vehicle that has no photo; makes the variants inline."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="at most this many vehicles, newest first")

    def handle(self, *args, limit: int | None, **options):
        vehicles = (
            Vehicle.objects.filter(photo_set__isnull=True)
            .order_by("-listed_at", "pk")
            .only("pk", "body_type", "exterior_color")
        )
        made = shared = 0
        for vehicle in vehicles[:limit] if limit else vehicles.iterator(chunk_size=500):
            drawing = Upload(
                f"illustration-{vehicle.body_type or 'car'}.jpg",
                illustration(vehicle.body_type, vehicle.exterior_color),
            )
            for photo in add_photos(vehicle, [drawing], illustration=True, queue=False):
                outcome = process_photo(photo.pk)
                made += outcome == "made"
                shared += outcome == "shared"
        self.stdout.write(self.style.SUCCESS(f"Illustrations: {made + shared:,} vehicles ({made} drawings encoded)"))
