"""Taking the base backup that is due, with the retention of the settings."""

from __future__ import annotations

import logging
import time

from django.conf import settings

from localstack.pgbackrest import good_backups

from .policy import due_kind
from .repository import configured_repo

log = logging.getLogger(__name__)


def take_due_backup(*, kind: str | None = None, now: float | None = None) -> dict:
    """The backup that is due (or `kind` at once); pgBackRest expires what the retention no longer
    keeps right after it. Returns what was done."""
    repo = configured_repo()
    if repo is None:
        return {"taken": None, "reason": "not configured"}
    now = time.time() if now is None else now
    kind = kind or due_kind(
        good_backups(repo.info()),
        now=now,
        every_hours=settings.BACKUP_EVERY_HOURS,
        full_every_days=settings.BACKUP_FULL_EVERY_DAYS,
    )
    if kind is None:
        return {"taken": None, "reason": "not due"}
    started = time.monotonic()
    repo.backup(kind, retention_full=settings.BACKUP_RETENTION_FULL, retention_diff=settings.BACKUP_RETENTION_DIFF)
    newest = good_backups(repo.info())[-1]
    log.info("base backup %s (%s) taken in %.1f s", newest["label"], kind, time.monotonic() - started)
    return {"taken": kind, "label": newest["label"], "seconds": round(time.monotonic() - started, 1)}
