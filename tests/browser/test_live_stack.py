"""The browser fixtures themselves: the live server answers from the test database and the real engine,
and a write committed while the pages are up reaches search through the worker and the listener."""

import json

import pytest
from selenium.webdriver.common.by import By

from catalog.models import Vehicle
from tests.browser.conftest import committed, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _api_total(driver, live_stack, query: str) -> int:
    driver.get(live_stack.at(f"/api/v1/vehicles/search?{query}"))
    return json.loads(driver.find_element(By.TAG_NAME, "body").text)["total"]


def test_a_committed_write_becomes_searchable_in_the_browser(live_stack, browser):
    camry = Vehicle.objects.get(pk=live_stack.market.coviewed["camry"])
    assert _api_total(browser, live_stack, "make=Toyota&model=Camry&year_min=1990&year_max=1990") == 0

    committed(Vehicle.objects.filter(pk=camry.pk).update, year=1990)

    def reindexed(driver):
        return _api_total(driver, live_stack, "make=Toyota&model=Camry&year_min=1990&year_max=1990") == 1

    wait_until(browser, reindexed, timeout=30, message="the worker and listener never indexed the change")


def test_the_phone_browser_is_phone_sized(live_stack, phone):
    phone.get(live_stack.at("/"))  # a page with a viewport meta tag: a phone lays it out 360 px wide
    assert phone.execute_script("return window.innerWidth") == 360
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
