"""The dealer's console on a phone: it fits 360 px, reads as people read (amounts grouped,
words for statuses and bodies), the bulk action starts unchosen, the year facet lists the stock's
years newest first as links. Screenshots go to $NZILA_SCREENSHOTS when it is set."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from catalog.models import Vehicle
from tests.browser.conftest import shot, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def css(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector)


def open_console(driver, live_stack, language="en", path=""):
    dealer = live_stack.market.dealers[0]
    if language == "fr":
        driver.get(live_stack.at("/static/web/site.css"))
        driver.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "path": "/"})
    sign_in(driver, live_stack, "dealer-member", next_path=f"/dealer/{dealer.pk}/{path}")
    wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "table.inventory"))
    return dealer


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_console_fits_a_phone_bulk_price_field_included(live_stack, phone, language):
    open_console(phone, live_stack, language)
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    percent = css(phone, ".bulk-actions input[name=percent]")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", percent)
    left, right = phone.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right]", percent
    )
    assert left >= 0 and right <= 360, (left, right)
    shot(phone, f"console-inventory-{language}")


def test_values_read_as_people_read_them_and_the_bulk_action_starts_unchosen(live_stack, phone):
    dealer = open_console(phone, live_stack)
    prices = [td.text for td in phone.find_elements(By.CSS_SELECTOR, "table.inventory td.price")]
    assert prices and all(re.fullmatch(r"\d{1,3}(,\d{3})* [A-Z]{3}", p) for p in prices), prices
    statuses = {s.text for s in phone.find_elements(By.CSS_SELECTOR, "table.inventory .pill")}
    assert statuses <= {"Available", "Reserved"}, statuses
    bodies = [a.text for a in phone.find_elements(By.CSS_SELECTOR, '.facet-link[data-facet="body"]')]
    assert "SUV" in bodies and "suv" not in bodies, bodies
    action = css(phone, ".bulk-actions select[name=action]")
    assert action.get_attribute("value") == ""
    first = css(phone, "table.inventory tbody input[name=vehicles]")
    vehicle_id = int(first.get_attribute("value"))
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
    first.click()
    css(phone, ".bulk-actions button[type=submit]").click()
    # The browser asks for an action; nothing is sent, nothing is sold.
    assert phone.execute_script("return arguments[0].validity.valueMissing", action)
    assert Vehicle.objects.get(pk=vehicle_id).status in ("available", "reserved")
    assert urlparse(phone.current_url).path == f"/dealer/{dealer.pk}/"


def test_the_year_facet_lists_the_stock_s_years_newest_first_as_links(live_stack, phone):
    dealer = open_console(phone, live_stack)
    years = phone.find_elements(By.CSS_SELECTOR, '.facet-link[data-facet="year"]')
    shown = [int(a.text) for a in years]
    newest = Vehicle.objects.filter(dealer=dealer, status__in=("available", "reserved")).order_by("-year")[0].year
    assert shown and shown[0] == newest and shown == sorted(shown, reverse=True), shown
    count = int(years[0].find_element(By.XPATH, "following-sibling::span[@class='count']").text)
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", years[0])
    years[0].click()
    wait_until(phone, lambda d: parse_qs(urlparse(d.current_url).query).get("year_min") == [str(newest)])
    assert parse_qs(urlparse(phone.current_url).query).get("year_max") == [str(newest)]
    assert int(css(phone, "#total").text) == count
    assert css(phone, '.facet-link[data-facet="year"][aria-current="true"]').text == str(newest)
