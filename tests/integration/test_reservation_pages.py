"""The reservation pages: reserve from the vehicle page, pay on the ordinary pay page, follow it on the
account page; the dealer answers in the console. English and French."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
from django.test import Client

from payments.models import Payment
from sales.models import Reservation
from tests.integration.test_reservations import pay, succeed
from tests.support.factories import make_dealer, make_vehicle
from tests.support.payment_simulators.fixtures import currencies, make_buyer, make_user  # noqa: F401
from tests.support.search_fixtures import vehicle_index  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vehicle_index")]


@pytest.fixture
def car(currencies):
    dealer = make_dealer()
    return make_vehicle(dealer, price=Decimal("9000.00"))


def test_reserve_pay_page_and_a_second_buyer_told_nothing_was_charged(client, car):
    buyer = make_buyer()
    client.force_login(buyer.user)
    page = client.get(f"/vehicles/{car.pk}/")
    if page.status_code == 301:
        page = client.get(page["Location"])
    assert page.status_code == 200
    assert b"Reserve with a deposit" in page.content and b"900" in page.content
    answer = client.post(f"/vehicles/{car.pk}/reserve", {"client_key": "a" * 32})
    reservation = Reservation.objects.get(buyer=buyer)
    assert answer.status_code == 302 and answer["Location"] == f"/accounts/payments/pay/reservation/{reservation.pk}/"
    assert client.post(f"/vehicles/{car.pk}/reserve", {"client_key": "a" * 32})["Location"] == answer["Location"]
    pay_page = client.get(answer["Location"])
    assert pay_page.status_code == 200 and b"Reservation deposit" in pay_page.content
    mine = client.get("/accounts/reservations/")
    assert b"Waiting for your deposit" in mine.content

    other = make_buyer()
    client.force_login(other.user)
    refused = client.post(f"/vehicles/{car.pk}/reserve", {"client_key": "b" * 32}, follow=True)
    assert "Nothing was charged to you" in refused.content.decode()
    assert Reservation.objects.filter(vehicle=car).count() == 1
    client.cookies["django_language"] = "fr"
    french = client.get(f"/vehicles/{car.pk}/", HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    assert "Un autre acheteur paie un acompte" in french.content.decode()


def test_dealer_declines_from_the_console_and_the_buyer_sees_it(client, car):
    member = make_user()
    car.dealer.members.add(member)
    buyer = make_buyer()
    reservation = Reservation.objects.create(
        buyer=buyer,
        vehicle=car,
        dealer=car.dealer,
        price=car.price,
        deposit_amount=Decimal("900.00"),
        currency_id="USD",
        pay_by=car.listed_at.replace(year=2100),
    )
    succeed(pay(reservation))
    client.force_login(member)
    console = client.get(f"/dealer/{car.dealer_id}/reservations/")
    assert console.status_code == 200 and b"Decline and refund" in console.content
    answer = f"/dealer/{car.dealer_id}/reservations/{reservation.pk}/answer"
    client.post(answer, {"answer": "decline", "reason": "sold"})
    reservation.refresh_from_db()
    assert reservation.state == "declined"
    client.force_login(buyer.user)
    page = client.get("/accounts/reservations/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Refusée par le vendeur" in page.content.decode()


def test_twenty_buyers_press_reserve_at_once_over_http_one_holds_it(live_server, car):
    """The whole request path (sessions, CSRF, the view, the service) under 20 simultaneous presses."""
    sessions = []
    for _ in range(20):
        buyer = make_buyer()
        django_client = Client()
        django_client.force_login(buyer.user)
        session = requests.Session()
        session.cookies.set("sessionid", django_client.cookies["sessionid"].value)
        page = session.get(f"{live_server.url}/vehicles/{car.pk}/", timeout=60)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        key = re.search(r'name="client_key" value="([^"]+)"', page.text).group(1)
        sessions.append((buyer, session, token, key))
    barrier = threading.Barrier(20)

    def press(entry):
        _buyer, session, token, key = entry
        barrier.wait()
        return session.post(
            f"{live_server.url}/vehicles/{car.pk}/reserve",
            {"csrfmiddlewaretoken": token, "client_key": key},
            headers={"Referer": live_server.url},
            allow_redirects=False,
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(press, sessions))
    places = [a.headers.get("Location", "") for a in answers]
    assert all(a.status_code == 302 for a in answers), [a.status_code for a in answers]
    assert sum("/accounts/payments/pay/reservation/" in p for p in places) == 1, places
    assert sum(p.startswith(f"/vehicles/{car.pk}/") for p in places) == 19
    assert Reservation.objects.filter(vehicle=car).count() == 1
    assert not Payment.objects.exists()
