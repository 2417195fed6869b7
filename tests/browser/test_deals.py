"""Deal ratings in a real Chromium: a buyer on a phone sorts by best deals and reads the
rating on a card and on the vehicle page; a dealer confirms a held listing from the console on a phone
and it comes back to buyers' search through the worker (valuation) and the listener (drain).

The serving model is the small real one of tests/support/market_model.py, registered for this module
in the model directory the live stack's worker reads too."""

from __future__ import annotations

import os
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from catalog.models import Dealer, Vehicle
from pricing.models import MarketValueModel
from pricing.serving import value_changed
from search.client import get_client
from search.indexes import vehicles_alias
from tests.browser.conftest import committed, make_user, run_axe, sign_in, until_searchable, wait_until
from tests.support.factories import make_dealer, make_vehicle
from tests.support.market_model import fair_price, register_test_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
YEAR, KM = timezone.now().year - 4, 80_000
# Seconds for a write to be valued (worker) and indexed (listener and worker) on the shared cores.
SYNC = 60


@pytest.fixture(scope="module", autouse=True)
def serving_model(django_db_setup, django_db_blocker):
    """The model, saved where the live stack's worker looks for it (the settings it shares with this
    process), so it serves whichever browser module started the stack first."""
    directory = settings.MARKET_VALUE_MODEL_DIR
    directory.mkdir(parents=True, exist_ok=True)
    with django_db_blocker.unblock():
        entry = committed(register_test_model, directory)
    yield entry
    with django_db_blocker.unblock():
        committed(lambda: MarketValueModel.objects.filter(pk=entry.pk).delete())
    (directory / entry.artefact_path).unlink(missing_ok=True)


def _indexed(vehicle_id: int) -> dict | None:
    found = get_client().options(ignore_status=404).get(index=vehicles_alias(), id=str(vehicle_id))
    return found["_source"] if found.get("found") else None


def _until(condition, message: str, timeout: float = SYNC):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout} s: {message}")


@pytest.fixture(scope="module")
def yard(live_stack, django_db_blocker):
    """A dealer's Hiluxes (a great deal, a fair price, a 0.2x typo that is held), valued and indexed."""

    def create():
        dealer = make_dealer(name="Deal Yard")
        cars = {}
        for name, share in (("great", 0.75), ("fair", 1.0), ("typo", 0.2)):
            price = Decimal(str(round(fair_price("Toyota", "Hilux", YEAR, KM) * share, -1)))
            cars[name] = make_vehicle(
                dealer, model="Hilux", trim="", year=YEAR, mileage_km=KM, price=price, body_type="pickup"
            ).pk
        return dealer, cars

    with django_db_blocker.unblock():
        dealer, cars = committed(create)
        member = make_user("deal-dealer")
        committed(lambda: dealer.members.add(member))
        committed(value_changed)  # what the scheduled sweep does; the listener and worker index the result
        until_searchable([cars["great"]], SYNC, where=lambda car: car.get("deal_rating") == "great")
        until_searchable([cars["fair"]], SYNC)
        assert Vehicle.objects.get(pk=cars["typo"]).held_reason == "price_far_below"
        yield dealer, member, cars
        committed(lambda: Vehicle.objects.filter(dealer=dealer).delete())
        committed(lambda: Dealer.objects.filter(pk=dealer.pk).delete())
        committed(member.delete)


def css(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector)


def test_a_buyer_on_a_phone_sorts_by_best_deals_and_reads_the_rating(live_stack, phone, yard):
    dealer, _, cars = yard
    phone.get(live_stack.at(f"/?dealer={dealer.pk}"))
    Select(css(phone, 'select[name="sort"]')).select_by_value("best_deals")
    wait_until(phone, lambda d: "sort=best_deals" in d.current_url, message="the sort in the URL")
    wait_until(
        phone,
        lambda d: (
            [c.get_attribute("href").split("/")[4] for c in d.find_elements(By.CSS_SELECTOR, "#result-list .card-link")]
            == [str(cars["great"]), str(cars["fair"])]
        ),
        message="best deal first, the held listing nowhere",
    )
    first = css(phone, "#result-list .card")
    assert first.find_element(By.CSS_SELECTOR, ".deal .badge").text == "Great deal"
    assert "below similar" in first.find_element(By.CSS_SELECTOR, ".deal-why").text
    assert first.find_element(By.CSS_SELECTOR, ".deal").is_displayed()
    assert not run_axe(phone)

    first.find_element(By.CSS_SELECTOR, ".card-link").click()
    wait_until(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "#deal"), message="the vehicle page")
    block = css(phone, "#deal")
    assert block.find_element(By.CSS_SELECTOR, ".badge").text == "Great deal"
    assert "below similar" in block.text and "Market value" in block.text
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360, "nothing wider than the phone"
    assert not run_axe(phone)


def test_a_dealer_confirms_a_held_listing_from_the_console_and_it_returns_to_search(live_stack, phone, yard):
    dealer, member, cars = yard
    sign_in(phone, live_stack, member.username, next_path=f"/dealer/{dealer.pk}/")
    held = css(phone, f".held-item[data-vehicle='{cars['typo']}']")
    assert "far below the market value" in held.find_element(By.CSS_SELECTOR, ".held-why").text
    assert not run_axe(phone)
    held.find_element(By.CSS_SELECTOR, "button.confirm-price").click()
    wait_until(phone, lambda d: "Price confirmed" in css(d, ".messages").text, message="the confirmation")

    # The worker values it (kicked after the commit), the hold lifts, the listener and worker index it.
    _until(lambda: _indexed(cars["typo"]) is not None, "the confirmed listing back in the index")

    def listed() -> bool:
        # A realtime GET sees the document before a search does (the index refreshes every second).
        phone.get(live_stack.at(f"/?dealer={dealer.pk}&sort=best_deals"))
        hrefs = [c.get_attribute("href") for c in phone.find_elements(By.CSS_SELECTOR, "#result-list .card-link")]
        return any(f"/vehicles/{cars['typo']}/" in href for href in hrefs)

    _until(listed, "the confirmed listing in the dealer's search results")
    phone.get(live_stack.at(f"/dealer/{dealer.pk}/"))
    assert not phone.find_elements(By.CSS_SELECTOR, ".held-item")
