"""Starting, tracking and stopping one background process by its pid file."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reliability.polling import PollTimeout, poll_until

from .paths import LOG_DIR, RUN_DIR


class ServiceError(RuntimeError):
    """A service could not start or stop; the message says why in plain words."""


@contextlib.contextmanager
def exclusive(name: str):
    """Serialise start-up of one service across processes (two test runs starting the engine at once)."""
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    with open(RUN_DIR / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers signal 0; treat it as gone.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def log_tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until(
    check: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    log: Path | None = None,
    alive: Callable[[], bool] | None = None,
) -> None:
    """Wait for a service to become ready; a ServiceError carries the end of its log."""
    try:
        poll_until(
            check,
            timeout=timeout,
            what=what,
            interval=0.2,
            give_up=None if alive is None else lambda: None if alive() else "exited during start-up",
        )
    except PollTimeout as exc:
        raise ServiceError(f"{exc}. Last lines of {log}:\n{log_tail(log) if log else ''}") from None


@dataclass
class ManagedProcess:
    """A long-running child process started in its own session and tracked by a pid file."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None

    @property
    def pid_file(self) -> Path:
        return RUN_DIR / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return LOG_DIR / f"{self.name}.log"

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if pid_alive(pid) else None

    def running(self) -> bool:
        return self.pid() is not None

    def start(self) -> int:
        existing = self.pid()
        if existing:
            return existing
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **self.env},
                cwd=self.cwd,
                start_new_session=True,
            )
        self.pid_file.write_text(str(proc.pid))
        return proc.pid

    def signal(self, signum: int) -> None:
        pid = self.pid()
        if pid:
            # The process leads its own session: signal the group so its children go too.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signum)

    def stop(self, timeout: float = 30.0) -> bool:
        pid = self.pid()
        if not pid:
            self.pid_file.unlink(missing_ok=True)
            return False
        self.signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and pid_alive(pid):
            time.sleep(0.1)
        if pid_alive(pid):
            self.signal(signal.SIGKILL)
            while pid_alive(pid):
                time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)
        return True

    def kill(self) -> None:
        """SIGKILL the whole group at once: a crash, not a shutdown."""
        pid = self.pid()
        self.signal(signal.SIGKILL)
        while pid and pid_alive(pid):
            time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)
