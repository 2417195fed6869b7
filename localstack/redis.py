"""Redis 7 from Debian's packages, on loopback, with an append-only file so a restart loses no message."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .paths import VAR_DIR
from .process import ManagedProcess, ServiceError, exclusive, port_is_open, wait_until
from .system import require_command


@dataclass
class Redis:
    port: int = int(os.environ.get("NZILA_REDIS_PORT", 6379))
    data_dir: Path = VAR_DIR / "redis"

    @property
    def process(self) -> ManagedProcess:
        return ManagedProcess(
            f"redis-{self.port}",
            [
                require_command("redis-server", "redis-server"),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.data_dir),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
                "--protected-mode",
                "yes",
                "--daemonize",
                "no",
            ],
        )

    def running(self) -> bool:
        return self.process.running()

    def start(self) -> None:
        with exclusive(f"redis-{self.port}"):
            self._start()

    def _start(self) -> None:
        if self.running():
            return
        if port_is_open(self.port):
            raise ServiceError(
                f"Port {self.port} is taken by another process; Redis needs it. "
                f"Stop that process or set NZILA_REDIS_PORT to a free port."
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        proc = self.process
        proc.start()
        wait_until(lambda: port_is_open(self.port), timeout=20, what="Redis", log=proc.log_file, alive=proc.running)

    def stop(self) -> bool:
        return self.process.stop()
