"""The notification pipeline's task names, in one place. A stage queues the next by name
(`celery.current_app.send_task`), so no module of the pipeline imports tasks.py, which imports them."""

DISPATCH_OUTBOX = "notifications.tasks.dispatch_outbox"
DELIVER_DUE = "notifications.tasks.deliver_due"
SEND_MESSAGE = "notifications.tasks.send_message"
SYNC_SAVED_SEARCH = "notifications.tasks.sync_saved_search"
# The sweeps that catch up when a task above never reached the broker.
SWEEP_QUEUED_MESSAGES = "notifications.tasks.sweep_queued_messages"
RESYNC_SAVED_SEARCHES = "notifications.tasks.resync_saved_searches"
