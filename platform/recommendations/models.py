"""Similar-vehicle lists shown to buyers and the results they opened: the online half of the evaluation.

Rows are written in batches by a Celery task on the "low" queue, never inside the request.
"""

import uuid

from django.db import models


class RecommendationImpression(models.Model):
    """One vehicle shown at one position of one similar-vehicle list."""

    # The list's id, given to the client with the results; it comes back with a click.
    list_id = models.UUIDField()
    source_vehicle_id = models.BigIntegerField()
    vehicle_id = models.BigIntegerField()
    position = models.PositiveSmallIntegerField()
    arm = models.CharField(max_length=20)
    shown_at = models.DateTimeField()
    user_id = models.BigIntegerField(null=True, blank=True)
    session_key = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["list_id", "position"], name="impression_once")]
        indexes = [models.Index(fields=["shown_at"], name="rec_impression_time")]


class RecommendationClick(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    list_id = models.UUIDField(db_index=True)
    vehicle_id = models.BigIntegerField()
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    clicked_at = models.DateTimeField()
