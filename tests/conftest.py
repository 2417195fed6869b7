"""Fixtures shared by every test module: the real services, started the way the stack starts them."""

from __future__ import annotations

import os
import sys
import time

import pytest

from services.engine import Engine
from services.postgres import Postgres
from services.process import ManagedProcess
from services.redis import Redis
from services.secrets_file import ensure as ensure_secrets
from tests.processes import start_test_process


def pytest_configure(config):
    # Real services, started (or found running) before Django opens its first connection. An
    # external engine (ELASTICSEARCH_URL pointing elsewhere) is used as it is. The checkout's secrets
    # first: the database role's password is one of them.
    ensure_secrets()
    Postgres().start()
    Redis().start()
    if "ELASTICSEARCH_URL" not in os.environ:
        Engine().start()


@pytest.fixture
def celery_worker_process(request):
    """A real Celery worker process on the test broker, stopped (or killed) at the end of the test.

    Yields a ManagedProcess so a test can SIGKILL it and start another.
    """
    workers: list[ManagedProcess] = []

    def start(
        name: str = "worker", queues: str = "high,default,low", concurrency: int = 2, env: dict[str, str] | None = None
    ) -> ManagedProcess:
        proc = start_test_process(
            f"test-{name}-{os.getpid()}-{len(workers)}",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "nzila",
                "worker",
                "-Q",
                queues,
                "-c",
                str(concurrency),
                "--pool",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{name}-{os.getpid()}-{len(workers)}@%h",
                "--loglevel",
                "INFO",
            ],
            env,
        )
        workers.append(proc)
        _wait_for_worker_ready(proc)
        return proc

    yield start
    for proc in workers:
        proc.stop(timeout=20)


def _wait_for_worker_ready(proc: ManagedProcess, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.log_file.exists() and " ready." in proc.log_file.read_text(errors="replace"):
            return
        if not proc.running():
            raise RuntimeError(f"worker {proc.name} died:\n{proc.log_file.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    raise RuntimeError(f"worker {proc.name} not ready after {timeout}s")
