"""Backup and point-in-time restore of a database of real size: how long each takes, and how late the
WAL archive is when nothing forces it (the recovery point of a server lost with its disk).

    .venv/bin/python -m bench.restore_time [--database nzila] [--source-port 5432]

Copies the named database of a running server (the dev stack's demo data by default) into a cluster
of its own on port 5464 that archives to its own pgBackRest repository, then: a full base backup;
one commit, timed until its WAL segment is in the archive without any forcing; a point in time; more
writes; a restore to that point into a fresh folder on port 5465, timed until the copy takes writes;
the vehicle rows compared. Everything is under var/ and removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from localstack import secrets_file
from localstack.paths import VAR_DIR
from localstack.pgbackrest import ARCHIVE_TIMEOUT_SECONDS, BackupRepo
from localstack.postgres import DB_USER, Postgres, copy_database
from localstack.restore import restore_copy

PORT, RESTORED_PORT = 5464, 5465


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="nzila")
    parser.add_argument("--source-port", type=int, default=int(os.environ.get("NZILA_DB_PORT", 5432)))
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-restore-", dir=VAR_DIR))
    base.chmod(0o755)
    repo = BackupRepo(base / "backups", stanza="bench")
    source = Postgres(port=PORT, data_dir=base / "source", backups=repo)
    servers = [source]
    try:
        source.start()
        started = time.monotonic()
        source_db = {
            "HOST": "127.0.0.1",
            "PORT": args.source_port,
            "USER": DB_USER,
            "PASSWORD": secrets_file.value("NZILA_DB_PASSWORD", "nzila"),
            "NAME": args.database,
        }
        copy_database(source=source_db, into=source, name="bench_copy", dump=base / "copy.dump")
        print(f"copied {args.database}: {time.monotonic() - started:.1f} s", flush=True)

        def sql(text: str, server: Postgres = source) -> str:
            return server.psql(text, database="bench_copy")

        size = sql("SELECT pg_size_pretty(pg_database_size('bench_copy'))")
        vehicles = int(sql("SELECT count(*) FROM catalog_vehicle"))
        started = time.monotonic()
        repo.backup("full", retention_full=2, retention_diff=7)
        backup_seconds = time.monotonic() - started

        sql("UPDATE catalog_vehicle SET mileage_km = mileage_km + 1 WHERE id = (SELECT min(id) FROM catalog_vehicle)")
        segment = sql("SELECT pg_walfile_name(pg_current_wal_lsn())")
        committed = time.monotonic()
        while sql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") < segment:
            time.sleep(0.5)
        archive_delay = time.monotonic() - committed

        point = sql("SELECT clock_timestamp()")
        expected = sql("SELECT count(*), sum(mileage_km) FROM catalog_vehicle")
        sql("UPDATE catalog_vehicle SET mileage_km = mileage_km + 1")
        repo.check()
        copy = restore_copy(repo, target_time=point, data_dir=base / "restored", port=RESTORED_PORT)
        servers.append(copy.server)
        restored = sql("SELECT count(*), sum(mileage_km) FROM catalog_vehicle", copy.server)
        print(
            f"database {size}, {vehicles} vehicles: full backup {backup_seconds:.1f} s; a commit reached the "
            f"archive unforced after {archive_delay:.1f} s (archive_timeout {ARCHIVE_TIMEOUT_SECONDS} s); "
            f"restore to a point in time {copy.restore_seconds:.1f} s; vehicles at the point "
            f"{'equal' if restored == expected else f'DIFFER: {restored} != {expected}'}"
        )
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
