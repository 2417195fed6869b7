"""The framework's own scheduled tasks: the audit-log clean-up and the canary that proves the pipeline.
Domain jobs live with the app that owns them (sales/tasks.py, catalog/tasks.py, ...).
"""

from __future__ import annotations

from . import canaries, cleanup
from .base import reliable_task


@reliable_task(name="jobs.tasks.clean_up_audit_log")
def clean_up_audit_log() -> dict[str, int]:
    return cleanup.clean_up()


@reliable_task(name="jobs.tasks.canary", bind=True, soft_time_limit=300, time_limit=330)
def canary(self, token: str, sleep_seconds: float = 0.0, fail_times: int = 0) -> dict:
    """A task that proves the pipeline end to end (and lets benchmarks time it): it counts its starts and
    completions in Redis under `token`, sleeps, and fails transiently for its first `fail_times` tries."""
    return canaries.run(token, sleep_seconds=sleep_seconds, fail_times=fail_times, task_id=self.request.id)
