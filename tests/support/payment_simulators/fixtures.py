"""Fixtures of the payment tests: localstripe as a real process behind the fidelity proxy, the
operator simulators, data factories, and a clean slate in the cache for each test."""

from __future__ import annotations

import json
import socket
import time
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
import stripe
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone

from localstack.operator_simulators.mobile import (
    AirtelMoneySimulator,
    MpesaSimulator,
    MtnMomoSimulator,
    OrangeMoneySimulator,
)
from localstack.paths import ROOT
from localstack.process import ManagedProcess, port_is_open, wait_until

from .stripe_proxy import StripeProxy

WEBHOOK_SECRET = "whsec_test_nzila_payments"
RATES = {
    "USD": "1",
    "KES": "129.50",
    "UGX": "3700",
    "XOF": "600",
    "XAF": "600",
    "GHS": "15.2",
    "TZS": "2600",
    "EUR": "0.92",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_url():
    port = free_port()
    proc = ManagedProcess(
        f"test-localstripe-{port}", [str(ROOT / ".venv" / "bin" / "localstripe"), "--port", str(port), "--from-scratch"]
    )
    proc.start()
    try:
        wait_until(lambda: port_is_open(port), timeout=30, what="localstripe", log=proc.log_file, alive=proc.running)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.stop(timeout=10)


@pytest.fixture(scope="session")
def stripe_proxy(localstripe_url):
    proxy = StripeProxy(localstripe_url).start()
    yield proxy
    proxy.stop()


@pytest.fixture(autouse=True)
def clean_payment_cache():
    """Throttle histories, abuse counters, tokens and seen signatures start empty in every test, and are
    emptied after it: a block a test provoked on 127.0.0.1 would refuse the next module's payments."""
    client = cache._cache.get_client(None, write=True)

    def empty():
        for pattern in ("*payments:*", "*throttle_payment_attempts_*"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            if keys:
                client.delete(*keys)

    empty()
    yield
    empty()


@pytest.fixture
def stripe_env(settings, stripe_proxy):
    settings.STRIPE_API_BASE = stripe_proxy.url
    settings.STRIPE_API_KEY = "sk_test_nzila"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.PAYMENTS_RETRY_BASE_SECONDS = 0.01
    stripe_proxy.reset()
    return stripe_proxy


@pytest.fixture
def currencies(db):
    from catalog.models import Currency

    now = timezone.now()
    for code, rate in RATES.items():
        Currency.objects.update_or_create(
            code=code, defaults={"name": code, "units_per_usd": Decimal(rate), "rate_updated_at": now}
        )


_counter = iter(range(1, 10**9))


def make_user(*, staff: bool = False) -> User:
    n = next(_counter)
    return User.objects.create_user(f"user{n}-{time.monotonic_ns()}", f"user{n}@example.com", "pw", is_staff=staff)


def make_buyer(*, country: str = "KE", phone: str = "+254712345678"):
    from buyers.models import Buyer

    user = make_user()
    return Buyer.objects.create(user=user, full_name=f"Buyer {user.pk}", country=country, phone_e164=phone)


def make_deal(buyer, *, price: str = "1000.00", deposit: str = "200.00", currency: str = "USD", stage: str = "agreed"):
    from catalog.models import Dealer, Vehicle
    from sales.models import Deal

    dealer = Dealer.objects.create(name="Tokyo Motors", country="JP", city="Yokohama")
    vehicle = Vehicle.objects.create(
        make="Toyota",
        model="Hilux",
        year=2019,
        price=Decimal(price),
        currency_id=currency,
        dealer=dealer,
        country="JP",
        listed_at=timezone.now(),
    )
    return Deal.objects.create(
        buyer=buyer,
        vehicle=vehicle,
        agreed_price=Decimal(price),
        deposit_amount=Decimal(deposit),
        currency_id=currency,
        stage=stage,
    )


@pytest.fixture
def paid(client, currencies, stripe_env, localstripe_url):
    """A 1000 USD deal paid in full by card through the API; `client` is left signed in as its buyer."""
    from payments.models import Payment

    buyer = make_buyer()
    client.force_login(buyer.user)
    deal = make_deal(buyer, price="1000.00", deposit="0")
    client.post(
        "/api/v1/payments/methods",
        {"payment_method": new_card(localstripe_url), "default": True},
        content_type="application/json",
    )
    body = client.post(
        "/api/v1/payments/", {"purpose": "deal", "method": "card", "deal_id": deal.id}, content_type="application/json"
    ).json()
    assert body["state"] == "succeeded", body
    return Payment.objects.get(pk=body["id"])


def new_card(stripe_url: str, number: str = "4242424242424242") -> str:
    """A payment method as Stripe.js would create it in the buyer's browser."""
    response = requests.post(
        f"{stripe_url}/v1/payment_methods",
        auth=("sk_test_nzila", ""),
        data={
            "type": "card",
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2030",
            "card[cvc]": "123",
        },
    )
    response.raise_for_status()
    return response.json()["id"]


def signed(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
    """A webhook delivery signed the way Stripe signs it (the stripe library's own scheme)."""
    payload = json.dumps(event).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload.decode()}", secret)
    return payload, f"t={timestamp},v1={signature}"


def stripe_event(event_type: str, obj: dict, *, created: int | None = None) -> dict:
    """An event as Stripe documents it (https://docs.stripe.com/api/events/object)."""
    return {
        "id": f"evt_{time.monotonic_ns()}",
        "object": "event",
        "api_version": stripe.api_version,
        "created": created or int(time.time()),
        "type": event_type,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    }


def post_event(client, event: dict, **kwargs):
    payload, header = signed(event, **kwargs)
    return client.post(
        "/api/v1/payments/webhooks/stripe", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


@pytest.fixture(scope="session")
def operators():
    sims = {
        "mpesa": MpesaSimulator().start(),
        "mtn_momo": MtnMomoSimulator().start(),
        "orange_money": OrangeMoneySimulator().start(),
        "airtel_money": AirtelMoneySimulator().start(),
    }
    yield sims
    for sim in sims.values():
        sim.stop()


@pytest.fixture
def mobile_env(settings, operators):
    mpesa, mtn, orange, airtel = (operators[k] for k in ("mpesa", "mtn_momo", "orange_money", "airtel_money"))
    settings.MPESA_BASE_URL, settings.MPESA_CONSUMER_KEY = mpesa.url, mpesa.consumer_key
    settings.MPESA_CONSUMER_SECRET, settings.MPESA_SHORTCODE, settings.MPESA_PASSKEY = (
        mpesa.consumer_secret,
        mpesa.shortcode,
        mpesa.passkey,
    )
    settings.MTN_MOMO_BASE_URL, settings.MTN_MOMO_SUBSCRIPTION_KEY = mtn.url, mtn.subscription_key
    settings.MTN_MOMO_API_USER, settings.MTN_MOMO_API_KEY = mtn.api_user, mtn.api_key
    settings.ORANGE_MONEY_BASE_URL, settings.ORANGE_MONEY_CLIENT_ID = orange.url, orange.client_id
    settings.ORANGE_MONEY_CLIENT_SECRET, settings.ORANGE_MONEY_MERCHANT_KEY = orange.client_secret, orange.merchant_key
    settings.AIRTEL_MONEY_BASE_URL, settings.AIRTEL_MONEY_CLIENT_ID = airtel.url, airtel.client_id
    settings.AIRTEL_MONEY_CLIENT_SECRET = airtel.client_secret
    settings.PAYMENTS_RETRY_BASE_SECONDS = 0.01
    for sim in operators.values():
        sim.lose_answers, sim.refuse_next = 0, []
    return operators


def long_ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)
