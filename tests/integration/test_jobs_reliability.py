"""The promises of the ReliableTask base, with real Redis and real worker processes: a SIGKILLed worker
loses no job, a failing task is retried with backoff and then dead-lettered, a dead letter can be
replayed (command and admin action), and a user sees the state of their own tasks only."""

from __future__ import annotations

import uuid

import pytest
from celery import current_app
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from jobs import canaries
from jobs.models import DeadLetter
from jobs.ratelimit import TokenBucket
from jobs.tracking import start_tracked_task
from reliability.backoff import backoff_seconds
from reliability.polling import poll_until
from tests.support.notification_support import (  # noqa: F401
    clean_broker,
    fast_settings,
    make_user,
)

# A worker that gives up on a killed peer's messages within seconds, not the production 35 minutes.
FAST_REDELIVERY = {
    "NZILA_BROKER_VISIBILITY_TIMEOUT": "4",
    "NZILA_BROKER_RESTORE_INTERVAL": "1",
    "NZILA_BROKER_RESTORE_THROTTLE": "1",
}


def send_canary(token: str, **kwargs) -> str:
    return current_app.send_task("jobs.tasks.canary", args=[token], kwargs=kwargs).id


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    for retries in range(8):
        ceiling = min(60.0, 2.0 * 2**retries)
        draws = {backoff_seconds(retries, base=2.0, maximum=60.0) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in draws)
        assert len(draws) > 1  # jittered


def test_token_bucket_is_shared_and_refills(clean_broker):
    bucket = TokenBucket(f"test-{uuid.uuid4().hex}", rate=5, per=1.0)
    assert [bucket.try_take() for _ in range(5)] == [0.0] * 5
    wait = TokenBucket(bucket.name, rate=5, per=1.0).try_take()  # another process' view of the same bucket
    assert 0 < wait <= 0.2
    assert bucket.take(max_wait=1.0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_worker_killed_mid_task_loses_no_job(celery_worker_process, clean_broker, fast_settings):
    token = uuid.uuid4().hex
    first = celery_worker_process("victim", concurrency=2, env=FAST_REDELIVERY)
    sent = {send_canary(token, sleep_seconds=2.5) for _ in range(4)}
    poll_until(lambda: canaries.counts(token)["started"] >= 2, timeout=30, what="two canaries running")
    first.kill()  # SIGKILL to the whole worker: no warm shutdown, no chance to ack or requeue
    assert canaries.counts(token)["finished"] == 0

    celery_worker_process("survivor", concurrency=2, env=FAST_REDELIVERY)
    done = poll_until(
        lambda: sent <= {task_id for task_id, _ in canaries.finished(token)} and sent,
        timeout=90,
        what="every canary to finish after the kill",
    )
    assert done == sent


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_retried_then_dead_lettered_and_replay_works(
    celery_worker_process, clean_broker, fast_settings
):
    token = uuid.uuid4().hex
    celery_worker_process(env={"NZILA_JOBS_MAX_RETRIES": "2"})
    task_id = send_canary(token, fail_times=3)  # three tries, all failing; a fourth would succeed
    letter = poll_until(lambda: DeadLetter.objects.filter(task_id=task_id).first(), timeout=60, what="a dead letter")
    assert canaries.counts(token)["tries"] == 3
    assert letter.task_name == "jobs.tasks.canary" and letter.attempts == 3
    assert letter.exception_type == "reliability.errors.TransientError" and "planned failure 3" in letter.error
    assert letter.args == [token] and letter.kwargs == {"fail_times": 3}

    call_command("dead_letters", "replay", str(letter.id))
    letter.refresh_from_db()
    assert letter.replayed_at is not None and letter.replay_count == 1
    poll_until(lambda: canaries.counts(token)["finished"] == 1, timeout=30, what="the replayed task to finish")
    assert current_app.AsyncResult(letter.replayed_task_id).get(timeout=10)["tries"] == 4


@pytest.mark.django_db(transaction=True)
def test_dead_letters_replay_from_the_admin(celery_worker_process, clean_broker, fast_settings):
    token = uuid.uuid4().hex
    letter = DeadLetter.objects.create(
        task_id="lost-1",
        task_name="jobs.tasks.canary",
        queue="default",
        args=[token],
        kwargs={},
        exception_type="builtins.ConnectionError",
    )
    staff = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    listing = client.get("/admin/jobs/deadletter/")
    assert listing.status_code == 200 and b"jobs.tasks.canary" in listing.content
    response = client.post("/admin/jobs/deadletter/", {"action": "replay_selected", "_selected_action": [letter.id]})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.replayed_task_id
    celery_worker_process()
    poll_until(lambda: canaries.counts(token)["finished"] == 1, timeout=30, what="the replayed task")


@pytest.mark.django_db(transaction=True)
def test_task_status_is_shown_to_its_owner_only(celery_worker_process, clean_broker, fast_settings):
    from django.db import transaction

    owner, stranger = make_user(), make_user()
    with transaction.atomic():
        task_id = start_tracked_task(
            "jobs.tasks.canary", owner=owner, args=[uuid.uuid4().hex], caught_up_by="nothing: a canary"
        )
    celery_worker_process()
    api = APIClient()
    api.force_authenticate(owner)
    body = poll_until(
        lambda: (r := api.get(f"/api/v1/tasks/{task_id}").json()).get("ready") and r,
        timeout=30,
        what="the task to finish",
    )
    assert body["state"] == "SUCCESS" and body["name"] == "jobs.tasks.canary" and body["result"]["tries"] == 1

    api.force_authenticate(stranger)
    assert api.get(f"/api/v1/tasks/{task_id}").status_code == 404
    api.force_authenticate(None)
    assert api.get(f"/api/v1/tasks/{task_id}").status_code in (401, 403)
