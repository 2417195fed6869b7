"""A buyer in Abidjan on a phone: chooses the port, sees totals in XOF, sorts by them, keeps only cars
Côte d'Ivoire admits, and opens a car refused for its age to read why (English and French)."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import committed, until_searchable, wait_until
from tests.browser.test_buyers_search import css, open_search
from tests.support.search_fixtures import add_export_stock

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def export_stack(live_stack):
    """The live stack plus cars in Japan and the US (they ship to Abidjan), indexed by the running worker."""
    added = committed(add_export_stock)
    until_searchable([car.pk for car in added])
    return live_stack


def amounts(driver) -> list[int | None]:
    out = []
    for card in driver.find_elements(By.CSS_SELECTOR, "#result-list .card .delivered"):
        strong = card.find_elements(By.TAG_NAME, "strong")
        out.append(int(re.sub(r"\D", "", strong[0].text)) if strong else None)
    return out


def idle(driver):
    wait_until(driver, lambda d: d.find_element(By.ID, "search-body").get_attribute("aria-busy") is None)


def test_a_buyer_in_abidjan_sorts_filters_and_reads_why_a_car_is_refused(export_stack, phone):
    open_search(phone, export_stack, "/?port=none")
    # A buyer who has chosen no currency yet (earlier tests in this browser may have chosen one).
    phone.delete_all_cookies()
    open_search(phone, export_stack, "/?port=none")
    Select(css(phone, "#port")).select_by_value("CIABJ")
    wait_until(phone, lambda d: "port=CIABJ" in d.current_url and d.find_elements(By.CSS_SELECTOR, ".card .delivered"))
    # No currency chosen before: the port's own.
    wait_until(
        phone, lambda d: any("XOF" in e.text for e in d.find_elements(By.CSS_SELECTOR, ".card .delivered strong"))
    )
    phone.save_screenshot("/tmp/e-delivered-search-en.png")

    Select(css(phone, 'select[name="sort"]')).select_by_value("delivered_asc")
    wait_until(phone, lambda d: "sort=delivered_asc" in d.current_url)
    idle(phone)
    shown = amounts(phone)
    priced = [a for a in shown if a is not None]
    assert priced and priced == sorted(priced) and shown[: len(priced)] == priced

    refused = phone.find_elements(By.CSS_SELECTOR, "#result-list .card .not-importable")
    assert any("too old" in e.text for e in refused)
    if not css(phone, "#filters").get_attribute("open"):
        css(phone, "#filters summary").click()
    box = css(phone, 'input[name="importable"][value="CI"]')
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    wait_until(phone, lambda d: "importable=CI" in d.current_url)
    idle(phone)
    assert phone.find_elements(By.CSS_SELECTOR, "#result-list .card")
    assert not phone.find_elements(By.CSS_SELECTOR, "#result-list .card .not-importable")

    # The remembered port and currency come back on a plain visit; a car refused for its age says why.
    open_search(phone, export_stack, "/?sort=delivered_asc")
    old = next(
        card
        for card in phone.find_elements(By.CSS_SELECTOR, "#result-list .card")
        if "too old" in card.text and "Delivered to Abidjan" in card.text
    )
    phone.get(old.find_element(By.CSS_SELECTOR, ".card-link").get_attribute("href"))
    verdict = css(phone, "#import-verdict").text
    assert "Not importable to Côte d'Ivoire" in verdict and "too old" in verdict
    assert "cars under 5 years old" in verdict and "model year" in verdict
    assert css(phone, "#delivery .breakdown").is_displayed() or "No estimate" in css(phone, "#delivery").text
    phone.save_screenshot("/tmp/e-delivered-vehicle-en.png")
    css(phone, "#other-ports summary").click()
    assert len(phone.find_elements(By.CSS_SELECTOR, "#other-ports li a")) == 10

    phone.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    phone.refresh()
    assert "Non importable en Côte d'Ivoire" in css(phone, "#import-verdict").text
    phone.save_screenshot("/tmp/e-delivered-vehicle-fr.png")
    open_search(phone, export_stack, "/")
    assert "Rendu Abidjan" in css(phone, "#result-list").text
    phone.save_screenshot("/tmp/e-delivered-search-fr.png")
