"""The broker's page on a phone: amounts grouped as people read them, in both languages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from tests.browser.conftest import committed, shot, sign_in, wait_until
from tests.browser.test_console_and_dashboard import _broker_with_a_paid_deal

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_broker_s_amounts_are_grouped(live_stack, phone, language):
    if language == "fr":
        phone.get(live_stack.at("/static/web/site.css"))
        phone.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "path": "/"})
    if not _broker_exists():
        _broker_with_a_paid_deal()
    sign_in(phone, live_stack, "broker-shots", next_path="/broker/")
    wait_until(phone, lambda d: d.find_elements(By.ID, "volume"))
    volume = re.sub(r"[\u00a0\u202f]", " ", phone.find_element(By.ID, "volume").text)
    assert volume == {"en": "60,000 USD", "fr": "60 000 USD"}[language]
    # No amount of five digits or more, nor one of thousands with cents, goes ungrouped.
    text = phone.find_element(By.TAG_NAME, "main").text
    assert not re.search(r"(?<![-\d])\d{5,}\b|\b\d{4,}[.,]\d\d\b", text), text
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    shot(phone, f"broker-{language}")


def _broker_exists() -> bool:
    from django.contrib.auth.models import User

    return User.objects.filter(username="broker-shots").exists()


def _broker_with_work_to_do():
    """A broker whose leads and deals wait on someone (and some that do not)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from buyers.models import Buyer
    from catalog.models import Vehicle
    from sales.models import Deal, Lead

    broker = User.objects.create_user("broker-work", password="pw")
    broker.groups.add(Group.objects.get_or_create(name="broker")[0])
    buyer = Buyer.objects.create(
        user=User.objects.create_user("broker-work-buyer", password="pw"), full_name="Amina Buyer", country="NG"
    )
    vehicles = iter(Vehicle.objects.filter(status="available").select_related("dealer")[:6])
    now = timezone.now()

    def lead(status="new", days=0):
        vehicle = next(vehicles)
        made = Lead.objects.create(
            buyer=buyer, vehicle=vehicle, dealer=vehicle.dealer, source="broker", broker=broker, status=status
        )
        Lead.objects.filter(pk=made.pk).update(created_at=now - timedelta(days=days))
        return made

    def deal(stage, days):
        made = lead("converted")
        Deal.objects.create(
            lead=made, buyer=buyer, vehicle=made.vehicle, stage=stage, agreed_price=Decimal("50000"), currency_id="USD"
        )
        Deal.objects.filter(lead=made).update(stage_changed_at=now - timedelta(days=days))

    lead(days=3)  # the dealer never called: shown
    lead(days=0)  # today's: not yet
    deal("agreed", 10)  # the deposit is late: shown
    deal("deposit_paid", 12)  # the balance is late: shown
    deal("negotiation", 1)  # moving: not shown
    return broker


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_broker_sees_the_leads_and_deals_to_act_on(live_stack, phone, language):
    from django.contrib.auth.models import User

    if language == "fr":
        phone.get(live_stack.at("/static/web/site.css"))
        phone.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "path": "/"})
    if not User.objects.filter(username="broker-work").exists():
        committed(_broker_with_work_to_do)
    sign_in(phone, live_stack, "broker-work", next_path="/broker/")
    items = wait_until(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "#work li[data-reason]"))
    # Oldest first: the balance (12 days), the deposit (10 days), the lead nobody contacted (3 days).
    assert [item.get_attribute("data-reason") for item in items] == ["deal_balance", "deal_deposit", "lead_uncontacted"]
    texts = [re.sub(r"[\u00a0\u202f]", " ", item.text) for item in items]
    amount = {"en": "50,000 USD", "fr": "50 000 USD"}[language]
    assert amount in texts[0] and amount in texts[1], texts
    expected = {
        "en": ("the balance is not paid", "the deposit is not paid", "has not contacted the buyer for 3 d"),
        "fr": ("le solde n'est pas payé", "l'acompte n'est pas payé", "n'a pas contacté l'acheteur depuis 3 j"),
    }[language]
    for text, words in zip(texts, expected, strict=True):
        assert words in text, (words, text)
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    phone.execute_script("document.getElementById('work').scrollIntoView()")
    shot(phone, f"broker-work-{language}")
