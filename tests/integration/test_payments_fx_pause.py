"""The exchange-rate staleness pause as staff see it: production (no accept-stale) refuses mobile money on
an old rate and the staff pages say which currencies are paused and why, in English and French; test mode
accepts the rate and says production would pause it; fresh rates are open."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from catalog.models import Currency
from payments.money import StaleRate, convert
from tests.support.factories import ensure_currencies

pytestmark = pytest.mark.django_db

PAGES = ("/admin/payments/exchangerate/", "/admin/payments/payment/")


@pytest.fixture
def staff(client):
    ensure_currencies()
    user = User.objects.create_user("rates-staff", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="staff"))
    client.force_login(user)
    return client


def _age_rates(hours: float, *codes: str) -> None:
    Currency.objects.filter(code__in=codes).update(rate_updated_at=timezone.now() - timedelta(hours=hours))


def test_production_pauses_mobile_money_on_an_old_rate_and_staff_see_why(staff, settings):
    settings.PAYMENTS_FX_ACCEPT_STALE = False
    _age_rates(1, *Currency.objects.values_list("code", flat=True))
    _age_rates(24 * 30, "KES")
    # The pause itself: the conversion a mobile-money charge needs is refused.
    with pytest.raises(StaleRate):
        convert(Decimal("100"), "USD", "KES")
    assert convert(Decimal("100"), "USD", "UGX").currency == "UGX"

    rates = staff.get(PAGES[0]).content.decode()
    assert "Paused: mobile-money payments in KES are refused because its exchange rate dates from" in rates
    assert "older than 48 hours" in rates and "Open: the rate dates from" in rates
    for page in PAGES:
        body = staff.get(page).content.decode()
        assert "Mobile money is paused in KES: their exchange rates are older than 48 hours." in body, page

    staff.cookies["django_language"] = "fr"
    rates = staff.get(PAGES[0]).content.decode()
    assert "En pause : les paiements mobile money en KES sont refusés car son taux de change date du" in rates
    assert "Le mobile money est en pause en KES" in rates and "Ouvert : le taux date du" in rates


def test_test_mode_accepts_an_old_rate_and_says_production_would_pause_it(staff, settings):
    settings.PAYMENTS_FX_ACCEPT_STALE = True
    _age_rates(24 * 30, "KES")
    assert convert(Decimal("100"), "USD", "KES").currency == "KES"
    body = staff.get(PAGES[0]).content.decode()
    assert "Test mode: the KES rate dates from" in body and "production would pause it" in body
    assert "Mobile money is paused" not in staff.get(PAGES[1]).content.decode()


def test_with_fresh_rates_nothing_is_paused(staff, settings):
    settings.PAYMENTS_FX_ACCEPT_STALE = False
    _age_rates(1, *Currency.objects.values_list("code", flat=True))
    for page in PAGES:
        body = staff.get(page).content.decode()
        assert "paused" not in body.lower(), page
