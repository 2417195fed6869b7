"""The real services a tier needs, started (or found running) once, only when a test of that tier runs.

A tier's conftest imports `real_services`; tests/unit/ does not, so it runs with nothing started.
"""

from __future__ import annotations

import os

import pytest

from localstack.engine import Engine
from localstack.postgres import Postgres
from localstack.redis import Redis


@pytest.fixture(scope="session", autouse=True)
def real_services():
    # Before Django opens its first connection (autouse fixtures come first). An external engine
    # (ELASTICSEARCH_URL pointing elsewhere) is used as it is.
    # Started by the tests (CI, or before any `bin/setup`), the cluster does not archive: a test run
    # writes gigabytes of WAL that nobody will restore. The stack's start archives (docs/operations.md);
    # the restore drill archives a cluster of its own.
    Postgres(backups=None).start()
    Redis().start()
    if "ELASTICSEARCH_URL" not in os.environ:
        Engine().start()
