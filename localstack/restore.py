"""Restore the system of record to a point in time, as a copy beside the running one.

python -m localstack.restore --to "2026-12-07 06:03:18+00" --data-dir var/restored --port 5433

The newest backup before that time is copied into a fresh data folder, the archived WAL is replayed
up to the time, and the copy is promoted and started on its own port, without archiving (it must
never write into the original's repository). docs/operations.md has the whole runbook: checking the
copy, switching the platform to it, and rebuilding the search index from it.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .paths import VAR_DIR
from .pgbackrest import LOCAL, BackupRepo
from .postgres import Postgres
from .process import ServiceError, port_is_open


@dataclass
class RestoredCopy:
    server: Postgres
    restore_seconds: float  # from the first byte copied to a promoted server that takes writes


def restore_copy(repo: BackupRepo, *, target_time: str | None, data_dir: Path, port: int) -> RestoredCopy:
    """The cluster as it was at `target_time` (None: as far as the archive goes), running on `port`."""
    if data_dir.exists() and any(data_dir.iterdir()):
        raise ServiceError(f"{data_dir} is not empty: a restore goes into a fresh folder")
    if port_is_open(port):
        raise ServiceError(f"Port {port} is taken; choose another with --port")
    started = time.monotonic()
    repo.restore(pg_data=data_dir, target_time=target_time)
    server = Postgres(port=port, data_dir=data_dir, backups=None)
    server.start()  # waits until recovery reached the target and the copy promoted itself
    return RestoredCopy(server, time.monotonic() - started)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m localstack.restore", description=__doc__.split("\n\n")[0])
    parser.add_argument("--to", dest="target_time", help="a time with its zone, e.g. '2026-12-07 06:03:18+00'")
    parser.add_argument("--data-dir", type=Path, default=VAR_DIR / "restored", help="a fresh folder (var/restored)")
    parser.add_argument("--port", type=int, default=5433, help="port of the restored copy (5433)")
    args = parser.parse_args(argv)
    try:
        copy = restore_copy(LOCAL, target_time=args.target_time, data_dir=args.data_dir.resolve(), port=args.port)
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"restored to {args.target_time or 'the end of the archive'} in {copy.restore_seconds:.1f} s: "
        f"port {args.port}, data {args.data_dir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
