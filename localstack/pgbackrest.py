"""pgBackRest (Debian package `pgbackrest`): continuous WAL archiving and base backups of a cluster.

One `BackupRepo` is a pgBackRest configuration file, its repository folder and one stanza (the
cluster it backs up). The local stack's is under var/backups/ (`LOCAL`); the restore drill makes its
own. Every command runs as the cluster's owner (`postgres`) when we are root, so the files that
`archive-push` (run by the server) and `backup` (run by beat's task) write belong to one user.

Why pgBackRest rather than WAL-G: it is a Debian package (WAL-G is not: it would be built from Go
sources), it restores to a point in time in one command (`restore --type=time`), keeps retention
itself (`expire` runs after each backup), verifies the archive and the backups (`check`, checksums
of every file) and answers `info --output=json`, which health and /metrics read.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .paths import VAR_DIR
from .process import ServiceError
from .system import require_command

OS_USER = "postgres"
LOCAL_DIR = VAR_DIR / "backups"
LOCAL_STANZA = "nzila"
# Postgres includes this file from its postgresql.conf; it is rewritten at each start of the server.
ARCHIVING_CONF = "archiving.conf"
# An idle server still archives what it committed within this many seconds: the recovery point when
# little is written (a busy one fills and archives 16 MB segments sooner).
ARCHIVE_TIMEOUT_SECONDS = 60


def command() -> str:
    return require_command("pgbackrest", "pgbackrest")


def as_owner(argv: list[str]) -> list[str]:
    """The argv run as the cluster's owner when we are root (the server refuses root anyway)."""
    return ["runuser", "-u", OS_USER, "--", *argv] if os.geteuid() == 0 else argv


@dataclass(frozen=True)
class BackupRepo:
    folder: Path
    stanza: str = LOCAL_STANZA

    @property
    def config_file(self) -> Path:
        return self.folder / "pgbackrest.conf"

    @property
    def repo_path(self) -> Path:
        return self.folder / "repo"

    def write_config(self, *, pg_data: Path, pg_port: int) -> None:
        """The configuration and the folders pgBackRest writes to, owned by the cluster's owner."""
        for sub in ("repo", "log", "lock", "spool"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(
            "[global]\n"
            f"repo1-path={self.repo_path}\n"
            f"log-path={self.folder / 'log'}\n"
            f"lock-path={self.folder / 'lock'}\n"
            f"spool-path={self.folder / 'spool'}\n"
            # lz4: the fastest of the compressions pgBackRest offers, for a 2-core machine.
            "compress-type=lz4\n"
            # A backup starts with an immediate checkpoint instead of waiting for the next one.
            "start-fast=y\n"
            "process-max=2\n"
            "log-level-console=warn\n"
            "log-level-file=info\n"
            f"\n[{self.stanza}]\n"
            f"pg1-path={pg_data}\n"
            f"pg1-port={pg_port}\n"
            # The server listens on a socket in its data folder (-k), reached as the postgres user.
            f"pg1-socket-path={pg_data}\n"
        )
        if os.geteuid() == 0:
            # The folders and the file; what pgBackRest writes inside them is the owner's already.
            for path in [self.folder, *self.folder.iterdir()]:
                shutil.chown(path, OS_USER, OS_USER)

    def archiving_settings(self) -> str:
        """The lines of postgresql.conf that send every finished WAL segment to the repository."""
        push = shlex.join([command(), f"--config={self.config_file}", f"--stanza={self.stanza}", "archive-push"])
        quoted = push.replace("'", "''")  # a quote in a path, inside postgresql.conf's quotes
        return (
            "archive_mode = on\n"
            f"archive_command = '{quoted} %p'\n"
            f"archive_timeout = {ARCHIVE_TIMEOUT_SECONDS}\n"
            # Enough WAL detail to restore from (the default, said here because archiving needs it).
            "wal_level = replica\n"
        )

    def run(self, *args: str, timeout: float = 3600) -> str:
        """One pgBackRest command on this stanza; a ServiceError carries what it said."""
        argv = as_owner([command(), f"--config={self.config_file}", f"--stanza={self.stanza}", *args])
        try:
            result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise ServiceError(f"pgbackrest {args[0]} did not finish in {timeout:g} s") from exc
        if result.returncode != 0:
            said = (result.stderr or result.stdout).strip()[-2000:]
            raise ServiceError(f"pgbackrest {args[0]} failed (exit {result.returncode}): {said}")
        return result.stdout

    def create_stanza(self) -> None:
        """Idempotent: an existing stanza of the same cluster is left as it is."""
        self.run("stanza-create")

    def check(self) -> None:
        """Switches to a new WAL segment and waits until the archive has it: everything committed
        before the call is then in the repository."""
        self.run("check")

    def backup(self, kind: str, *, retention_full: int, retention_diff: int, timeout: float = 4 * 3600) -> None:
        """A base backup (`full`, `diff` or `incr`), then `expire` by the retention given: full backups
        kept, differential backups kept, and the WAL the kept backups need."""
        self.run(
            "backup",
            f"--type={kind}",
            f"--repo1-retention-full={retention_full}",
            f"--repo1-retention-diff={retention_diff}",
            timeout=timeout,
        )

    def info(self) -> dict:
        """The stanza's entry of `pgbackrest info --output=json` ({} when the repository is empty)."""
        said = self.run("info", "--output=json", timeout=60)
        try:
            stanzas = json.loads(said or "[]")
        except ValueError as exc:
            raise ServiceError(f"pgbackrest info answered something other than JSON: {said[:200]!r}") from exc
        return next((s for s in stanzas if s.get("name") == self.stanza), {})

    def restore(self, *, pg_data: Path, target_time: str | None = None, archive_mode: str = "off") -> None:
        """The newest backup into an empty `pg_data`, replaying the archive up to `target_time` (a
        timestamp with its zone) then promoting, or to the end of the archive when None.

        `archive_mode="off"`: the restored server does not archive, so a copy started beside the
        original never writes into the original's repository."""
        pg_data.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(pg_data, OS_USER, OS_USER)
        pg_data.chmod(0o700)
        target = ["--type=time", f"--target={target_time}", "--target-action=promote"] if target_time else []
        self.run("restore", f"--pg1-path={pg_data}", f"--archive-mode={archive_mode}", *target)


LOCAL = BackupRepo(LOCAL_DIR)


def good_backups(info: dict) -> list[dict]:
    """The stanza's finished backups without page errors, oldest first (pgBackRest lists only
    backups whose WAL reached the archive: each can be restored)."""
    return [b for b in info.get("backup", []) if not b.get("error")]
