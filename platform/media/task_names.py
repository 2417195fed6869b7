"""Task names, for queueing by name (celery's send_task): services never import tasks.py."""

MAKE_VARIANTS = "media.tasks.make_variants"
# Every few minutes: photos left pending (their task never queued, or lost) are queued again.
SWEEP_PENDING = "media.tasks.sweep_pending"
