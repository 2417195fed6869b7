"""What production refuses to start with (nzila/payment_endpoints.py, called by settings.py outside test
mode): each test setting on its own is named, and live settings pass."""

from __future__ import annotations

import pytest

from nzila.payment_endpoints import LIVE_STRIPE_BASE, payment_test_endpoints

LIVE = {
    "stripe_api_key": "sk_live_abc",
    "stripe_api_base": LIVE_STRIPE_BASE,
    "operator_urls": {
        "NZILA_MPESA_BASE_URL": "https://api.safaricom.co.ke",
        "NZILA_MTN_MOMO_BASE_URL": "https://proxy.momoapi.mtn.com",
        "NZILA_ORANGE_MONEY_BASE_URL": "https://api.orange.com",
        "NZILA_AIRTEL_MONEY_BASE_URL": "https://openapi.airtel.africa",
    },
}

REFUSED = [
    ("a Stripe test secret key", {"stripe_api_key": "sk_test_abc"}, "STRIPE_API_KEY is a test key"),
    ("a Stripe test restricted key", {"stripe_api_key": "rk_test_abc"}, "STRIPE_API_KEY is a test key"),
    (
        "a local Stripe endpoint",
        {"stripe_api_base": "http://127.0.0.1:8420"},
        "STRIPE_API_BASE is http://127.0.0.1:8420",
    ),
    ("another Stripe host", {"stripe_api_base": "https://stripe.example.com"}, "not https://api.stripe.com"),
    ("M-Pesa's sandbox", {"NZILA_MPESA_BASE_URL": "https://sandbox.safaricom.co.ke"}, "NZILA_MPESA_BASE_URL is a test"),
    ("MTN's sandbox", {"NZILA_MTN_MOMO_BASE_URL": "https://sandbox.momodeveloper.mtn.com"}, "NZILA_MTN_MOMO_BASE_URL"),
    ("Orange over plain HTTP", {"NZILA_ORANGE_MONEY_BASE_URL": "http://api.orange.com"}, "NZILA_ORANGE_MONEY_BASE_URL"),
    (
        "Airtel's UAT",
        {"NZILA_AIRTEL_MONEY_BASE_URL": "https://openapiuat.airtel.africa"},
        "NZILA_AIRTEL_MONEY_BASE_URL",
    ),
    ("a local simulator", {"NZILA_MPESA_BASE_URL": "http://localhost:8430"}, "NZILA_MPESA_BASE_URL is a test"),
    ("stale rates accepted", {"fx_accept_stale": True}, "NZILA_PAYMENTS_FX_ACCEPT_STALE charges with stale"),
]


def _with(change: dict) -> dict:
    operators = {k: v for k, v in change.items() if k.startswith("NZILA_")}
    rest = {k: v for k, v in change.items() if not k.startswith("NZILA_")}
    return {**LIVE, **rest, "operator_urls": {**LIVE["operator_urls"], **operators}}


def test_live_settings_are_accepted():
    assert payment_test_endpoints(**LIVE) == []


@pytest.mark.parametrize(("change", "reason"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_each_test_setting_is_refused_by_name(change, reason):
    (problem,) = payment_test_endpoints(**_with(change))
    assert reason in problem
