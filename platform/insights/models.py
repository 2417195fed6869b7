"""What buyers searched for and what they opened: the search log analysts study and typeahead learns from.

Rows are written in batches by a Celery task on the "low" queue, never inside a search request.
"""

import uuid

from django.conf import settings
from django.db import models


class SearchLog(models.Model):
    class Endpoint(models.TextChoices):
        VEHICLES = "vehicles"
        INVENTORY = "inventory"

    # Given to the client with the results; it comes back with a click (see SearchClick).
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    searched_at = models.DateTimeField()
    endpoint = models.CharField(max_length=12, choices=Endpoint.choices)
    query_text = models.CharField(max_length=200, blank=True)
    # Lower-cased, accents folded, spaces collapsed: what "the same query" means when counting.
    normalized_query = models.CharField(max_length=200, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    sort = models.CharField(max_length=20)
    page = models.PositiveIntegerField(default=1)
    result_count = models.PositiveIntegerField()
    # Time the API spent on the request and the engine's own time, in milliseconds.
    latency_ms = models.FloatField()
    engine_ms = models.FloatField()
    # No database constraint: a user deleted before the batch lands must not fail the whole batch.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    session_key = models.CharField(max_length=64, blank=True)
    # A keyed hash of the searcher's network (insights.popularity.network_key), never the address:
    # popularity counts networks, which one actor cannot multiply the way it can sessions.
    network = models.CharField(max_length=24, blank=True)
    # Who asks, for demand by market: the language the answer was in ("en", "fr"), and the country the
    # buyer's prices were for (its destination port's: a UN/LOCODE starts with the ISO country code);
    # blank when the search chose no port.
    language = models.CharField(max_length=8, blank=True)
    buyer_country = models.CharField(max_length=2, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["searched_at"], name="searchlog_time"),
            models.Index(fields=["normalized_query", "searched_at"], name="searchlog_query_time"),
        ]


class SearchClick(models.Model):
    """A result opened from a search. Kept apart from SearchLog: the click may land before its log row."""

    search_id = models.UUIDField(db_index=True)
    vehicle_id = models.BigIntegerField()
    # 1-based rank of the result on the page the buyer saw, when the client says.
    position = models.PositiveIntegerField(null=True, blank=True)
    clicked_at = models.DateTimeField()


class BlockedQuery(models.Model):
    """A phrase staff never want suggested (typeahead, the zero-result page's popular searches). A query
    is blocked when it holds the phrase as whole words; the popularity SQL reads this table, and saving
    a row removes the matching suggestions from the live index (insights.admin)."""

    # Normalised like SearchLog.normalized_query (insights.buffer.normalize_query).
    phrase = models.CharField(max_length=200, unique=True)
    reason = models.CharField(max_length=200, blank=True)
    blocked_at = models.DateTimeField(auto_now_add=True)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=~models.Q(phrase=""), name="blocked_query_not_empty")]

    def __str__(self) -> str:
        return self.phrase
