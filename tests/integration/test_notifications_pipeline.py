"""Outbox → notifications → one message per batch, in-process against the real database: quiet hours,
batching, preferences, phone numbers, and the WhatsApp webhook's signature and status rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client

from notifications import delivery, dispatch
from notifications.events import emit
from notifications.models import Message, Notification, NotificationPreference, OutboxEvent
from notifications.phones import InvalidPhone, normalise_phone
from notifications.quiet_hours import next_allowed
from notifications.webhooks import signature_for
from notifications.whatsapp import message_payload as whatsapp_payload
from tests.support.notification_support import fast_settings, make_buyer, make_deal, make_shipment  # noqa: F401

UTC = UTC


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "zone, now, expected",
    [
        # Lagos is UTC+1: 22:30Z is 23:30 there, so the message waits for 07:00 local, 06:00Z.
        ("Africa/Lagos", at(2026, 3, 10, 22, 30), at(2026, 3, 11, 6, 0)),
        # Nairobi is UTC+3: 03:00Z is 06:00 there, an hour before the end of the night.
        ("Africa/Nairobi", at(2026, 3, 10, 3, 0), at(2026, 3, 10, 4, 0)),
        # 19:00Z is 22:00 in Nairobi: quiet until 04:00Z tomorrow.
        ("Africa/Nairobi", at(2026, 3, 10, 19, 0), at(2026, 3, 11, 4, 0)),
        # Midday is never quiet.
        ("Africa/Johannesburg", at(2026, 3, 10, 10, 0), at(2026, 3, 10, 10, 0)),
    ],
)
def test_quiet_hours_end_at_the_users_local_morning(zone, now, expected):
    assert next_allowed(now, tz=ZoneInfo(zone), start=time(21), end=time(7)) == expected


def test_quiet_hours_within_one_day_and_disabled():
    tz = ZoneInfo("Africa/Accra")  # UTC+0
    assert next_allowed(at(2026, 1, 1, 13, 30), tz=tz, start=time(13), end=time(15)) == at(2026, 1, 1, 15)
    assert next_allowed(at(2026, 1, 1, 23), tz=tz, start=time(21), end=time(7), enabled=False) == at(2026, 1, 1, 23)


@pytest.mark.django_db
def test_quiet_hours_delay_the_message_to_the_right_local_time(fast_settings):
    buyer = make_buyer(time_zone="Africa/Lagos", phone="+2348031234567", country="NG")
    emit("payment_received", {"amount": "1500", "currency": "USD"}, recipients=[buyer.user_id])
    night = at(2026, 3, 10, 22, 30)  # 23:30 in Lagos
    dispatch.dispatch_outbox(now=night)
    note = Notification.objects.get(user=buyer.user)
    assert note.deliver_after == at(2026, 3, 11, 6, 0)  # 07:00 in Lagos
    # The in-app copy does not wake anyone: it is there at once.
    assert Message.objects.filter(user=buyer.user, channel="in_app", status="delivered").count() == 1

    assert delivery.deliver_due(now=at(2026, 3, 11, 5, 59)) == []
    queued = delivery.deliver_due(now=at(2026, 3, 11, 6, 0, 1))
    messages = Message.objects.filter(pk__in=queued)
    assert {m.channel for m in messages} == {"whatsapp", "email"}
    whatsapp = messages.get(channel="whatsapp")
    assert whatsapp.recipient == "+2348031234567"
    assert whatsapp.template == "payment_received" and whatsapp.template_params == ["USD 1,500", "your order"]


@pytest.mark.django_db
def test_three_events_in_one_window_become_one_message(fast_settings):
    buyer = make_buyer()
    NotificationPreference.objects.create(user=buyer.user, quiet_hours_enabled=False)
    start = at(2026, 5, 4, 12, 0)
    for offset, amount in ((0, "100"), (0.3, "200"), (0.6, "300")):
        emit("payment_received", {"amount": amount, "currency": "USD"}, recipients=[buyer.user_id])
        dispatch.dispatch_outbox(now=start + timedelta(seconds=offset))
    notes = Notification.objects.filter(user=buyer.user)
    assert notes.count() == 3
    # Every later event joined the batch the first one opened.
    assert len({n.deliver_after for n in notes}) == 1

    queued = delivery.deliver_due(now=start + timedelta(seconds=2))
    whatsapp = Message.objects.filter(pk__in=queued, channel="whatsapp")
    assert whatsapp.count() == 1
    message = whatsapp.get()
    assert message.template == ""  # several updates: one text, not three templates
    assert message.body.count("•") == 3 and "USD 300" in message.body
    assert message.notifications.count() == 3
    assert Message.objects.filter(pk__in=queued, channel="email").count() == 1
    assert not delivery.deliver_due(now=start + timedelta(seconds=10))


@pytest.mark.django_db
def test_preferences_mute_events_and_channels(fast_settings):
    buyer = make_buyer()
    NotificationPreference.objects.create(
        user=buyer.user, quiet_hours_enabled=False, email_enabled=False, muted_events=["price_drop"]
    )
    emit("price_drop", {"vehicle_id": 1}, recipients=[buyer.user_id])
    emit("payment_received", {"amount": "5", "currency": "USD"}, recipients=[buyer.user_id])
    now = at(2026, 5, 4, 12, 0)
    dispatch.dispatch_outbox(now=now)
    assert list(Notification.objects.filter(user=buyer.user).values_list("event_type", flat=True)) == [
        "payment_received"
    ]
    queued = delivery.deliver_due(now=now + timedelta(minutes=5))
    assert [m.channel for m in Message.objects.filter(pk__in=queued)] == ["whatsapp"]


@pytest.mark.django_db
def test_a_whatsapp_stop_reply_opts_the_user_out(fast_settings):
    buyer = make_buyer(phone="+254722000111")
    body = json.dumps(
        {
            "entry": [
                {
                    "changes": [
                        {"value": {"messages": [{"from": "254722000111", "type": "text", "text": {"body": "STOP"}}]}}
                    ]
                }
            ]
        }
    ).encode()
    response = Client().post(
        "/api/v1/webhooks/whatsapp", body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature_for(body)
    )
    assert response.json()["opted_out"] == 1
    emit("payment_received", {"amount": "5", "currency": "USD"}, recipients=[buyer.user_id])
    now = at(2026, 5, 4, 12, 0)
    dispatch.dispatch_outbox(now=now)
    NotificationPreference.objects.filter(user=buyer.user).update(quiet_hours_enabled=False)
    queued = delivery.deliver_due(now=now + timedelta(minutes=5))
    assert [m.channel for m in Message.objects.filter(pk__in=queued)] == ["email"]


@pytest.mark.django_db(transaction=True)
def test_events_are_written_with_the_change_or_not_at_all(fast_settings):
    buyer = make_buyer()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_deal(buyer=buyer)
        raise RuntimeError("rolled back")
    assert not OutboxEvent.objects.filter(event_type="deal_created").exists()
    deal = make_deal(buyer=buyer)
    assert list(OutboxEvent.objects.filter(event_type="deal_created").values_list("payload", flat=True)) == [
        {"deal_id": deal.id}
    ]


@pytest.mark.django_db
def test_a_shipment_status_is_told_once_whichever_path_comes_first(fast_settings):
    from sales.models import Shipment
    from sales.shipment_notices import notify_untold_statuses

    shipment = make_shipment()
    NotificationPreference.objects.create(user=shipment.deal.buyer.user, quiet_hours_enabled=False)
    Shipment.objects.filter(pk=shipment.pk).update(status="in_transit")  # a raw write path: trigger captures it
    assert notify_untold_statuses([shipment.pk]) == 1  # the sweep sees it too
    dispatch.dispatch_outbox()
    told = Notification.objects.filter(event_type="shipment_status_changed", user=shipment.deal.buyer.user)
    assert [n.context["status"] for n in told] == ["in_transit"]
    assert notify_untold_statuses([shipment.pk]) == 0
    Shipment.objects.filter(pk=shipment.pk).update(status="delayed")
    dispatch.dispatch_outbox()
    Shipment.objects.filter(pk=shipment.pk).update(status="in_transit")
    dispatch.dispatch_outbox()
    # Back to a status told before, but after another one: that is news again, and told once.
    assert [n.context["status"] for n in told.order_by("id")] == ["in_transit", "delayed", "in_transit"]
    # A change and its undoing before anyone was told are no news: the buyer's last word still holds.
    Shipment.objects.filter(pk=shipment.pk).update(status="delayed")
    Shipment.objects.filter(pk=shipment.pk).update(status="in_transit")
    dispatch.dispatch_outbox()
    assert told.all().count() == 3


def test_phone_numbers_are_normalised_to_e164():
    assert normalise_phone("0712 345678", "KE") == "+254712345678"
    assert normalise_phone("+234 803 123 4567") == "+2348031234567"
    for bad in ("", "12345", "+999 1234"):
        with pytest.raises(InvalidPhone):
            normalise_phone(bad, "KE")


@pytest.mark.django_db
def test_webhook_statuses_need_a_valid_signature_and_never_go_backwards(fast_settings):
    message = Message.objects.create(
        channel="whatsapp", recipient="+254712345678", body="hi", status="sent", provider_message_id="wamid.abc"
    )

    def post(status: str, *, signature: str | None = None) -> int:
        body = json.dumps(
            {
                "entry": [
                    {
                        "changes": [
                            {
                                "value": {
                                    "statuses": [
                                        {
                                            "id": "wamid.abc",
                                            "status": status,
                                            "timestamp": "1767225600",
                                            "recipient_id": "254712345678",
                                        }
                                    ]
                                }
                            }
                        ]
                    }
                ]
            }
        ).encode()
        return (
            Client()
            .post(
                "/api/v1/webhooks/whatsapp",
                body,
                content_type="application/json",
                HTTP_X_HUB_SIGNATURE_256=signature or signature_for(body),
            )
            .status_code
        )

    assert post("read", signature="sha256=" + "0" * 64) == 401
    assert post("delivered", signature=signature_for(b"other body")) == 401
    message.refresh_from_db()
    assert message.status == "sent" and message.read_at is None

    assert post("read") == 200
    assert post("delivered") == 200  # late: ignored
    assert post("read") == 200  # replayed: no change
    message.refresh_from_db()
    assert message.status == "read"
    assert message.read_at == message.delivered_at == at(2026, 1, 1)


@pytest.mark.django_db
def test_webhook_handshake(settings):
    client = Client()
    ok = client.get(
        "/api/v1/webhooks/whatsapp",
        {"hub.mode": "subscribe", "hub.verify_token": settings.WHATSAPP_VERIFY_TOKEN, "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    # The built-in development token opens nothing: this installation generated its own.
    assert settings.WHATSAPP_VERIFY_TOKEN != "dev-whatsapp-verify-token"
    known = client.get(
        "/api/v1/webhooks/whatsapp",
        {"hub.mode": "subscribe", "hub.verify_token": "dev-whatsapp-verify-token", "hub.challenge": "1"},
    )
    assert known.status_code == 403
    bad = client.get(
        "/api/v1/webhooks/whatsapp", {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
    )
    assert bad.status_code == 403


@pytest.mark.django_db
def test_inbox_and_preferences_through_the_api(fast_settings):
    from rest_framework.test import APIClient

    buyer = make_buyer()
    emit("payment_received", {"amount": "70", "currency": "USD"}, recipients=[buyer.user_id])
    dispatch.dispatch_outbox()
    api = APIClient()
    api.force_authenticate(buyer.user)
    inbox = api.get("/api/v1/notifications").json()["results"]
    assert [n["summary"] for n in inbox] == ["We received your payment of USD 70. Thank you."]
    assert api.post("/api/v1/notifications/read", {"ids": [inbox[0]["id"]]}, format="json").json() == {"marked": 1}
    assert api.get("/api/v1/notifications", {"unread": "1"}).json()["results"] == []
    assert Message.objects.get(user=buyer.user, channel="in_app").status == "read"

    changed = api.patch(
        "/api/v1/notifications/preferences",
        {
            "email_enabled": False,
            "time_zone": "Africa/Kinshasa",
            "quiet_start": "22:00",
            "phone_e164": "+243 81 234 5678",
        },
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["phone_e164"] == "+243812345678" and changed.json()["quiet_start"] == "22:00:00"
    bad = api.patch("/api/v1/notifications/preferences", {"time_zone": "Mars/Olympus"}, format="json")
    assert bad.status_code == 400


@pytest.mark.django_db
def test_whole_second_provider_stamps_never_precede_our_own(fast_settings):
    from notifications.statuses import apply_status

    sent = at(2026, 1, 1, 0, 0, 0, 500000)
    message = Message.objects.create(
        channel="whatsapp",
        recipient="+254712345678",
        body="hi",
        status="sent",
        sent_at=sent,
        provider_message_id="wamid.def",
    )
    assert apply_status(channel="whatsapp", provider_message_id="wamid.def", status="delivered", at=at(2026, 1, 1))
    assert apply_status(channel="whatsapp", provider_message_id="wamid.def", status="read", at=at(2026, 1, 1))
    message.refresh_from_db()
    assert message.sent_at == message.delivered_at == message.read_at == sent


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "phone", "chosen", "language", "words"),
    [
        ("CI", "+2250701020304", "", "fr", "Nous avons bien reçu votre paiement de USD 500"),
        ("KE", "+254712345678", "", "en", "We received your payment of USD 500"),
        ("CI", "+2250701020305", "en", "en", "We received your payment of USD 500"),
    ],
)
def test_messages_speak_the_buyers_language(fast_settings, country, phone, chosen, language, words):
    buyer = make_buyer(country=country, phone=phone, time_zone="Africa/Abidjan")
    NotificationPreference.objects.create(user=buyer.user, quiet_hours_enabled=False, language=chosen)
    emit("payment_received", {"amount": "500", "currency": "USD"}, recipients=[buyer.user_id])
    now = at(2026, 5, 4, 12, 0)
    dispatch.dispatch_outbox(now=now)
    in_app = Notification.objects.get(user=buyer.user)
    assert in_app.summary.startswith(words)
    queued = Message.objects.filter(pk__in=delivery.deliver_due(now=now + timedelta(minutes=5)))
    assert {m.channel for m in queued} == {"whatsapp", "email"}
    for message in queued:
        assert message.language == language and message.body.startswith(words)
    whatsapp = queued.get(channel="whatsapp")
    assert whatsapp.template == "payment_received"
    payload = whatsapp_payload(to_e164=phone, body="", template=whatsapp.template, language=whatsapp.language)
    assert payload["template"]["language"] == {"code": language}


@pytest.mark.django_db
def test_switching_the_sites_language_signed_in_switches_the_messages(fast_settings):
    buyer = make_buyer(country="KE")
    browser = Client()
    browser.force_login(buyer.user)
    switched = browser.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert switched.status_code == 302 and switched.cookies["django_language"].value == "fr"
    assert NotificationPreference.objects.get(user=buyer.user).language == "fr"
    # Anonymous: the cookie only.
    assert Client().post("/i18n/setlang/", {"language": "fr", "next": "/"}).status_code == 302
