"""The buyers' search and vehicle pages in a real headless Chromium, against the live app, the real
engine and the indexers: typeahead, facets, ranges, load more, history, languages and currencies,
saving a search and watching a price, and axe-core's accessibility audit."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from catalog.models import Currency, Vehicle
from notifications.models import PriceWatch, SavedSearch
from search.currency import forget_rates, to_usd
from tests.browser.conftest import committed, make_user, run_axe, sign_in, wait_until
from tests.support.search_fixtures import PUBLIC_STATUSES, sql_counts, sql_vehicles

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
OPTIONS = "#q-options [role=option]"


def css(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector)


def shown_total(driver) -> int:
    return int(re.sub(r"\D", "", css(driver, "#results-title").text.split(" ")[0]) or 0)


def url_params(driver) -> dict[str, list[str]]:
    return parse_qs(urlparse(driver.current_url).query)


def facet_counts(driver, facet: str) -> dict[str, int]:
    counts = {}
    for label in driver.find_elements(By.CSS_SELECTOR, f'fieldset[data-facet="{facet}"] > label.facet-value'):
        value = label.find_element(By.TAG_NAME, "input").get_attribute("value")
        counts[value] = int(re.sub(r"\D", "", label.find_element(By.CLASS_NAME, "count").text))
    return counts


def check(driver, facet: str, value: str):
    """Tick a facet value and wait for the page to show the new state."""
    box = css(driver, f'input[name="{facet}"][value="{value}"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    wait_until(driver, lambda d: value in url_params(d).get(facet, []))
    wait_until(driver, lambda d: css(d, f'input[name="{facet}"][value="{value}"]').is_selected())
    wait_until(driver, lambda d: d.find_element(By.ID, "search-body").get_attribute("aria-busy") is None)


def open_search(driver, live_stack, path="/"):
    driver.get(live_stack.at(path))
    wait_until(driver, lambda d: "js" in d.find_element(By.TAG_NAME, "html").get_attribute("class"))


def test_a_misspelled_make_finds_the_suggestion_to_pick(live_stack, browser):
    open_search(browser, live_stack)
    css(browser, "#q").send_keys("toyta")
    option = wait_until(
        browser,
        lambda d: next(
            (o for o in d.find_elements(By.CSS_SELECTOR, "#q-options [role=option]") if o.text.startswith("Toyota")),
            None,
        ),
    )
    assert css(browser, "#q").get_attribute("aria-expanded") == "true"
    option.click()
    wait_until(browser, lambda d: url_params(d).get("make") == ["Toyota"])
    wait_until(browser, lambda d: shown_total(d) == sql_vehicles({"make": ["Toyota"]}).count())
    assert "Toyota" in css(browser, ".chips").text


def test_the_keyboard_drives_the_suggestions(live_stack, browser):
    open_search(browser, live_stack)
    box = css(browser, "#q")
    box.send_keys("hond")
    wait_until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#q-options [role=option]"))
    box.send_keys(Keys.ARROW_DOWN)
    active = box.get_attribute("aria-activedescendant")
    assert active and css(browser, f"#{active}").get_attribute("aria-selected") == "true"
    box.send_keys(Keys.ESCAPE)
    assert css(browser, "#q-options").get_attribute("hidden") is not None
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    wait_until(browser, lambda d: url_params(d).get("make") == ["Honda"])


def test_two_makes_change_the_other_facets_while_the_make_list_keeps_its_counts(live_stack, browser):
    open_search(browser, live_stack)
    makes_before = facet_counts(browser, "make")
    bodies_before = facet_counts(browser, "body")
    check(browser, "make", "Toyota")
    check(browser, "make", "Honda")
    wait_until(browser, lambda d: shown_total(d) == sql_vehicles({"make": ["Toyota", "Honda"]}).count())
    assert facet_counts(browser, "make") == makes_before
    bodies_after = facet_counts(browser, "body")
    assert bodies_after != bodies_before
    assert bodies_after == sql_counts("body", {"make": ["Toyota", "Honda"]})
    # The make->model tree: the chosen makes' models appear beneath them.
    assert browser.find_elements(By.CSS_SELECTOR, 'input[name="model"][value="Camry"]')
    assert browser.find_elements(By.CSS_SELECTOR, 'input[name="model"][value="Civic"]')


def test_a_price_range_narrows_the_results(live_stack, browser):
    open_search(browser, live_stack)
    low, high = 15000, 25000
    css(browser, 'input[name="price_min"]').send_keys(str(low), Keys.TAB)
    wait_until(browser, lambda d: url_params(d).get("price_min") == [str(low)])
    css(browser, 'input[name="price_max"]').send_keys(str(high), Keys.TAB)
    wait_until(browser, lambda d: url_params(d).get("price_max") == [str(high)])
    expected = sum(
        1
        for v in Vehicle.objects.filter(status__in=PUBLIC_STATUSES).select_related("currency")
        if low <= to_usd(v.price, v.currency.units_per_usd) <= high
    )
    wait_until(browser, lambda d: shown_total(d) == expected, message=f"expected {expected}")
    assert "Price" in css(browser, ".chips").text


def test_load_more_appends_the_next_page(live_stack, browser):
    open_search(browser, live_stack)
    first = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#result-list .card-link")]
    css(browser, "#load-more").click()
    wait_until(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#result-list .card")) == 40)
    all_links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#result-list .card-link")]
    assert all_links[:20] == first and len(set(all_links)) == 40


def test_a_reload_after_load_more_shows_the_same_results(live_stack, browser):
    open_search(browser, live_stack, "/?sort=newest")
    css(browser, "#load-more").click()
    wait_until(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#result-list .card")) == 40)
    wait_until(browser, lambda d: url_params(d).get("pages") == ["2"], message="the URL does not say 2 pages")
    assert "cursor" not in url_params(browser)
    loaded = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#result-list .card-link")]
    assert "position=40" in loaded[-1]
    browser.refresh()
    wait_until(browser, lambda d: "js" in d.find_element(By.TAG_NAME, "html").get_attribute("class"))
    again = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#result-list .card-link")]
    strip = lambda links: [link.split("?")[0] for link in links]  # noqa: E731 (search ids differ per search)
    assert strip(again) == strip(loaded) and "position=40" in again[-1]
    assert "pages=3" in css(browser, "#load-more").get_attribute("href")


def test_the_zero_result_page_offers_the_exact_search_and_popular_searches(live_stack, browser):
    open_search(browser, live_stack, "/?q=toyota+hilux+2015")
    exact = css(browser, ".interpretation a")
    exact.click()
    wait_until(browser, lambda d: url_params(d).get("interpret") == ["0"], message="no interpret=0 in the URL")
    wait_until(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, ".interpretation"))
    open_search(browser, live_stack, "/?q=toyta+camri&make=BMW")
    assert css(browser, ".did-you-mean a").get_attribute("href")
    assert css(browser, "#relaxed-results .cards .card")
    assert run_axe(browser) == []


def test_a_vehicle_page_shows_similar_vehicles_with_reasons(live_stack, browser):
    open_search(browser, live_stack, "/?make=Toyota&model=Camry")
    css(browser, "#result-list .card-link").click()
    wait_until(browser, lambda d: "/vehicles/" in d.current_url)
    reasons = browser.find_elements(By.CSS_SELECTOR, "#similar .reasons li")
    assert reasons and any("Same model" in r.text for r in reasons)
    # The market's dealers have no verified WhatsApp number: the platform's question form is the contact.
    assert css(browser, "#ask-form").is_displayed() and not browser.find_elements(By.CSS_SELECTOR, "a.whatsapp")


def test_a_sold_vehicle_says_so_and_offers_similar_ones(live_stack, browser):
    sold = live_stack.market.coviewed["sold"]
    browser.get(live_stack.at(f"/vehicles/{sold}/"))
    assert "no longer available" in css(browser, "#no-longer-available").text
    assert browser.find_elements(By.CSS_SELECTOR, "#similar .card")


def test_reload_and_back_restore_the_same_state(live_stack, browser):
    open_search(browser, live_stack)
    check(browser, "make", "Toyota")
    toyota_total = shown_total(browser)
    check(browser, "body", "suv")
    suv_total = shown_total(browser)
    Select(css(browser, 'select[name="sort"]')).select_by_value("price_asc")
    wait_until(browser, lambda d: url_params(d).get("sort") == ["price_asc"])
    browser.refresh()
    wait_until(browser, lambda d: shown_total(d) == suv_total)
    assert css(browser, 'input[name="body"][value="suv"]').is_selected()
    assert Select(css(browser, 'select[name="sort"]')).first_selected_option.get_attribute("value") == "price_asc"
    browser.back()
    wait_until(browser, lambda d: "sort" not in url_params(d))
    browser.back()
    wait_until(browser, lambda d: url_params(d).get("make") == ["Toyota"] and "body" not in url_params(d))
    wait_until(browser, lambda d: shown_total(d) == toyota_total)
    assert not css(browser, 'input[name="body"][value="suv"]').is_selected()
    browser.forward()
    wait_until(browser, lambda d: shown_total(d) == suv_total)


@pytest.fixture
def west_african_franc(live_stack):
    committed(
        Currency.objects.get_or_create,
        code="XOF",
        defaults={"name": "CFA franc BCEAO", "units_per_usd": Decimal("600"), "rate_updated_at": timezone.now()},
    )
    forget_rates()
    yield "XOF"
    forget_rates()


def test_french_and_cfa_francs(live_stack, browser, west_african_franc):
    open_search(browser, live_stack, "/?make=BMW")
    Select(css(browser, "#language")).select_by_value("fr")
    css(browser, "form.language button").click()
    wait_until(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr")
    assert "véhicule" in css(browser, "#results-title").text
    Select(css(browser, 'select[name="currency"]')).select_by_value("XOF")
    wait_until(browser, lambda d: url_params(d).get("currency") == ["XOF"])
    wait_until(browser, lambda d: "XOF" in css(d, "#result-list .price").text)
    price = css(browser, "#result-list .price").text
    # French groups thousands with a (narrow) no-break space: "12 345 678 XOF".
    assert re.search(r"\d[\u202f\u00a0 ]\d{3}", price), price
    # Remembered: a new page without the parameter still shows francs, in French.
    browser.get(live_stack.at("/"))
    assert "XOF" in css(browser, "#result-list .price").text
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"


def test_a_buyer_signs_in_saves_a_search_and_watches_a_price(live_stack, browser):
    buyer = make_user("browser-buyer")
    camry = live_stack.market.coviewed["camry"]
    browser.get(live_stack.at(f"/vehicles/{camry}/"))
    sign_in_link = css(browser, ".actions a[href^='/accounts/login/']")
    assert "next=" in sign_in_link.get_attribute("href")
    sign_in(browser, live_stack, "browser-buyer", next_path=urlparse(browser.current_url).path)
    assert "/vehicles/" in browser.current_url
    css(browser, "[data-action=save-search]").click()
    wait_until(browser, lambda d: css(d, ".action-status").get_attribute("data-ok") == "true")
    css(browser, "[data-action=watch-price]").click()
    wait_until(browser, lambda d: "Price watched" in css(d, ".action-status").text)
    assert SavedSearch.objects.filter(user=buyer).count() == 1
    assert PriceWatch.objects.filter(user=buyer, vehicle_id=camry).count() == 1


@pytest.mark.parametrize(
    "path",
    ["/", "/?make=Toyota&body=suv&price_min=10000", "/?q=zzzqqq", "/?q=toyta+camri&make=BMW", "VEHICLE"],
    ids=["home", "filtered", "zero", "zero-relaxed", "vehicle"],
)
def test_no_serious_accessibility_violations(live_stack, phone, path):
    if path == "VEHICLE":
        path = f"/vehicles/{live_stack.market.coviewed['camry']}/"
    phone.get(live_stack.at(path))
    assert run_axe(phone) == []


def test_the_search_page_fits_a_phone(live_stack, phone):
    open_search(phone, live_stack)
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    # The filters fold away on a phone; results are what a buyer sees first.
    assert css(phone, "#result-list .card").is_displayed()


SLOW_FIRST_ANSWERS = """
// The answers for the first letters arrive last (as on a congested mobile link).
const realFetch = window.fetch;
window.fetch = (url, options) => {
  const slow = String(url).includes('/suggest?q=to&') || String(url).includes('/suggest?q=t&');
  return realFetch(url, options).then(r => slow ? new Promise(ok => setTimeout(() => ok(r), 1500)) : r);
};
"""


def test_an_older_answer_never_replaces_a_newer_one(live_stack, browser):
    open_search(browser, live_stack)
    browser.execute_script(SLOW_FIRST_ANSWERS)
    css(browser, "#q").send_keys("toyo")
    wait_until(browser, lambda d: css(d, "#q-options").get_attribute("data-query") == "toyo")
    # Wait for the slow answers to "t" and "to" to arrive, then check they were dropped.
    browser.execute_script("return new Promise(ok => setTimeout(ok, 2000))")
    assert css(browser, "#q-options").get_attribute("data-query") == "toyo"
    assert all(
        "Toyota" in o.text or "toyo" in o.text.lower() for o in browser.find_elements(By.CSS_SELECTOR, OPTIONS)[:1]
    )


def test_switching_currency_keeps_the_price_range_the_same_money(live_stack, browser):
    open_search(browser, live_stack, "/?price_max=20000&currency=USD")
    total = shown_total(browser)
    Select(css(browser, 'select[name="currency"]')).select_by_value("KES")
    wait_until(browser, lambda d: url_params(d).get("currency") == ["KES"])
    rate = Currency.objects.get(code="KES").units_per_usd
    assert url_params(browser)["price_max"] == [str(round(20000 * rate))]
    wait_until(browser, lambda d: "KES" in css(d, "#result-list .price").text)
    assert shown_total(browser) == total


@pytest.fixture
def no_javascript(browser):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    yield browser
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_without_javascript_the_form_still_filters(live_stack, no_javascript):
    driver = no_javascript
    driver.get(live_stack.at("/"))
    assert "js" not in (driver.find_element(By.TAG_NAME, "html").get_attribute("class") or "")
    css(driver, "#filters > summary").click()
    css(driver, 'input[name="make"][value="Honda"]').click()
    css(driver, "button.apply").click()
    wait_until(driver, lambda d: url_params(d).get("make") == ["Honda"])
    assert shown_total(driver) == sql_vehicles({"make": ["Honda"]}).count()
