"""Bookkeeping that makes background work trustworthy: dead letters, tracked tasks, schedule runs,
cursors of incremental jobs, and marks of what was already sent."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class DeadLetter(models.Model):
    """A task that failed its last try. Kept until staff replay it (or decide to leave it)."""

    task_id = models.CharField(max_length=64, db_index=True)
    task_name = models.CharField(max_length=200, db_index=True)
    queue = models.CharField(max_length=40, blank=True)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    exception_type = models.CharField(max_length=200)
    error = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)
    failed_at = models.DateTimeField(db_default=Now())
    replayed_at = models.DateTimeField(null=True, blank=True)
    replayed_task_id = models.CharField(max_length=64, blank=True)
    replay_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-failed_at"]
        indexes = [models.Index(fields=["failed_at"], name="dead_letter_open", condition=models.Q(replayed_at=None))]

    def __str__(self) -> str:
        return f"{self.task_name}[{self.task_id}] {self.exception_type}"


class TrackedTask(models.Model):
    """A task a user started: its id and owner, so the API shows its state to that user only."""

    task_id = models.CharField(max_length=64, unique=True)
    task_name = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracked_tasks")
    created_at = models.DateTimeField(db_default=Now(), db_index=True)


class ScheduleRun(models.Model):
    """The last run of each scheduled task, written by the worker that ran it."""

    task_name = models.CharField(max_length=200, unique=True)
    last_started_at = models.DateTimeField(null=True)
    last_finished_at = models.DateTimeField(null=True)
    last_state = models.CharField(max_length=20, blank=True)
    last_runtime_seconds = models.FloatField(null=True)
    last_error = models.TextField(blank=True)
    runs = models.PositiveBigIntegerField(default=0)
    failures = models.PositiveBigIntegerField(default=0)


class JobCursor(models.Model):
    """Where an incremental job got to. `position` is where the next run starts; `next_position` is
    what this run saw, promoted one run later so a transaction still open during a run is re-read."""

    name = models.CharField(max_length=100, primary_key=True)
    position = models.BigIntegerField(default=0)
    next_position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class FollowUpMark(models.Model):
    """The last thing told about one object for one kind of follow-up, so it is never told twice.

    `value` identifies the situation (a deal's stage and since when, a shipment's status, an ISO week):
    a new value means a new situation worth a message; the same value means it was already sent.
    """

    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    value = models.CharField(max_length=200)
    marked_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="follow_up_mark_unique")]
