"""Celery worker and beat processes of a benchmark, started by process id from this checkout."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from localstack.paths import PYTHONPATH
from localstack.process import ManagedProcess

ROOT = Path(__file__).resolve().parents[1]


def celery_process(prefix: str, kind: str, args: list[str], env: dict[str, str]) -> ManagedProcess:
    """Start `celery -A nzila <kind> <args>` with the benchmark's environment; a fresh log each run."""
    proc = ManagedProcess(
        f"{prefix}-{kind}-{os.getpid()}",
        [sys.executable, "-m", "celery", "-A", "nzila", kind, *args],
        env={"PYTHONPATH": PYTHONPATH, **env},
        cwd=ROOT,
    )
    proc.log_file.unlink(missing_ok=True)
    proc.start()
    return proc
