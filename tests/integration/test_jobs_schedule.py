"""Every entry of the beat schedule names a task the Celery app has registered, and that task runs in a
real worker against the test database without error; beat itself sends them, and each run is recorded
for the staff endpoint."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import current_app
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from indexers.rebuild import ensure_index
from jobs.models import ScheduleRun
from reliability.polling import poll_until
from tests.support.notification_support import (  # noqa: F401
    beat_process,
    clean_broker,
    fast_settings,
    make_deal,
    make_shipment,
    make_user,
)

ENTRIES = sorted(settings.CELERY_BEAT_SCHEDULE.items())


@pytest.mark.parametrize("entry, spec", ENTRIES, ids=[name for name, _ in ENTRIES])
def test_schedule_entry_names_a_registered_task(entry, spec):
    current_app.loader.import_default_modules()
    assert spec["task"] in current_app.tasks, f"{entry}: no task named {spec['task']}"
    route = current_app.amqp.router.route({}, spec["task"])
    assert route["queue"].name in {q.name for q in settings.CELERY_TASK_QUEUES}


@pytest.fixture
def exchange_rate_source():
    """The exchange-rate source on loopback, answering in the shape the refresh task reads."""
    body = json.dumps(
        {"result": "success", "base_code": "USD", "rates": {"USD": 1, "KES": 129.1, "NGN": 1548.2, "EUR": 0.92}}
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v6/latest/USD"
    server.shutdown()


@pytest.mark.django_db(transaction=True)
@pytest.mark.engine
def test_every_scheduled_task_runs_in_a_real_worker(
    celery_worker_process, clean_broker, fast_settings, exchange_rate_source
):
    from sales.models import Deal

    ensure_index()  # as the stack's start-up does: the sync jobs expect the vehicle index to exist
    # Something for each job to chew on: a stalled deal, a delayed shipment, vehicles.
    deal = make_deal(commission_rate="0.05", stage="paid")
    Deal.objects.filter(pk=deal.pk).update(stage="negotiation", stage_changed_at=timezone.now() - timedelta(days=30))
    make_shipment(deal=deal, eta=timezone.now() - timedelta(days=2), status="in_transit")
    celery_worker_process(env={"NZILA_PAYMENTS_FX_URL": exchange_rate_source}, concurrency=2)
    for _, spec in ENTRIES:
        current_app.send_task(spec["task"])

    # Some of these tasks keep no result, so their outcome is read where the worker records every
    # scheduled run: the ScheduleRun table the staff endpoint shows.
    tasks = {spec["task"] for _, spec in ENTRIES}

    def finished():
        runs = {r.task_name: r for r in ScheduleRun.objects.filter(task_name__in=tasks, runs__gte=1)}
        return (
            runs if set(runs) == tasks and all(r.last_state in ("SUCCESS", "FAILURE") for r in runs.values()) else None
        )

    runs = poll_until(finished, timeout=240, interval=0.5, what="every scheduled task to run once")
    failures = {
        name: f"{r.last_state}: {r.last_error}" for name, r in runs.items() if r.last_state != "SUCCESS" or r.failures
    }
    assert not failures, failures


@pytest.mark.django_db(transaction=True)
def test_a_message_queued_under_a_moved_task_s_old_name_still_runs(celery_worker_process, clean_broker, fast_settings):
    """sales' and catalog's jobs were registered as jobs.tasks.<name>: a message already queued under
    such a name when the new code starts (or a dead letter replayed by name) runs the same task."""
    from jobs.models import FollowUpMark
    from sales import stalled_deals
    from sales.models import Deal

    deal = make_deal(commission_rate="0.05", stage="paid")
    Deal.objects.filter(pk=deal.pk).update(stage="negotiation", stage_changed_at=timezone.now() - timedelta(days=30))
    celery_worker_process()
    sent = {
        "jobs.tasks.follow_up_stalled_deals": current_app.send_task(
            "jobs.tasks.follow_up_stalled_deals", args=[[deal.pk]], queue="default"
        ),
        "jobs.tasks.check_price_changes": current_app.send_task("jobs.tasks.check_price_changes", queue="low"),
    }
    results = {name: result.get(timeout=60) for name, result in sent.items()}
    assert results["jobs.tasks.follow_up_stalled_deals"] >= 1
    assert FollowUpMark.objects.filter(kind=stalled_deals.KIND, object_id=deal.pk).exists()
    assert isinstance(results["jobs.tasks.check_price_changes"], int)


@pytest.mark.django_db(transaction=True)
def test_beat_sends_due_tasks_and_each_run_is_recorded(
    celery_worker_process, beat_process, clean_broker, fast_settings
):
    env = {"NZILA_OUTBOX_SWEEP_SECONDS": "0.5", "NZILA_DELIVERY_SWEEP_SECONDS": "0.5"}
    celery_worker_process(env=env)
    beat_process(env=env)
    run = poll_until(
        lambda: ScheduleRun.objects.filter(task_name="notifications.tasks.dispatch_outbox", runs__gte=3).first(),
        timeout=60,
        what="three outbox sweeps",
    )
    assert run.last_state == "SUCCESS" and run.failures == 0 and run.last_finished_at >= run.last_started_at

    staff = make_user(is_staff=True)
    api = APIClient()
    api.force_authenticate(staff)
    overview = api.get("/api/v1/ops/jobs").json()
    assert set(overview["queues"]) == {"high", "default", "low", "unacked"}
    sweep = overview["schedules"]["notifications-outbox"]
    assert sweep["runs"] >= 3 and sweep["last_state"] == "SUCCESS"
    assert overview["failures"]["tasks"]["notifications.tasks.dispatch_outbox"]["succeeded"] >= 3
    assert overview["schedules"]["stalled-deals"]["last_started_at"] is None  # 09:00 has not come in this test
    assert "dead_letters" in overview and "channels" in overview["delivery"]
    api.force_authenticate(make_user())
    assert api.get("/api/v1/ops/jobs").status_code == 403


@pytest.mark.django_db
def test_failure_rates_above_the_threshold_raise_an_alert(clean_broker):
    from jobs.monitoring import count_outcome
    from jobs.overview import failure_rates

    for _ in range(19):
        count_outcome("jobs.tasks.steady", "succeeded")
        count_outcome("jobs.tasks.flaky", "succeeded")
    count_outcome("jobs.tasks.steady", "retried")
    count_outcome("jobs.tasks.flaky", "failed")  # 1 in 20: 5 %, not above it
    count_outcome("jobs.tasks.flaky", "failed")  # 2 in 21: above
    rates = failure_rates()
    assert rates["tasks"]["jobs.tasks.steady"] == {
        "succeeded": 19,
        "failed": 0,
        "retried": 1,
        "failure_rate": 0.0,
        "alert": False,
    }
    assert rates["tasks"]["jobs.tasks.flaky"]["failure_rate"] == round(2 / 21, 4)
    assert rates["tasks"]["jobs.tasks.flaky"]["alert"] is True and rates["alert"] is False  # 2 of 40 overall


@pytest.mark.parametrize("dsn, expected", [("", "off"), ("https://public@127.0.0.1:9/1", "on")])
def test_sentry_is_initialised_only_with_a_dsn(dsn, expected):
    import os
    import subprocess
    import sys

    from localstack.paths import PYTHONPATH, ROOT

    probe = (
        "import sys, django; django.setup(); import sentry_sdk; "
        "print('on' if sentry_sdk.get_client().is_active() else 'off')"
    )
    if not dsn:
        probe = "import sys, django; django.setup(); print('on' if 'sentry_sdk' in sys.modules else 'off')"
    env = {**os.environ, "PYTHONPATH": PYTHONPATH, "DJANGO_SETTINGS_MODULE": "nzila.settings", "SENTRY_DSN": dsn}
    out = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == expected, out.stderr[-2000:]
