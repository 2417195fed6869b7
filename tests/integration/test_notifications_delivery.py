"""End to end through real processes: a committed change → outbox → worker → the WhatsApp simulator
and a real SMTP server, and signed status webhooks back into the message log."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections, transaction

from jobs.deadletters import replay
from jobs.models import DeadLetter
from notifications.events import emit
from notifications.models import Message
from notifications.sending import send_logged_message
from reliability.polling import poll_until
from tests.support.notification_support import (  # noqa: F401
    beat_process,
    clean_broker,
    fast_settings,
    mail_to,
    make_buyer,
    make_deal,
    quiet_all_day,
    smtp_server,
    whatsapp,
)

FAST_SWEEPS = {"NZILA_OUTBOX_SWEEP_SECONDS": "0.5", "NZILA_DELIVERY_SWEEP_SECONDS": "0.5"}
pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def webhooks_to_app(whatsapp, live_server):
    whatsapp.webhook_url = f"{live_server.url}/api/v1/webhooks/whatsapp"
    return whatsapp


def test_a_new_deal_reaches_the_buyer_on_whatsapp_and_email(
    webhooks_to_app, mail_to, celery_worker_process, beat_process, clean_broker
):
    sim = webhooks_to_app
    buyer = make_buyer(phone="+254712000001", email="amina@example.test")
    quiet_all_day(buyer.user)
    celery_worker_process(env=FAST_SWEEPS)
    beat_process(env=FAST_SWEEPS)
    with transaction.atomic():  # the deal's trigger writes the event; the beat's outbox sweep picks it up
        deal = make_deal(buyer=buyer)

    sent = poll_until(lambda: sim.messages_to("254712000001"), timeout=60, what="the WhatsApp message")
    template = sent[0]["body"]["template"]
    assert template["name"] == "deal_confirmation"
    assert [p["text"] for p in template["components"][0]["parameters"]] == [
        buyer.full_name,
        "2018 Toyota Corolla GLi",
        "USD 12,000",
        str(deal.id),
    ]
    mail = poll_until(lambda: mail_to.to("amina@example.test"), timeout=30, what="the e-mail")
    assert mail[0]["Subject"] == f"Your deal #{deal.id} is confirmed"

    logged = Message.objects.get(user=buyer.user, channel="whatsapp")
    poll_until(
        lambda: Message.objects.filter(pk=logged.pk, status="delivered").exists(),
        timeout=30,
        what="the delivered webhook",
    )
    logged.refresh_from_db()
    assert logged.provider_message_id == sent[0]["id"]
    assert logged.queued_at <= logged.sent_at <= logged.delivered_at
    assert Message.objects.get(user=buyer.user, channel="email").status == "sent"
    assert Message.objects.get(user=buyer.user, channel="in_app").status == "delivered"
    time.sleep(2)
    assert len(sim.messages_to("254712000001")) == 1  # once, whatever the sweeps did meanwhile


def test_three_events_in_one_window_are_one_whatsapp_message(whatsapp, mail_to, celery_worker_process, clean_broker):
    buyer = make_buyer(phone="+254712000002")
    quiet_all_day(buyer.user)
    celery_worker_process()
    for amount in ("100", "250", "400"):
        with transaction.atomic():
            emit("payment_received", {"amount": amount, "currency": "USD"}, recipients=[buyer.user_id])
        time.sleep(0.2)
    sent = poll_until(lambda: whatsapp.messages_to("254712000002"), timeout=30, what="the batched message")
    time.sleep(2.5)  # longer than the window: nothing else follows
    sent = whatsapp.messages_to("254712000002")
    assert len(sent) == 1
    text = sent[0]["body"]["text"]["body"]
    assert text.startswith("Nzila: 3 updates") and all(f"USD {a}" in text for a in ("100", "250", "400"))


def test_a_failing_send_is_retried_then_dead_lettered_and_replay_delivers_it(
    webhooks_to_app, mail_to, celery_worker_process, clean_broker, fast_settings
):
    sim = webhooks_to_app
    buyer = make_buyer(phone="+254712000003", email="")
    quiet_all_day(buyer.user)
    sim.fail_next(3, http_status=503, code=131000)
    celery_worker_process()
    with transaction.atomic():
        emit("payment_received", {"amount": "900", "currency": "USD"}, recipients=[buyer.user_id])

    message = poll_until(
        lambda: Message.objects.filter(user=buyer.user, channel="whatsapp", status="failed").first(),
        timeout=60,
        what="the message to fail",
    )
    assert message.attempts == 3 and message.error_code == "131000" and message.provider_message_id is None
    assert len(sim.requests) == 3 and not sim.accepted
    letter = poll_until(
        lambda: DeadLetter.objects.filter(task_name="notifications.tasks.send_message").first(),
        timeout=30,
        what="the dead letter",
    )
    assert letter.args == [message.id] and letter.attempts == 3

    replay(letter)
    poll_until(
        lambda: Message.objects.filter(pk=message.pk, status="delivered").exists(),
        timeout=30,
        what="the replayed message to be delivered",
    )
    message.refresh_from_db()
    assert message.attempts == 4 and message.error_code == "" and len(sim.accepted) == 1


def test_a_refused_recipient_fails_at_once_without_retries(whatsapp, mail_to, celery_worker_process, clean_broker):
    buyer = make_buyer(phone="+254712000004", email="")
    quiet_all_day(buyer.user)
    whatsapp.fail_next(1, http_status=400, code=131026, message="Message undeliverable")
    celery_worker_process()
    with transaction.atomic():
        emit("payment_received", {"amount": "10", "currency": "USD"}, recipients=[buyer.user_id])
    message = poll_until(
        lambda: Message.objects.filter(user=buyer.user, channel="whatsapp", status="failed").first(),
        timeout=30,
        what="the failure",
    )
    time.sleep(1)
    assert message.attempts == 1 and message.error_code == "131026" and len(whatsapp.requests) == 1
    assert not DeadLetter.objects.exists()


def test_two_tasks_for_one_message_send_it_once(whatsapp):
    """A redelivered task, or the sweep's, running while the first is still waiting on the Cloud API:
    the second skips the message instead of sending it again."""
    buyer = make_buyer(phone="+254712000009")
    message = Message.objects.create(user=buyer.user, channel="whatsapp", recipient="+254712000009", body="Hello")
    whatsapp.answer_after = 0.5
    outcomes: list[str] = []

    def task():
        try:
            outcomes.append(send_logged_message(message.pk, last_try=False))
        finally:
            connections.close_all()

    senders = [threading.Thread(target=task) for _ in range(2)]
    for sender in senders:
        sender.start()
        time.sleep(0.1)
    for sender in senders:
        sender.join()
    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(whatsapp.requests) == 1
    assert send_logged_message(message.pk, last_try=False) == "skipped"  # and later: already sent
