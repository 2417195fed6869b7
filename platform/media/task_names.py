"""Task names, for queueing by name (celery's send_task): services never import tasks.py."""

MAKE_VARIANTS = "media.tasks.make_variants"
