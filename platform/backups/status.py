"""The age of the last good base backup, read from the repository itself, for health and /metrics."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection

from localstack.pgbackrest import good_backups

from .repository import configured_repo


def backup_status(now: float | None = None) -> dict:
    """`configured`, the newest good backup (`last_good_at` as a Unix time, its `label`, `kind`),
    `age_seconds`, `stale` (older than BACKUP_MAX_AGE_HOURS, or none), how many are kept, and the
    oldest point a restore can reach (`restorable_from`, the oldest backup's end), and the database
    server's WAL archiving (`wal_archive`).

    Raises pgBackRest's error (ServiceError) when the repository cannot be read."""
    now = time.time() if now is None else now
    max_age = settings.BACKUP_MAX_AGE_HOURS * 3600
    report = {"configured": False, "count": 0, "last_good_at": None, "age_seconds": None, "max_age_seconds": max_age}
    repo = configured_repo()
    if repo is None:
        return {**report, "stale": True}
    backups = good_backups(repo.info())
    report.update(configured=True, count=len(backups))
    if backups:
        newest = backups[-1]
        report.update(
            last_good_at=newest["timestamp"]["stop"],
            label=newest["label"],
            kind=newest["type"],
            age_seconds=round(now - newest["timestamp"]["stop"], 1),
            restorable_from=backups[0]["timestamp"]["stop"],
        )
    report["stale"] = report["age_seconds"] is None or report["age_seconds"] > max_age
    report["wal_archive"] = wal_archive_status()
    return report


def wal_archive_status() -> dict:
    """The database server's own account of its archiving (pg_stat_archiver). `failing`: the last try
    failed; the server then keeps every WAL segment until one succeeds, and its disk fills."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('archive_mode'), extract(epoch FROM last_archived_time), "
            "extract(epoch FROM last_failed_time), failed_count FROM pg_stat_archiver"
        )
        mode, archived, failed, failures = cursor.fetchone()
    return {
        "mode": mode,
        "last_archived_at": float(archived) if archived is not None else None,
        "last_failed_at": float(failed) if failed is not None else None,
        "failures": failures,
        "failing": failed is not None and (archived is None or failed > archived),
    }
