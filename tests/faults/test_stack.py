"""The local stack's start and stop commands, on ports and a state folder of this test's own."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from localstack import secrets_file
from localstack.paths import ROOT, VAR_DIR
from localstack.process import port_is_open

pytestmark = pytest.mark.slow

# Every port the stack opens, beside those of a dev stack running on the same machine.
PORTS = {
    "NZILA_DB_PORT": 5442,
    "NZILA_REDIS_PORT": 6392,
    "NZILA_ENGINE_PORT": 9270,
    "NZILA_WEB_PORT": 8010,
    "NZILA_STRIPE_PORT": 8520,
    "NZILA_SIMULATOR_PORT": 8530,
}


def stack(command: str, var_dir, *extra: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "NZILA_VAR_DIR": str(var_dir),
        "NZILA_DB_NAME": "nzila",
        "NZILA_INDEX_PREFIX": "stacktest",
        **{key: str(value) for key, value in PORTS.items()},
    }
    # The stack's own settings, not the test run's (the tests keep no backup repository of their own).
    for key in (
        "DJANGO_SETTINGS_MODULE",
        "ELASTICSEARCH_URL",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "NZILA_BACKUP_DIR",
    ):
        env.pop(key, None)
    return subprocess.run(
        [sys.executable, "-m", "localstack.stack", command, *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def var_dir():
    # Not under pytest's tmp folder: pytest resets that folder to mode 700 when another run starts,
    # and the PostgreSQL server (user postgres) must keep reaching its data folder.
    path = Path(tempfile.mkdtemp(prefix="stack-test-", dir=VAR_DIR))
    yield path
    stack("down", path)
    shutil.rmtree(path, ignore_errors=True)


def test_up_is_idempotent_serves_the_api_and_down_stops_everything(var_dir):
    first = stack("up", var_dir, "--no-demo-data")
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"http://127.0.0.1:{PORTS['NZILA_WEB_PORT']}/" in first.stdout
    # Health's details need the metrics token: the stack's processes take it from the environment they
    # inherit when it is set there (this test process's own), else from the stack's secrets file.
    token = os.environ.get("NZILA_METRICS_TOKEN") or secrets_file.read(var_dir / "secrets.env")["NZILA_METRICS_TOKEN"]
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORTS['NZILA_WEB_PORT']}/api/v1/health", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        health = json.load(resp)
    assert health["engine"]["reachable"] and health["database"]["reachable"]
    # The stack's Postgres archives its WAL to the stack's own backup repository (var/backups).
    assert health["backups"]["configured"] and health["backups"]["wal_archive"]["mode"] == "on", health["backups"]
    assert (var_dir / "backups" / "pgbackrest.conf").exists()
    pids = {p.stem: int(p.read_text()) for p in (var_dir / "run").glob("*.pid")}
    assert {"worker", "beat", "web", "search-listener"} <= set(pids)

    second = stack("up", var_dir, "--no-demo-data")
    assert second.returncode == 0, second.stderr
    assert {p.stem: int(p.read_text()) for p in (var_dir / "run").glob("*.pid")} == pids  # nothing restarted

    assert stack("status", var_dir).returncode == 0
    down = stack("down", var_dir)
    assert down.returncode == 0, down.stderr
    for port in PORTS.values():
        assert not port_is_open(port), f"port {port} still open after down"
    for pid in pids.values():
        assert not os.path.exists(f"/proc/{pid}") or Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    assert stack("status", var_dir).returncode == 1


def test_a_taken_port_gives_a_readable_error(var_dir):
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", PORTS["NZILA_REDIS_PORT"]))
        squatter.listen()
        result = stack("up", var_dir, "--no-demo-data")
    assert result.returncode == 1
    assert f"Port {PORTS['NZILA_REDIS_PORT']} is taken" in result.stderr
    assert "Traceback" not in result.stderr
