"""Inquiries through the pages and the services: a buyer asks, the dealer's members read and answer,
guests confirm a code first, limits and blocks, privacy of threads (every role, another dealer),
hostile text, double clicks, leads and response times, brokers' referrals."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db.models import Max
from django.test import Client
from django.utils import timezone

from inquiries import selectors, services
from inquiries.limits import InquiryRefused
from inquiries.models import Inquiry, InquiryMessage
from notifications import dispatch
from notifications.models import Notification, OutboxEvent
from sales.models import Lead
from tests.support.accounts_people import make_people
from tests.support.factories import make_vehicle
from tests.support.notification_support import last_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_guest_buckets():
    """The per-address bucket of guest questions lives in Redis, across tests: start each one full."""
    from jobs.ratelimit import TokenBucket

    TokenBucket("guest-inquiry:127.0.0.1", rate=1).reset()


@pytest.fixture
def people():
    return make_people()


@pytest.fixture
def vehicle(people):
    return make_vehicle(people.dealer_a)


@pytest.fixture
def inquiry_events():
    """This test's inquiry events: tiers that commit (the browser's) may leave events of their own."""
    before = OutboxEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    return lambda: OutboxEvent.objects.filter(event_type="inquiry_message", pk__gt=before)


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def ask(client: Client, vehicle, body: str, key: uuid.UUID | None = None, **extra):
    return client.post(f"/vehicles/{vehicle.pk}/ask", {"body": body, "client_key": str(key or uuid.uuid4()), **extra})


def test_a_buyer_asks_the_dealer_hears_of_it_and_a_lead_is_made(people, vehicle, inquiry_events):
    buyer = people.users["buyer"]
    response = ask(signed_in(buyer), vehicle, "Is it still available? Can you ship to Mombasa?")
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/accounts/inquiries/{inquiry.pk}/"
    lead = Lead.objects.get()
    assert (lead.buyer.user, lead.vehicle, lead.dealer, lead.source) == (buyer, vehicle, people.dealer_a, "website")
    assert inquiry.lead == lead and inquiry.awaiting_since is not None
    event = inquiry_events().get()
    dispatch.dispatch_outbox()
    told = set(Notification.objects.filter(event=event).values_list("user_id", flat=True))
    assert told == {people.users["member_a"].pk, people.users["admin_a"].pk}  # the dealer's members only
    summary = Notification.objects.filter(event=event).first().summary
    assert "Is it still available" not in summary  # the text stays on the platform
    assert f"/dealer/{people.dealer_a.pk}/inbox/{inquiry.pk}" in summary


def test_the_dealer_answers_the_buyer_is_told_and_the_response_time_is_recorded(people, vehicle):
    buyer, member = people.users["buyer"], people.users["member_a"]
    ask(signed_in(buyer), vehicle, "What is the mileage?")
    inquiry = Inquiry.objects.get()
    member_client = signed_in(member)
    inbox = member_client.get(f"/dealer/{people.dealer_a.pk}/inbox")
    assert inbox.status_code == 200 and "What is the mileage?" in inbox.content.decode()
    page = member_client.post(
        f"/dealer/{people.dealer_a.pk}/inbox/{inquiry.pk}", {"body": "82,000 km.", "client_key": str(uuid.uuid4())}
    )
    assert page.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.first_response_at is not None and inquiry.awaiting_since is None
    assert inquiry.lead.status == "contacted"
    dispatch.dispatch_outbox()
    note = Notification.objects.get(user=buyer)
    assert note.event_type == "inquiry_message" and f"/accounts/inquiries/{inquiry.pk}/" in note.summary
    # The buyer's page shows the answer, and the header counts it as new until the thread is opened.
    buyer_client = signed_in(buyer)
    assert 'id="unread-badge">1' in buyer_client.get("/accounts/inquiries/").content.decode()
    assert "82,000 km." in buyer_client.get(f"/accounts/inquiries/{inquiry.pk}/").content.decode()
    assert "unread-badge" not in buyer_client.get("/accounts/inquiries/").content.decode()


def test_the_inbox_lists_unanswered_threads_first_oldest_wait_first(people):
    dealer = people.dealer_a
    buyers = [services.buyer_for(people.users[name]) for name in ("buyer", "broker", "analyst")]
    vehicles = [make_vehicle(dealer) for _ in buyers]
    now = timezone.now()
    sent = [
        services.ask(buyer=b, vehicle_id=v.pk, body="hello", client_key=uuid.uuid4(), now=now - timedelta(hours=h))
        for b, v, h in zip(buyers, vehicles, (1, 5, 3), strict=True)
    ]
    services.reply(
        inquiry_id=sent[1].inquiry.pk,
        dealer_id=dealer.pk,
        author=people.users["member_a"],
        body="yes",
        client_key=uuid.uuid4(),
    )
    order = [t.pk for t in selectors.dealer_inbox(dealer.pk)]
    assert order == [sent[2].inquiry.pk, sent[0].inquiry.pk, sent[1].inquiry.pk]


# Who may open a thread of dealer A's: its buyer on /accounts/, dealer A's members in the console.
DEALER_SIDE = {
    "anonymous": 302,
    "buyer": 403,
    "broker": 403,
    "analyst": 403,
    "staff": 403,  # staff may open any console, but not the dealers' private conversations
    "member_b": 404,
    "member_a": 200,
    "admin_a": 200,
}
BUYER_SIDE = {
    "anonymous": 302,
    "buyer": 200,
    "broker": 404,
    "analyst": 404,
    "staff": 404,
    "member_b": 404,
    "member_a": 404,
    "admin_a": 404,
}


@pytest.mark.parametrize("role", sorted(DEALER_SIDE))
def test_threads_are_private_to_their_buyer_and_the_dealers_members(people, vehicle, role):
    ask(signed_in(people.users["buyer"]), vehicle, "A private question")
    inquiry = Inquiry.objects.get()
    client = signed_in(people.users[role])
    dealer_pages = [f"/dealer/{people.dealer_a.pk}/inbox", f"/dealer/{people.dealer_a.pk}/inbox/{inquiry.pk}"]
    for url in dealer_pages:
        assert client.get(url).status_code == DEALER_SIDE[role], (role, url)
    assert client.get(f"/accounts/inquiries/{inquiry.pk}/").status_code == BUYER_SIDE[role], role
    # Nobody but the buyer writes into it from the buyer's side, nobody but members from the dealer's.
    before = InquiryMessage.objects.count()
    client.post(f"/accounts/inquiries/{inquiry.pk}/", {"body": "intruder", "client_key": str(uuid.uuid4())})
    client.post(dealer_pages[1], {"body": "intruder", "client_key": str(uuid.uuid4())})
    wrote = InquiryMessage.objects.count() - before
    assert wrote == (1 if role in ("buyer", "member_a", "admin_a") else 0), role
    # Another dealer's member sees the thread through no id of their own dealer either.
    if role == "member_b":
        assert client.get(f"/dealer/{people.dealer_b.pk}/inbox/{inquiry.pk}").status_code == 404
        assert "A private question" not in client.get(f"/dealer/{people.dealer_b.pk}/inbox").content.decode()


def test_html_in_a_message_is_shown_as_text(people, vehicle):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> <b>bold</b>'
    ask(signed_in(people.users["buyer"]), vehicle, hostile)
    inquiry = Inquiry.objects.get()
    for client, url in (
        (signed_in(people.users["member_a"]), f"/dealer/{people.dealer_a.pk}/inbox/{inquiry.pk}"),
        (signed_in(people.users["member_a"]), f"/dealer/{people.dealer_a.pk}/inbox"),
        (signed_in(people.users["buyer"]), f"/accounts/inquiries/{inquiry.pk}/"),
        (signed_in(people.users["buyer"]), "/accounts/inquiries/"),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold</b>" not in html, url
        assert "&lt;script&gt;" in html, url


def test_a_double_clicked_send_makes_one_message(people, vehicle, inquiry_events):
    client, key = signed_in(people.users["buyer"]), uuid.uuid4()
    first = ask(client, vehicle, "Twice?", key)
    second = ask(client, vehicle, "Twice?", key)
    assert first.status_code == second.status_code == 302
    assert InquiryMessage.objects.count() == 1 and inquiry_events().count() == 1
    inquiry = Inquiry.objects.get()
    member = signed_in(people.users["member_a"])
    url = f"/dealer/{people.dealer_a.pk}/inbox/{inquiry.pk}"
    reply_key = str(uuid.uuid4())
    member.post(url, {"body": "Once", "client_key": reply_key})
    member.post(url, {"body": "Once", "client_key": reply_key})
    assert InquiryMessage.objects.filter(from_dealer=True).count() == 1


def test_a_guest_confirms_a_code_before_anything_reaches_the_dealer(people, vehicle, settings, inquiry_events):
    guest = Client()
    response = ask(guest, vehicle, "Guest question", name="Amina", contact="+254 712 345 678", website="")
    assert response.status_code == 302 and response["Location"].endswith("/ask/confirm")
    message = InquiryMessage.objects.get()
    assert message.held
    # Not delivered: no event, no lead, nothing in the dealer's inbox.
    assert not inquiry_events().exists() and not Lead.objects.exists()
    assert selectors.dealer_inbox(people.dealer_a.pk) == []
    code = last_code("+254712345678")
    wrong = "000000" if code != "000000" else "111111"
    assert guest.post(f"/vehicles/{vehicle.pk}/ask/confirm", {"code": wrong}).status_code == 400
    assert InquiryMessage.objects.get().held
    done = guest.post(f"/vehicles/{vehicle.pk}/ask/confirm", {"code": code})
    inquiry = Inquiry.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/accounts/inquiries/{inquiry.pk}/"
    assert not InquiryMessage.objects.get().held and Lead.objects.count() == 1
    assert inquiry_events().count() == 1
    # Signed in to the guest account: the thread is theirs to read and continue.
    assert "Guest question" in guest.get(done["Location"]).content.decode()
    assert inquiry.buyer.phone_e164 == "+254712345678" and inquiry.buyer.full_name == "Amina"


def test_guest_codes_cannot_be_guessed(people, vehicle, settings):
    guest = Client()
    ask(guest, vehicle, "Guess me", name="X", contact="guess@example.test")
    code = last_code("guess@example.test")
    wrong = [f"{n:06d}" for n in range(1000) if f"{n:06d}" != code][: settings.NOTIFICATIONS_CODE_MAX_ATTEMPTS]
    for attempt in wrong:
        guest.post(f"/vehicles/{vehicle.pk}/ask/confirm", {"code": attempt})
    # The code is dead after five wrong tries, even the right one.
    assert guest.post(f"/vehicles/{vehicle.pk}/ask/confirm", {"code": code}).status_code == 400
    assert InquiryMessage.objects.get().held and not Lead.objects.exists()
    # Codes to one address are capped per hour, whoever asks for them.
    for _ in range(settings.NOTIFICATIONS_CODES_PER_ADDRESS_HOUR):
        ask(Client(), vehicle, "again", name="X", contact="guess@example.test")
    assert ask(Client(), vehicle, "again", name="X", contact="guess@example.test").status_code == 429


def test_held_messages_left_by_someone_else_are_not_sent_in_the_guests_name(people, vehicle):
    intruder, owner = Client(), Client()
    ask(intruder, vehicle, "spam in your name", name="X", contact="+254712345678")
    other = make_vehicle(people.dealer_a)
    ask(owner, other, "my own question", name="Amina", contact="+254712345678")
    owner.post(f"/vehicles/{other.pk}/ask/confirm", {"code": last_code("+254712345678")})
    assert list(InquiryMessage.objects.filter(held=False).values_list("body", flat=True)) == ["my own question"]


def test_an_anonymous_client_repeating_guest_questions_is_slowed_down(people, vehicle, settings):
    for i in range(settings.INQUIRIES_GUEST_STARTS_PER_ADDRESS_HOUR):
        assert ask(Client(), vehicle, "hi", name="X", contact=f"guest{i}@example.test").status_code == 302
    refused = ask(Client(), vehicle, "hi", name="X", contact="one-more@example.test")
    assert refused.status_code == 429 and "Too many questions from this connection" in refused.content.decode()


def test_a_bot_filling_the_hidden_field_leaves_nothing(people, vehicle):
    response = ask(Client(), vehicle, "buy cheap", name="Bot", contact="bot@example.test", website="http://spam")
    assert response.status_code == 302 and not InquiryMessage.objects.exists()


def test_limits_against_spam(people, vehicle, settings):
    buyer = services.buyer_for(people.users["buyer"])
    with pytest.raises(InquiryRefused) as links:
        services.ask(
            buyer=buyer, vehicle_id=vehicle.pk, body="see http://a.example and www.b.example", client_key=uuid.uuid4()
        )
    assert links.value.reason == "links"
    for i in range(settings.INQUIRIES_UNANSWERED_IN_A_ROW):
        services.ask(buyer=buyer, vehicle_id=vehicle.pk, body=f"hello {i}", client_key=uuid.uuid4())
    with pytest.raises(InquiryRefused) as wait:
        services.ask(buyer=buyer, vehicle_id=vehicle.pk, body="anyone?", client_key=uuid.uuid4())
    assert wait.value.reason == "wait_for_answer"
    settings.INQUIRIES_NEW_PER_BUYER_DAY = 2
    services.ask(buyer=buyer, vehicle_id=make_vehicle(people.dealer_a).pk, body="second", client_key=uuid.uuid4())
    with pytest.raises(InquiryRefused) as threads:
        services.ask(buyer=buyer, vehicle_id=make_vehicle(people.dealer_a).pk, body="third", client_key=uuid.uuid4())
    assert threads.value.reason == "too_many_threads"
    page = ask(signed_in(people.users["buyer"]), make_vehicle(people.dealer_a), "fourth")
    assert page.status_code == 429 and "many vehicles today" in page.content.decode()
    with pytest.raises(InquiryRefused):
        services.ask(buyer=buyer, vehicle_id=vehicle.pk, body=" \n\t ", client_key=uuid.uuid4())
    with pytest.raises(InquiryRefused):
        services.ask(buyer=buyer, vehicle_id=vehicle.pk, body="x" * 2001, client_key=uuid.uuid4())


def test_a_dealer_blocks_a_sender_and_a_guest_with_the_same_phone(people, vehicle):
    ask(signed_in(people.users["buyer"]), vehicle, "first")
    inquiry = Inquiry.objects.get()
    member = signed_in(people.users["member_a"])
    member.post(f"/dealer/{people.dealer_a.pk}/inbox/{inquiry.pk}/block")
    refused = ask(signed_in(people.users["buyer"]), make_vehicle(people.dealer_a), "again")
    assert refused.status_code == 400 and InquiryMessage.objects.count() == 1
    # Another dealer still hears from them.
    assert ask(signed_in(people.users["buyer"]), make_vehicle(people.dealer_b), "hello B").status_code == 302
    # A guest blocked by phone cannot come back as a new guest with the same number.
    guest = Client()
    ask(guest, vehicle, "guest", name="G", contact="+254712000111")
    guest.post(f"/vehicles/{vehicle.pk}/ask/confirm", {"code": last_code("+254712000111")})
    guest_thread = Inquiry.objects.get(buyer__phone_e164="+254712000111")
    member.post(f"/dealer/{people.dealer_a.pk}/inbox/{guest_thread.pk}/block")
    with pytest.raises(InquiryRefused):
        services.ask(
            buyer=services.guest_buyer(name="G2", contact=services.read_contact("+254712000111")),
            vehicle_id=make_vehicle(people.dealer_a).pk,
            body="me again",
            client_key=uuid.uuid4(),
        )
    member.post(f"/dealer/{people.dealer_a.pk}/inbox/{inquiry.pk}/block", {"action": "unblock"})
    assert ask(signed_in(people.users["buyer"]), make_vehicle(people.dealer_a), "sorry").status_code == 302


def test_a_dealer_member_cannot_ask_their_own_dealer(people, vehicle):
    assert ask(signed_in(people.users["member_a"]), vehicle, "me?").status_code == 400
    assert not Inquiry.objects.exists()


def test_response_time_is_measured_from_delivery_and_shown_with_enough_answers(people):
    dealer, member = people.dealer_a, people.users["member_a"]
    now = timezone.now()
    for i, hours in enumerate((1, 2, 4)):
        buyer = services.buyer_for(people.users[("buyer", "broker", "analyst")[i]])
        sent = services.ask(
            buyer=buyer,
            vehicle_id=make_vehicle(dealer).pk,
            body="?",
            client_key=uuid.uuid4(),
            now=now - timedelta(days=2),
        )
        Inquiry.objects.filter(pk=sent.inquiry.pk).update(delivered_at=now - timedelta(days=2))
        services.reply(
            inquiry_id=sent.inquiry.pk,
            dealer_id=dealer.pk,
            author=member,
            body="!",
            client_key=uuid.uuid4(),
            now=now - timedelta(days=2) + timedelta(hours=hours),
        )
    shown = selectors.dealer_response_time(dealer.pk)
    assert shown.median_hours == pytest.approx(2.0) and shown.answered == 3 and shown.within_day == 1.0
    assert selectors.dealer_response_time(people.dealer_b.pk) is None


def test_a_referral_link_makes_the_broker_the_leads(people, vehicle):
    from web.referrals import referral_token

    broker = people.users["broker"]
    client = signed_in(people.users["buyer"])
    client.get(f"/accounts/?ref={referral_token(broker.pk)}")
    ask(client, vehicle, "via a broker")
    lead = Lead.objects.get()
    assert (lead.source, lead.broker) == ("broker", broker)
    # A forged or a non-broker's token is ignored.
    other = signed_in(people.users["analyst"])
    other.get(f"/accounts/?ref={referral_token(people.users['analyst'].pk)}")
    other.get("/accounts/?ref=forged:token")
    ask(other, vehicle, "no broker")
    assert Lead.objects.get(buyer__user=people.users["analyst"]).broker is None


def test_a_broker_registers_a_lead_for_a_buyer_and_sees_what_needs_attention(people, vehicle):
    broker = people.users["broker"]
    client = signed_in(broker)
    page = client.get("/broker/")
    assert page.status_code == 200 and "?ref=" in page.content.decode()
    sent = client.post(
        "/broker/leads/new",
        {
            "name": "Kofi",
            "contact": "+233 24 123 4567",
            "vehicle": f"https://nzila.example/vehicles/{vehicle.pk}/toyota/",
            "body": "My client wants it shipped to Tema.",
            "client_key": str(uuid.uuid4()),
        },
    )
    assert sent.status_code == 302
    lead = Lead.objects.get()
    assert (lead.source, lead.broker, lead.buyer.full_name, lead.buyer.country) == ("broker", broker, "Kofi", "GH")
    inquiry = Inquiry.objects.get()
    assert inquiry.broker == broker and inquiry.delivered_at is not None
    # Not yet a day: nothing to nudge. A day later, the dealer's silence is on the broker's page.
    assert "The dealer has not answered" not in client.get("/broker/").content.decode()
    Inquiry.objects.filter(pk=inquiry.pk).update(awaiting_since=timezone.now() - timedelta(hours=30))
    html = client.get("/broker/").content.decode()
    assert "The dealer has not answered for 1 d" in html and "Kofi" in html
    assert "shipped to Tema" not in html  # the broker sees who and what, not the conversation
    # Only brokers register leads.
    assert signed_in(people.users["buyer"]).get("/broker/leads/new").status_code == 403
