"""PostgreSQL 15 from Debian's packages: a cluster of the project's own under var/, on loopback.

The server refuses to run as root, so the cluster belongs to the `postgres` system user that the
Debian package creates, and every server command runs as that user.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from . import pgbackrest, secrets_file
from .paths import LOG_DIR, VAR_DIR
from .process import ServiceError, exclusive, pid_alive, port_is_open, wait_until
from .system import apt_install

DB_USER = os.environ.get("NZILA_DB_USER", "nzila")
DB_NAME = os.environ.get("NZILA_DB_NAME", "nzila")


def bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        apt_install("postgresql", "postgresql-contrib")
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise ServiceError("PostgreSQL is not installed and apt-get could not install it")
    return Path(found[-1]).parent


def as_postgres(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *argv], check=True, capture_output=True, text=True, **kwargs
    )


@dataclass
class Postgres:
    port: int = int(os.environ.get("NZILA_DB_PORT", 5432))
    data_dir: Path = VAR_DIR / "postgres"
    # Where its WAL is archived and its base backups go (None: not backed up, e.g. a restored copy).
    backups: pgbackrest.BackupRepo | None = pgbackrest.LOCAL

    @property
    def log_file(self) -> Path:
        return LOG_DIR / f"postgres-{self.port}.log"

    def postmaster_pid(self) -> int | None:
        """The server's pid from its own pid file (read as root: no need to reach the folder as postgres)."""
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if pid_alive(pid) else None

    def running(self) -> bool:
        return self.postmaster_pid() is not None

    def start(self) -> None:
        with exclusive(f"postgres-{self.port}"):
            self._start()

    def _start(self) -> None:
        if self.running():
            # The installation's password may be newer than the role's (secrets generated since).
            self._set_role_password()
            return
        if port_is_open(self.port):
            raise ServiceError(
                f"Port {self.port} is taken by another process; PostgreSQL needs it. "
                f"Stop that process or set NZILA_DB_PORT to a free port."
            )
        bins = bin_dir()
        self._init_cluster(bins)
        if self.backups is not None:
            self._configure_archiving()
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        shutil.chown(LOG_DIR, "postgres")
        try:
            as_postgres(
                [
                    str(bins / "pg_ctl"),
                    "start",
                    "-w",
                    "-t",
                    "60",
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.log_file),
                    "-o",
                    f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1",
                ]
            )
        except subprocess.CalledProcessError as exc:
            raise ServiceError(
                f"PostgreSQL failed to start: {exc.stderr.strip()}\n{self.log_file} says:\n"
                + self.log_file.read_text(errors="replace")[-2000:]
            ) from exc
        wait_until(lambda: port_is_open(self.port), timeout=30, what="PostgreSQL", log=self.log_file)
        # A restored data folder answers read-only while it replays the archive, then promotes itself.
        wait_until(self.writable, timeout=3600, what="PostgreSQL recovery", log=self.log_file)
        self._ensure_role_and_database()
        if self.backups is not None:
            self.backups.create_stanza()

    def _set_role_password(self) -> None:
        # Generated token_urlsafe values hold no quote; doubling quotes keeps a hand-set one safe too.
        password = secrets_file.value("NZILA_DB_PASSWORD", "nzila").replace("'", "''")
        self.psql(f"ALTER ROLE {DB_USER} PASSWORD '{password}'")

    def writable(self) -> bool:
        try:
            return self.psql("SELECT pg_is_in_recovery()") == "f"
        except subprocess.CalledProcessError:
            return False  # still starting up ("the database system is starting up")

    def stop(self, timeout: float = 60) -> bool:
        pid = self.postmaster_pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown: roll back sessions, checkpoint, exit
        wait_until(lambda: not pid_alive(pid), timeout=timeout, what="PostgreSQL shutdown", log=self.log_file)
        return True

    def psql(self, sql: str, database: str = "postgres") -> str:
        return as_postgres(
            [
                str(bin_dir() / "psql"),
                "-h",
                str(self.data_dir),
                "-p",
                str(self.port),
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-tAc",
                sql,
            ]
        ).stdout.strip()

    def _configure_archiving(self) -> None:
        """Archiving to the backup repository, written at each start (a server that runs already keeps
        what it started with: archive_mode changes only with a restart)."""
        self.backups.write_config(pg_data=self.data_dir, pg_port=self.port)
        settings_file = self.data_dir / pgbackrest.ARCHIVING_CONF
        settings_file.write_text(self.backups.archiving_settings())
        shutil.chown(settings_file, "postgres", "postgres")
        conf = self.data_dir / "postgresql.conf"
        include = f"include_if_exists = '{pgbackrest.ARCHIVING_CONF}'"
        if include not in conf.read_text():
            with open(conf, "a") as out:
                out.write(f"\n{include}\n")

    def _init_cluster(self, bins: Path) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            return
        if self.backups is not None and any(self.backups.repo_path.glob("*")):
            # The repository holds another cluster's history (its system id differs): a new cluster
            # starts a new repository; the old one is kept aside, never overwritten.
            self.backups.repo_path.rename(
                self.backups.repo_path.with_name(f"repo-before-{time.strftime('%Y%m%d%H%M%S')}")
            )
        # The postgres user must be able to reach the data folder through every parent.
        self.data_dir.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.data_dir, "postgres", "postgres")
        for parent in [self.data_dir.parent, *self.data_dir.parent.parents]:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)
        as_postgres(
            [
                str(bins / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            # A development cluster: durable commits, but sized for a 2-core laptop.
            conf.write(
                "\nshared_buffers = 512MB\nmax_connections = 200\nwork_mem = 16MB\n"
                "maintenance_work_mem = 256MB\nmax_wal_size = 4GB\n"
            )

    def _ensure_role_and_database(self) -> None:
        if not self.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{DB_USER}'"):
            self.psql(f"CREATE ROLE {DB_USER} LOGIN CREATEDB")
        self._set_role_password()
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"):
            self.psql(f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}")


def copy_database(*, source: dict, into: Postgres, name: str, dump: Path) -> None:
    """Database `source["NAME"]` of a running server (Django's HOST, PORT, USER, PASSWORD keys), copied
    into a database `name` of `into` (made if missing, owned by the stack's role) through a dump file."""
    subprocess.run(
        [str(bin_dir() / "pg_dump"), "-Fc", "-h", source["HOST"], "-p", str(source["PORT"]), "-U", source["USER"]]
        + ["-f", str(dump), source["NAME"]],
        check=True,
        env={"PGPASSWORD": source["PASSWORD"], "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    dump.chmod(0o644)  # read by pg_restore as the postgres user
    if not into.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        into.psql(f"CREATE DATABASE {name} OWNER {DB_USER}")
    as_postgres(
        [str(bin_dir() / "pg_restore"), "-h", str(into.data_dir), "-p", str(into.port), "-d", name]
        + ["--no-acl", "-j", "2", str(dump)]
    )
