"""The change log that database triggers append to, and the sync pipeline's own bookkeeping."""

from django.db import models
from django.db.models.functions import Now


class SearchChange(models.Model):
    """One captured change to a row whose search document must be refreshed.

    Rows are written by triggers in the same transaction as the change itself, so a rollback leaves
    nothing and a commit always leaves a record. The indexer deletes a record once the engine has
    acknowledged the document it stands for; until then it stays, so nothing is ever lost.
    """

    entity = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    # The document version this change stands for: the row's search_version after an insert or
    # update, a fresh number from the same sequence for a delete (so the delete outranks the row).
    version = models.BigIntegerField(db_default=0)
    captured_at = models.DateTimeField(db_default=Now())
    # Per-item failures: how many, the last one, and when to try again (exponential backoff).
    attempts = models.PositiveIntegerField(db_default=0)
    last_error = models.TextField(db_default="")
    next_attempt_at = models.DateTimeField(db_default=Now())
    # A dead letter: tried INDEXER_MAX_ATTEMPTS times; parked until someone replays it.
    dead = models.BooleanField(db_default=False)

    class Meta:
        indexes = [
            models.Index(fields=["next_attempt_at", "id"], name="search_change_ready", condition=models.Q(dead=False)),
            models.Index(fields=["entity", "object_id"], name="search_change_object"),
        ]


class IndexBuild(models.Model):
    """A physical index being built behind the alias. While a row exists, the indexers write every
    change to this index too, so nothing committed during a rebuild is missing when the alias swaps."""

    index_name = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField(db_default=Now())


class ReconciliationRun(models.Model):
    """What one comparison of Postgres with the index found and repaired."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    index_name = models.CharField(max_length=200)
    rows_expected = models.BigIntegerField()
    documents_found = models.BigIntegerField()
    buckets_checked = models.PositiveIntegerField()
    buckets_mismatched = models.PositiveIntegerField()
    missing = models.BigIntegerField()
    stale = models.BigIntegerField()
    extra = models.BigIntegerField()
    repaired = models.BigIntegerField()

    class Meta:
        get_latest_by = "finished_at"
