"""The web server as the stack runs it (gunicorn with two workers, our logger class, the metrics
directory): no token reaches its logs, and /metrics adds up every worker's requests."""

from __future__ import annotations

import socket
import sys
import time
import uuid

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from localstack.process import port_is_open
from tests.support.processes import start_test_process

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "feedfacefeedfacefeedfacefeedface"
VERIFY = "not-our-verify-token-but-secret-looking"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


METRICS_TOKEN = "gunicorn-test-metrics-token"


@pytest.fixture
def gunicorn(tmp_path):
    port = _free_port()
    access_log = tmp_path / "access.log"
    (tmp_path / "prometheus").mkdir()
    proc = start_test_process(
        f"test-gunicorn-{port}",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "nzila.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            str(access_log),
            "--logger-class",
            "nzila.gunicorn_logging.RedactingLogger",
        ],
        {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"), "NZILA_METRICS_TOKEN": METRICS_TOKEN},
    )
    deadline = time.monotonic() + 60
    while not port_is_open(port):
        assert proc.running() and time.monotonic() < deadline, proc.log_file.read_text(errors="replace")[-3000:]
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", access_log, proc
    proc.stop()


def test_callback_and_verify_tokens_never_reach_a_log(gunicorn):
    url, access_log, proc = gunicorn
    callback = requests.post(f"{url}/api/v1/payments/callbacks/mpesa/{uuid.uuid4()}/{TOKEN}", json={}, timeout=30)
    assert callback.status_code == 404
    handshake = requests.get(
        f"{url}/api/v1/webhooks/whatsapp",
        params={"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"},
        timeout=30,
    )
    assert handshake.status_code == 403
    time.sleep(0.5)  # gunicorn writes the access line after the response
    logged = access_log.read_text() + proc.log_file.read_text(errors="replace")
    assert "/api/v1/payments/callbacks/mpesa/" in logged and "hub.mode=subscribe" in logged
    assert TOKEN not in logged and VERIFY not in logged
    assert logged.count("[redacted]") >= 2


def test_metrics_add_up_the_requests_of_every_worker(gunicorn):
    url, _, _ = gunicorn
    for _ in range(20):  # new connections each time: spread over both workers
        assert requests.get(f"{url}/api/v1/tasks/none", timeout=30).status_code in (401, 403, 404)
    text = requests.get(f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=30).text
    counted = sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "nzila_http_request_duration_seconds_count" and sample.labels["route"] == "task-status"
    )
    assert counted == 20
