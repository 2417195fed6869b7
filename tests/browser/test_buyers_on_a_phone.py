"""What can get in a buyer's way on a phone, each in a real headless Chromium against the live
app: state kept across languages and back links, the suggestion list after Enter, a facet tapped
offline, the filter sheet, vehicle suggestions told apart, popular searches, the error pages.

Screenshots at 360 px go to $NZILA_SCREENSHOTS when it is set (e.g. NZILA_SCREENSHOTS=/tmp/shots)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from django.conf import settings
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from catalog.models import Vehicle
from insights.models import SearchLog
from tests.browser.conftest import WAIT, committed, console_errors, shot, wait_until
from tests.support.factories import log_searches

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
OPTIONS = "#q-options [role=option]"


def url_params(driver) -> dict[str, list[str]]:
    return parse_qs(urlparse(driver.current_url).query)


def css(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector)


def shown_total(driver) -> int:
    return int(re.sub(r"\D", "", css(driver, "#results-title").text.split(" ")[0]) or 0)


def open_search(driver, live_stack, path="/"):
    driver.get(live_stack.at(path))
    wait_until(driver, lambda d: "js" in d.find_element(By.TAG_NAME, "html").get_attribute("class"))


def idle(driver) -> bool:
    return driver.find_element(By.ID, "search-body").get_attribute("aria-busy") is None


def tick(driver, facet: str, value: str):
    box = css(driver, f'input[name="{facet}"][value="{value}"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()


def check(driver, facet: str, value: str):
    """Tick a facet value and wait for the page to show the new state."""
    tick(driver, facet, value)
    wait_until(driver, lambda d: value in url_params(d).get(facet, []))
    wait_until(driver, lambda d: css(d, f'input[name="{facet}"][value="{value}"]').is_selected())
    wait_until(driver, idle)


def in_french(driver, live_stack):
    driver.get(live_stack.at("/static/web/site.css"))
    driver.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "path": "/"})


def network(driver, *, offline=False, latency=0):
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": latency, "downloadThroughput": -1, "uploadThroughput": -1},
    )


@pytest.fixture
def restore_network(phone):
    yield
    network(phone)


def test_switching_language_keeps_the_exact_search(live_stack, browser):
    open_search(browser, live_stack)
    check(browser, "make", "Toyota")
    check(browser, "body", "suv")
    Select(css(browser, 'select[name="sort"]')).select_by_value("price_asc")
    wait_until(browser, lambda d: url_params(d).get("sort") == ["price_asc"])
    wait_until(browser, idle)
    before = url_params(browser)
    Select(css(browser, "#language")).select_by_value("fr")
    css(browser, "form.language button").click()
    wait_until(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr")
    assert url_params(browser) == before
    assert css(browser, 'input[name="body"][value="suv"]').is_selected()


def test_back_to_search_from_a_vehicle_keeps_the_filters(live_stack, browser):
    open_search(browser, live_stack)
    check(browser, "make", "Toyota")
    check(browser, "body", "suv")
    total = shown_total(browser)
    css(browser, "#result-list .card-link").click()
    wait_until(browser, lambda d: "/vehicles/" in d.current_url and d.find_elements(By.CSS_SELECTOR, "nav.back a"))
    back = css(browser, "nav.back a")
    assert parse_qs(urlparse(back.get_attribute("href")).query).get("body") == ["suv"], back.get_attribute("href")
    back.click()
    wait_until(browser, lambda d: urlparse(d.current_url).path == "/" and url_params(d).get("make") == ["Toyota"])
    assert url_params(browser).get("body") == ["suv"]
    assert css(browser, 'input[name="body"][value="suv"]').is_selected() and shown_total(browser) == total


def test_enter_closes_the_suggestions_and_a_phone_moves_to_the_results(live_stack, phone):
    open_search(phone, live_stack)
    box = css(phone, "#q")
    box.send_keys("toyota")
    wait_until(phone, lambda d: css(d, "#q-options").is_displayed())
    box.send_keys(Keys.ENTER)
    wait_until(phone, lambda d: url_params(d).get("q") == ["toyota"] and idle(d))
    wait_until(phone, lambda d: not css(d, "#q-options").is_displayed(), message="the suggestions stay open")
    assert css(phone, "#q").get_attribute("aria-expanded") == "false"
    wait_until(phone, lambda d: d.execute_script("return document.activeElement.id") == "results-title")
    top = phone.execute_script("return document.getElementById('results-title').getBoundingClientRect().top")
    assert 0 <= top < 740
    shot(phone, "search-after-enter-en")


def test_a_facet_tapped_offline_shows_an_error_with_retry_not_a_ticked_box(live_stack, phone, restore_network):
    open_search(phone, live_stack)
    total = shown_total(phone)
    css(phone, "#filters > summary").click()
    console_errors(phone)
    network(phone, offline=True)
    tick(phone, "body", "suv")
    wait_until(phone, lambda d: css(d, "#search-error").is_displayed(), message="no error shown")
    assert not css(phone, 'input[name="body"][value="suv"]').is_selected()
    assert "body" not in url_params(phone) and shown_total(phone) == total and idle(phone)
    errors = [e for e in console_errors(phone) if "net::ERR_INTERNET_DISCONNECTED" not in e]
    assert errors == []
    shot(phone, "search-offline-en")
    network(phone)
    css(phone, "#search-retry").click()
    wait_until(phone, lambda d: url_params(d).get("body") == ["suv"] and idle(d))
    assert css(phone, 'input[name="body"][value="suv"]').is_selected() and shown_total(phone) < total
    assert not css(phone, "#search-error").is_displayed()
    # On a slow link the results say they are loading until the answer is in.
    network(phone, latency=1500)
    tick(phone, "body", "suv")
    wait_until(phone, lambda d: css(d, "#search-loading").is_displayed(), timeout=2)
    assert not idle(phone)
    wait_until(phone, lambda d: idle(d) and "body" not in url_params(d))
    assert not css(phone, "#search-loading").is_displayed()


def test_filters_open_as_a_sheet_with_a_sticky_show_results_button(live_stack, phone):
    open_search(phone, live_stack)
    total = shown_total(phone)
    css(phone, "#filters > summary").click()
    sheet = phone.execute_script(
        "const r = document.getElementById('filters').getBoundingClientRect(); return [r.top, r.bottom]"
    )
    assert sheet[0] <= 1 and sheet[1] >= 739, f"the filters are not a sheet over the page: {sheet}"
    show = css(phone, "#filters .apply")
    assert show.is_displayed() and str(total) in re.sub(r"\D", "", show.text)
    shot(phone, "search-filter-sheet-en")
    tick(phone, "body", "suv")
    wait_until(phone, lambda d: url_params(d).get("body") == ["suv"] and idle(d))
    narrowed = shown_total(phone)
    show = css(phone, "#filters .apply")
    bottom = phone.execute_script("return arguments[0].getBoundingClientRect().bottom", show)
    assert show.is_displayed() and bottom <= 740 and re.sub(r"\D", "", show.text) == str(narrowed)
    show.click()
    wait_until(phone, lambda d: d.execute_script("return !document.getElementById('filters').open"))
    top = phone.execute_script("return document.getElementById('results-title').getBoundingClientRect().top")
    assert 0 <= top < 740


def test_vehicle_suggestions_are_told_apart(live_stack, browser):
    open_search(browser, live_stack)
    css(browser, "#q").send_keys("toyota")
    wait_until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"{OPTIONS}[data-kind=vehicle]"))
    vehicles = [o.text for o in browser.find_elements(By.CSS_SELECTOR, f"{OPTIONS}[data-kind=vehicle]")]
    assert len(set(vehicles)) == len(vehicles), vehicles
    for text in vehicles:
        assert re.search(r"\b(19|20)\d\d\b", text) and re.search(r"\d km", text) and "USD" in text, text


@pytest.fixture
def search_log(live_stack):
    committed(log_searches, "@sum(1+1)*cmd|x", 2, times=9)
    committed(log_searches, "toyota camri", 3, times=7)
    committed(log_searches, "toyota camry", 3, times=2)
    committed(log_searches, "my cousins car", 1, times=5)
    yield
    committed(lambda: SearchLog.objects.filter(searched_at__gte=timezone.now() - timedelta(days=2)).delete())


def test_popular_searches_are_normalised_and_find_vehicles(live_stack, browser, search_log):
    open_search(browser, live_stack, "/?q=zzzqqq")
    links = browser.find_elements(By.CSS_SELECTOR, ".popular-searches a")
    texts = [link.text for link in links]
    assert texts and texts[0] == "Toyota Camry", texts
    assert not any("@" in t or "camri" in t or "cousin" in t for t in texts), texts
    assert len({t.casefold() for t in texts}) == len(texts)
    links[0].click()
    wait_until(browser, lambda d: url_params(d).get("q") == ["Toyota Camry"] and idle(d))
    assert shown_total(browser) > 0


def test_french_headings_chips_and_colours(live_stack, phone):
    in_french(phone, live_stack)
    open_search(phone, live_stack, "/?q=toyota+suv+2015&colour=white")
    chips = [c.text for c in phone.find_elements(By.CSS_SELECTOR, ".chip-interpreted")]
    assert any("Année" in c for c in chips), chips
    assert "Blanc" in css(phone, ".chips").text
    shot(phone, "search-chips-fr")
    camry = live_stack.market.coviewed["camry"]
    phone.get(live_stack.at(f"/vehicles/{camry}/"))
    assert css(phone, "#similar-title").text == "Véhicules semblables"
    reasons = [r.text for r in phone.find_elements(By.CSS_SELECTOR, "#similar .reasons li")]
    assert reasons and not any("Same" in r or "Similar" in r for r in reasons), reasons
    shot(phone, "vehicle-fr")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_404_and_500_pages_have_the_header_and_a_search_box(live_stack, phone, language, monkeypatch):
    if language == "fr":
        in_french(phone, live_stack)
    phone.get(live_stack.at("/no-such-page/"))
    assert css(phone, ".site-header .brand").is_displayed()
    title = css(phone, "h1").text
    assert title == {"en": "Page not found", "fr": "Page non trouvée"}[language]
    box = css(phone, "main form[action='/'] input[name=q]")
    assert phone.execute_script("return getComputedStyle(document.body).fontFamily").startswith("system-ui")
    shot(phone, f"404-{language}")
    box.send_keys("toyota", Keys.ENTER)
    wait_until(phone, lambda d: url_params(d).get("q") == ["toyota"])

    def broken(*args, **kwargs):
        raise RuntimeError("a page that fails")

    monkeypatch.setattr("web.views.search_page_content", broken)
    phone.get(live_stack.at("/?q=hilux"))
    assert css(phone, ".site-header .brand").is_displayed()
    assert css(phone, "h1").text == {"en": "Something went wrong", "fr": "Une erreur est survenue"}[language]
    assert css(phone, "main form[action='/'] input[name=q]")
    shot(phone, f"500-{language}")


def test_the_filter_sheet_and_its_error_speak_french(live_stack, phone, restore_network):
    in_french(phone, live_stack)
    open_search(phone, live_stack)
    total = shown_total(phone)
    css(phone, "#filters > summary").click()
    assert css(phone, "#filters .apply").text == f"Voir {total} véhicules"
    shot(phone, "search-filter-sheet-fr")
    network(phone, offline=True)
    tick(phone, "body", "suv")
    wait_until(phone, lambda d: css(d, "#search-error").is_displayed())
    assert "Vérifiez votre connexion" in css(phone, "#search-error").text
    assert css(phone, "#search-retry").text == "Réessayer"
    shot(phone, "search-offline-fr")


SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1024 / 8, "uploadThroughput": 400 * 1024 / 8}


def test_on_slow_3g_the_page_arrives_compressed_and_a_filter_tap_answers(live_stack, phone, restore_network):
    """Slow 3G (400 kb/s, 400 ms), as the Chrome DevTools protocol emulates it: what the search page
    weighs as the browser receives it, when the first results are painted, and how long a filter tap
    takes to show its results; printed (run with -s) for the record."""
    phone.execute_cdp_cmd("Network.enable", {})
    phone.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    phone.execute_cdp_cmd("Network.emulateNetworkConditions", SLOW_3G)
    try:
        open_search(phone, live_stack)
        weight = phone.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "const r = performance.getEntriesByType('resource');"
            "const paint = performance.getEntriesByName('first-contentful-paint')[0];"
            "return {html_sent: n.encodedBodySize, html: n.decodedBodySize, first_paint: paint && paint.startTime,"
            " dom_ready: n.domContentLoadedEventEnd,"
            " total_sent: n.transferSize + r.reduce((s, e) => s + e.transferSize, 0),"
            " requests: 1 + r.length, files: r.map(e => [e.name.split('/').pop(), e.transferSize, e.decodedBodySize])};"
        )
        css(phone, "#filters > summary").click()
        box = css(phone, 'input[name="body"][value="suv"]')
        phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        phone.execute_script(
            "const body = document.getElementById('search-body');"
            "window.__tap = performance.now(); window.__shown = null;"
            "new MutationObserver((changes, observer) => {"
            "  if (!body.hasAttribute('aria-busy')) { window.__shown = performance.now(); observer.disconnect(); }"
            "}).observe(body, {attributes: true, attributeFilter: ['aria-busy']});"
        )
        box.click()
        wait_until(phone, lambda d: d.execute_script("return window.__shown") is not None, timeout=30)
        tap = phone.execute_script("return window.__shown - window.__tap")
        print(f"\nslow 3G search page: {weight}, filter tap to results: {tap:.0f} ms")
        assert weight["html_sent"] < weight["html"] / 3, f"the HTML is not compressed: {weight}"
    finally:
        phone.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})


STATIC_FILES = (
    "return performance.getEntriesByType('resource').filter(e => e.name.includes('/static/'))"
    ".map(e => ({url: e.name, sent: e.transferSize}))"
)


def test_static_files_are_hashed_and_cached_a_year_while_the_page_is_asked_for_again(live_stack, phone):
    """The CSS and JS a page names carry a hash of their content and a year's cache, so a repeat visit
    transfers only the page (which is never cached: it holds prices and a CSRF token)."""
    phone.execute_cdp_cmd("Network.enable", {})
    phone.execute_cdp_cmd("Network.clearBrowserCache", {})
    open_search(phone, live_stack, "/?q=corolla")
    first = phone.execute_script(STATIC_FILES)
    assert {urlparse(f["url"]).path.rsplit("/", 1)[-1].split(".")[0] for f in first} >= {"site", "search", "typeahead"}
    for static_file in first:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", static_file["url"]), static_file
        sent = requests.get(static_file["url"], timeout=WAIT)
        assert sent.headers["Cache-Control"] == "public, max-age=31536000, immutable", static_file
    page = requests.get(live_stack.at("/?q=corolla"), timeout=WAIT)
    assert page.headers["Cache-Control"] == "private, no-cache", page.headers

    phone.get(live_stack.at("/?q=corolla"))
    wait_until(phone, lambda d: "js" in d.find_element(By.TAG_NAME, "html").get_attribute("class"))
    repeat = phone.execute_script(STATIC_FILES)
    page_sent = phone.execute_script("return performance.getEntriesByType('navigation')[0].transferSize")
    assert page_sent > 0, "the page itself must come from the server again"
    assert repeat and all(f["sent"] == 0 for f in repeat), f"a repeat visit downloaded static files again: {repeat}"


@pytest.mark.parametrize(
    ("language", "q", "chip", "field", "value"),
    [
        ("en", "corolla dar es salaam", "Dar es Salaam", "city", "Dar es Salaam"),
        ("fr", "hilux en Afrique du Sud", "Afrique du Sud", "country", "ZA"),
    ],
)
def test_a_place_in_the_text_becomes_a_location_chip(live_stack, phone, language, q, chip, field, value):
    """A city or country named in the search (here the market's), in English or French, narrows the
    results to it and shows as a chip in the page's language, like any understood word."""
    if language == "fr":
        in_french(phone, live_stack)
    open_search(phone, live_stack, "/?" + urlencode({"q": q}))
    shown = [c.text for c in phone.find_elements(By.CSS_SELECTOR, ".chip-interpreted")]
    assert chip in shown, shown
    # Each card names where the car stands ("Dar es Salaam, TZ", "Durban, ZA").
    places = [p.text for p in phone.find_elements(By.CSS_SELECTOR, "#result-list .card .dealer")]
    assert places and all(value in p for p in places), places
    assert shown_total(phone) == committed(
        lambda: Vehicle.objects.filter(
            model=q.split()[0].title(), status__in=["available", "reserved"], held_reason="", **{field: value}
        ).count()
    )
    shot(phone, f"search-place-{language}")
