"""The analysts' dashboard on a phone: a year axis in year order with every label, numbers grouped,
countries typed by name, demand beside supply."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from catalog.models import Vehicle
from tests.browser.conftest import committed, shot, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def drawn(driver, slug: str) -> bool:
    return bool(driver.find_elements(By.CSS_SELECTOR, f'canvas[data-chart="{slug}"][data-drawn]'))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_year_axis_is_in_year_order_with_every_label_and_numbers_read_grouped(live_stack, phone, language):
    if language == "fr":
        phone.get(live_stack.at("/static/web/site.css"))
        phone.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "path": "/"})
    sign_in(phone, live_stack, "analyst", next_path="/analytics/?group_by=year&currency=NGN")
    wait_until(phone, lambda d: drawn(d, "prices") and drawn(d, "days-on-market"))
    for slug in ("prices", "days-on-market"):
        years = phone.execute_script(
            "return [...document.querySelectorAll(`table[data-report='${arguments[0]}'] tbody tr`)]"
            ".map(tr => tr.cells[0].textContent.trim())",
            slug,
        )
        assert len(years) > 3 and years == sorted(years), (slug, years)
        ticks = phone.execute_script(
            "const chart = Chart.getChart(document.querySelector(`canvas[data-chart='${arguments[0]}']`));"
            "return chart.scales.x.ticks.length",
            slug,
        )
        assert ticks == len(years), f"{slug}: {ticks} labels for {len(years)} years"
    cells = phone.execute_script(
        "return [...document.querySelectorAll('table.report-table td.num')].map(td => td.textContent.trim())"
    )
    ungrouped = [c for c in cells if re.fullmatch(r"-?\d{4,}(\.\d+)?|-?\d+\.\d{3,}", c)]
    assert cells and not ungrouped, ungrouped[:10]
    note = phone.find_element(By.CSS_SELECTOR, "#report-prices .note").get_attribute("textContent")
    assert not re.search(r"\d{4,}", note.replace("NGN", "")), note
    phone.execute_script("document.getElementById('report-prices').scrollIntoView()")
    shot(phone, f"dashboard-years-{language}")


def _searches_logged():
    """Searches for Toyotas standing in Kenya or Tanzania, from buyers in Nigeria (in English) and in
    Senegal (in French), some finding nothing."""
    from datetime import timedelta

    from django.utils import timezone

    from insights.models import SearchLog

    now = timezone.now()
    rows = [("hilux", "NG", "en", 12)] * 3 + [("toyota 1985", "SN", "fr", 0)] * 2 + [("hilux", "", "fr", 9)]
    SearchLog.objects.bulk_create(
        SearchLog(
            searched_at=now - timedelta(hours=n + 1),
            endpoint="vehicles",
            query_text=text,
            normalized_query=text,
            filters={"terms": {"make": ["Toyota"], "country": ["KE", "TZ"]}, "ranges": {}, "near": None},
            sort="relevance",
            result_count=found,
            latency_ms=1,
            engine_ms=1,
            buyer_country=country,
            language=language,
        )
        for n, (text, country, language, found) in enumerate(rows)
    )


def table(driver, slug: str) -> list[list[str]]:
    return driver.execute_script(
        "return [...document.querySelectorAll(`table[data-report='${arguments[0]}'] tbody tr`)]"
        ".map(tr => [...tr.cells].map(td => td.textContent.trim()))",
        slug,
    )


@pytest.mark.parametrize(("language", "country"), [("en", "Kenya"), ("fr", "Tanzanie")])
def test_demand_beside_supply_for_a_country_typed_by_name(live_stack, phone, language, country):
    """The analyst types a country by its name, in the page's language; searches (by buyer country and
    language) sit beside the listings of the same filters, and what was searched but not stocked."""
    from insights.models import SearchLog

    if not SearchLog.objects.filter(query_text="toyota 1985").exists():
        committed(_searches_logged)
    if language == "fr":
        phone.get(live_stack.at("/static/web/site.css"))
        phone.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "path": "/"})
    sign_in(phone, live_stack, "analyst", next_path="/analytics/?make=Toyota")
    box = phone.find_element(By.CSS_SELECTOR, "#filters input[name=country]")
    box.send_keys(country)
    phone.find_element(By.CSS_SELECTOR, "#filters button[type=submit]").click()
    wait_until(phone, lambda d: f"country={country}" in d.current_url and drawn(d, "demand-by-country"))
    assert not phone.find_elements(By.ID, "filter-error")
    searches, zero, _rate, listings, _price, _days = (value for _label, value in table(phone, "demand-and-supply"))
    code = {"Kenya": "KE", "Tanzanie": "TZ"}[country]
    listed = Vehicle.objects.filter(make="Toyota", country=code, status__in=["available", "reserved"], held_reason="")
    assert (searches, zero) == ("6", "2") and int(re.sub(r"\D", "", listings)) == listed.count() > 0
    by_country = {row[0]: row[1] for row in table(phone, "demand-by-country")}
    expected = {"en": {"Nigeria": "3", "Senegal": "2", "not chosen": "1"}, "fr": {"Nigeria": "3", "Sénégal": "2"}}
    assert by_country == {**expected[language], **({"non choisi": "1"} if language == "fr" else {})}, by_country
    languages = {row[0]: row[1] for row in table(phone, "demand-by-language")}
    assert languages == ({"English": "3", "French": "3"} if language == "en" else {"Anglais": "3", "Français": "3"})
    assert table(phone, "searched-not-stocked") == [["toyota 1985", "2", "2", "0"]]
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    phone.execute_script("document.getElementById('report-demand-and-supply').scrollIntoView()")
    shot(phone, f"dashboard-demand-{language}")
