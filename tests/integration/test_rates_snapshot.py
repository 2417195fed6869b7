"""The shipped exchange-rate snapshot: loaded with its own date and source, never over a newer rate; pages
that convert say how old the rates are and never present stale ones as today's."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Currency
from catalog.rates_snapshot import load_snapshot, snapshot_rates
from web.currency import rates_age

pytestmark = pytest.mark.django_db


def test_the_snapshot_replaces_unsourced_seed_rates_with_their_publication_date_and_source():
    rates = {r.code: r for r in snapshot_rates()}
    assert rates["KES"].units_per_usd == Decimal("119.45")
    # XOF per USD = 655.957 XOF per EUR x (119.45 KES per USD / 121.3479 KES per EUR), from the published figures.
    expected = (Decimal("655.957") * Decimal("119.4500") / Decimal("121.3479")).quantize(Decimal("1e-8"))
    assert rates["XOF"].units_per_usd == expected
    Currency.objects.filter(code="KES").update(rate_source="", rate_updated_at=timezone.now() - timedelta(days=1))
    assert "KES" in load_snapshot()
    kes = Currency.objects.get(code="KES")
    assert kes.units_per_usd == Decimal("119.45") and kes.rate_updated_at.date().isoformat() == "2022-08-17"
    assert "Central Bank of Kenya" in kes.rate_source and "centralbank.go.ke" in kes.rate_source


def test_the_snapshot_never_replaces_a_newer_rate_from_a_provider():
    fetched = timezone.now() - timedelta(hours=1)
    Currency.objects.filter(code="KES").update(
        units_per_usd=Decimal("130"), rate_updated_at=fetched, rate_source="https://open.er-api.com/v6/latest/USD"
    )
    assert "KES" not in load_snapshot()
    assert Currency.objects.get(code="KES").units_per_usd == Decimal("130")


def test_rates_age_says_the_oldest_date_and_whether_it_is_stale(settings):
    settings.PAYMENTS_FX_MAX_AGE_HOURS = 48
    load_snapshot()
    Currency.objects.filter(code="GBP").update(rate_updated_at=timezone.now(), rate_source="feed")
    age = rates_age(["USD", "KES", "GBP"])
    assert age.date.date().isoformat() == "2022-08-17" and age.stale and age.days > 365
    assert any("Central Bank of Kenya" in s for s in age.sources) and "feed" in age.sources
    fresh = rates_age(["GBP"])
    assert not fresh.stale and fresh.days == 0
    assert rates_age(["USD"]) is None
    # A seed rate (no source recorded) says so; a source named by two rows is named once.
    assert [str(x) for x in rates_age(["NGN"]).sources] == ["built-in reference rates, source not recorded"]
    assert sum("Central Bank of Kenya" in str(x) for x in rates_age(["KES", "XOF", "EUR"]).sources) == 1


def test_converted_prices_say_their_rates_date_source_and_age_in_english_and_french():
    from django.template.loader import render_to_string
    from django.utils import translation

    from web.views import converted_rates_age

    load_snapshot()
    cards = [{"price": {"amount": 20000, "currency": "USD"}}, {"price": {"amount": 9000, "currency": "GBP"}}]
    assert converted_rates_age("USD", cards[:1]) is None  # nothing converted, nothing to say
    age = converted_rates_age("KES", cards)
    with translation.override("en"):
        text = render_to_string("web/_rates_age.html", {"rates_age": age})
    assert "rates of Aug. 17, 2022" in text and "a guide, not today" in text and "centralbank.go.ke" in text
    with translation.override("fr"):
        text = render_to_string("web/_rates_age.html", {"rates_age": age})
    assert "taux du 17 août 2022" in text and "pas le taux du jour" in text
