"""Beat's base backup: checked every few minutes, taken when due (so a stack that was stopped catches up)."""

from __future__ import annotations

from jobs.base import reliable_task

from . import services


# A backup of a large database takes long; the time limits are the tool's, not a sweep's.
@reliable_task(name="backups.tasks.take_base_backup", soft_time_limit=4 * 3600, time_limit=4 * 3600 + 300)
def take_base_backup(kind: str | None = None) -> dict:
    return services.take_due_backup(kind=kind)
