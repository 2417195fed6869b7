"""Child processes of the tests (Celery workers, beat, the change listener) on the session's settings."""

from __future__ import annotations

from django.db import connection

from localstack.paths import PYTHONPATH, ROOT
from localstack.process import ManagedProcess


def start_test_process(name: str, argv: list[str], env: dict[str, str] | None = None) -> ManagedProcess:
    """Start argv with the test settings and this session's database (plus env), on a fresh log."""
    proc = ManagedProcess(
        name,
        argv,
        env={
            "PYTHONPATH": PYTHONPATH,
            "DJANGO_SETTINGS_MODULE": "nzila.test_settings",
            "NZILA_DB_NAME": connection.settings_dict["NAME"],
            **(env or {}),
        },
        cwd=ROOT,
    )
    proc.log_file.unlink(missing_ok=True)
    proc.start()
    return proc
