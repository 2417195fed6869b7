"""Fixtures shared by every tier. Services start lazily: see tests/support/services.py."""

from __future__ import annotations

import os
import sys
import time

import pytest

from localstack.process import ManagedProcess
from localstack.stack import celery_worker_argv
from reliability.polling import poll_until
from tests.support.processes import start_test_process


@pytest.fixture(autouse=True, scope="session")
def _static_files_collected():
    """Pages name their CSS and JS by hashed names from the manifest, as in production."""
    from tests.support.static_files import collect_static

    collect_static()


@pytest.fixture(autouse=True)
def _language_back_to_default():
    """A page asked for in French leaves French active in this thread; the next test starts without it."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def celery_worker_process(request):
    """A real Celery worker process on the test broker, stopped (or killed) at the end of the test.

    Yields a ManagedProcess so a test can SIGKILL it and start another.
    """
    workers: list[ManagedProcess] = []

    def start(
        name: str = "worker", queues: str = "high,default,low", concurrency: int = 2, env: dict[str, str] | None = None
    ) -> ManagedProcess:
        unique = f"{name}-{os.getpid()}-{len(workers)}"
        proc = start_test_process(
            f"test-{unique}",
            celery_worker_argv(unique, queues=queues, concurrency=concurrency, python=sys.executable),
            env,
        )
        workers.append(proc)
        _wait_for_worker_ready(proc)
        return proc

    yield start
    for proc in workers:
        proc.stop(timeout=20)


def _wait_for_worker_ready(proc: ManagedProcess, timeout: float = 60) -> None:
    poll_until(
        lambda: proc.log_file.exists() and " ready." in proc.log_file.read_text(errors="replace"),
        timeout=timeout,
        what=f"worker {proc.name} ready",
        interval=0.2,
        give_up=lambda: None if proc.running() else f"died:\n{proc.log_file.read_text(errors='replace')[-3000:]}",
    )
