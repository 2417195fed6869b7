"""A vehicle's photos: the private original, its checks' results and the public variants made of it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Photo(models.Model):
    """One photo of one vehicle. The first ready photo by position is the cover.

    A trigger (indexers/migrations/0003) re-stamps the vehicle's row whenever what its search
    document shows of its photos changes, so the cover reaches the index through the ordinary sync.
    """

    class Status(models.TextChoices):
        PENDING = "pending"  # stored and checked; its variants are being made
        READY = "ready"
        FAILED = "failed"  # the variant task gave up: the dealer sees why and can retry

    vehicle = models.ForeignKey("catalog.Vehicle", on_delete=models.CASCADE, related_name="photo_set")
    position = models.PositiveIntegerField(default=0)
    # SHA-256 of the uploaded bytes: the original's name, the variants' names, and a vehicle's
    # duplicate detector (the same file sent twice is one photo).
    sha256 = models.CharField(max_length=64)
    original = models.CharField(max_length=200, help_text="Name in the private storage.")
    filename = models.CharField(max_length=200, blank=True, help_text="As uploaded (shown to the dealer only).")
    format = models.CharField(max_length=10)
    # Upright size (EXIF orientation applied).
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    bytes = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Variants made: {"base": "photos/<sha>/r1", "widths": [...], "formats": ["avif", "webp"]}.
    variants = models.JSONField(default=dict, blank=True)
    # A few-hundred-byte image shown, blurred, while the variant loads (a data: URI).
    placeholder = models.TextField(blank=True)
    # A drawing made for demo data, not a photograph of this car: the pages say so.
    illustration = models.BooleanField(default=False)
    tries = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["vehicle", "position"]), models.Index(fields=["status", "updated_at"])]
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "sha256"], name="photo_once_per_vehicle"),
            models.CheckConstraint(condition=Q(status__in=["pending", "ready", "failed"]), name="photo_status_valid"),
        ]

    def __str__(self) -> str:
        return f"photo {self.pk} of vehicle {self.vehicle_id} ({self.status})"


class DroppedPhotoUrl(models.Model):
    """Photo URLs that dealers typed before uploads existed (the old catalog_vehicle.photos column).

    Kept, not shown: fetching arbitrary addresses from the server is how private networks get probed,
    so they were not imported automatically (docs/media.md). Staff can ask the dealer to upload them.
    """

    vehicle_id = models.BigIntegerField(db_index=True)
    url = models.CharField(max_length=500)
    dropped_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url
