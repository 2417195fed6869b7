"""The dealer's console on a phone: it fits 360 px, reads as people read (amounts grouped, words for
statuses and bodies), the bulk action starts unchosen, the year facet lists the stock's years newest
first as links; every field a dealer sets is edited with the API's errors beside the field; the
"what sells" panel; the CSV export follows the filters and the import report speaks in words.
Screenshots go to $NZILA_SCREENSHOTS when it is set."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from catalog.models import Vehicle
from search.fields import EDITABLE_FIELDS
from tests.browser.conftest import run_axe, shot, sign_in, wait_until

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


def open_console_page(driver, live_stack, path: str, ready: str, language: str = "en"):
    """A console page of dealer 0, signed in as its member, in `language`, once `ready` is shown."""
    dealer = live_stack.market.dealers[0]
    if language == "fr":
        driver.get(live_stack.at("/static/web/site.css"))
        driver.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "path": "/"})
    sign_in(driver, live_stack, "dealer-member", next_path=f"/dealer/{dealer.pk}/{path}")
    wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ready))
    return dealer


def fits_the_phone(driver) -> list[str]:
    """Nothing wider than the phone: [] when the page fits, else the elements that stick out."""
    if driver.execute_script("return document.documentElement.scrollWidth") <= 360:
        return []
    return driver.execute_script(
        "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 360.5)"
        ".slice(0, 8).map(e => `${e.tagName}.${e.className}#${e.id}: ${e.getBoundingClientRect().right}`)"
    ) or ["the page"]


def error_beside(driver, name: str) -> str:
    field = css(driver, f"[name={name}]")
    paragraph = field.find_element(By.XPATH, "./ancestor::p[contains(@class, 'field')]")
    return paragraph.find_element(By.CSS_SELECTOR, ".error").text


def type_into(driver, name: str, text: str) -> None:
    field = css(driver, f"[name={name}]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    if field.tag_name == "select":
        driver.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))", field, text
        )
        return
    field.clear()
    field.send_keys(text)


def submit_edit(driver) -> None:
    button = css(driver, "#vehicle-edit button[type=submit]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


ERRORS = {
    "en": ("Ensure this value is less than or equal to 2100.", "A valid integer is required."),
    "fr": ("Assurez-vous que cette valeur est inférieure ou égale à 2100.", "Un nombre entier valide est requis."),
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_dealer_edits_every_field_on_a_phone_with_errors_beside_the_field(live_stack, phone, language):
    dealer = live_stack.market.dealers[0]
    vehicle = Vehicle.objects.filter(dealer=dealer, status="available").order_by("pk")[1]
    open_console_page(phone, live_stack, f"vehicles/{vehicle.pk}/", "#vehicle-edit", language)
    assert not fits_the_phone(phone), fits_the_phone(phone)
    for declared in EDITABLE_FIELDS:
        assert phone.find_elements(By.CSS_SELECTOR, f"#vehicle-edit [name={declared.column}]"), declared.name
    type_into(phone, "year", "2150")
    type_into(phone, "mileage_km", "lots")
    submit_edit(phone)
    wait_until(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "#vehicle-edit .has-error"))
    year_error, mileage_error = ERRORS[language]
    assert error_beside(phone, "year") == year_error
    assert error_beside(phone, "mileage_km") == mileage_error
    assert not fits_the_phone(phone), fits_the_phone(phone)
    shot(phone, f"console-edit-errors-{language}", at="#vehicle-edit .has-error")
    assert run_axe(phone) == []
    unchanged = Vehicle.objects.get(pk=vehicle.pk)
    assert (unchanged.year, unchanged.mileage_km) == (vehicle.year, vehicle.mileage_km)

    changes = {
        "year": "2018",
        "mileage_km": "64500",
        "trim": f"Touring {language}",
        "body_type": "wagon",
        "exterior_color": "Midnight Blue",
        "engine": "1.8 VVT-i",
        "steering": "rhd",
        "transmission": "cvt",
    }
    for name, text in changes.items():
        type_into(phone, name, text)
    submit_edit(phone)
    wait_until(phone, lambda d: d.find_elements(By.CSS_SELECTOR, ".messages li"))
    saved = Vehicle.objects.get(pk=vehicle.pk)
    assert (saved.year, saved.mileage_km, saved.trim, saved.body_type) == (2018, 64500, f"Touring {language}", "wagon")
    assert (saved.exterior_color, saved.engine, saved.steering, saved.transmission) == (
        "Midnight Blue",
        "1.8 VVT-i",
        "rhd",
        "cvt",
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_what_sells_panel_fits_a_phone_and_changes_period(live_stack, phone, language):
    open_console_page(phone, live_stack, "what-sells", "table.what-sells-models", language)
    assert not fits_the_phone(phone), fits_the_phone(phone)
    first = css(phone, "table.what-sells-models tbody tr")
    # A card per model on a phone: each figure is labelled by its column's name.
    label = phone.execute_script("return getComputedStyle(arguments[0].querySelector('td'), '::before').content", first)
    assert label.strip('"') in ("Your listings", "Vos annonces")
    assert first.find_element(By.CSS_SELECTOR, ".market").text.startswith("of " if language == "en" else "sur ")
    shot(phone, f"console-what-sells-{language}", at="#models")
    assert run_axe(phone) == []
    period = css(phone, '.periods a[href="?days=90"]')
    period.click()
    wait_until(phone, lambda d: d.current_url.endswith("days=90"))
    assert css(phone, '.periods a[aria-current="page"]').get_attribute("href").endswith("days=90")
    assert not fits_the_phone(phone), fits_the_phone(phone)


def test_the_export_link_carries_the_console_s_filters(live_stack, phone):
    dealer = open_console(phone, live_stack)
    body = css(phone, '.facet-link[data-facet="body"]')
    value = body.get_attribute("data-value")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", body)
    body.click()
    wait_until(phone, lambda d: parse_qs(urlparse(d.current_url).query).get("body") == [value])
    link = css(phone, "#export-these")
    assert parse_qs(urlparse(link.get_attribute("href")).query) == {"body": [value]}
    text = phone.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0]).then(r => r.text()).then(done)", link.get_attribute("href")
    )
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    listed = Vehicle.objects.filter(dealer=dealer, body_type=value, status__in=("available", "reserved"))
    assert {int(row["id"]) for row in rows} == set(listed.values_list("pk", flat=True))
    assert int(css(phone, "#total").text) == len(rows)
    assert {"photos", "views", "inquiries", "leads"} <= set(rows[0])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_import_report_lists_every_fault_of_a_row_in_words(live_stack, phone, language, tmp_path):
    open_console_page(phone, live_stack, "import", "#import-form", language)
    bad = tmp_path / "stock.csv"
    text = "reference,vin,make,model,year,price,currency\r\nBAD-1,NOT-A-VIN-OOO,Toyota,Hilux,1850,,XYZ\r\n"
    bad.write_bytes(text.encode("utf-16"))  # as Excel's "Unicode Text" saves it
    css(phone, "input[name=file]").send_keys(str(bad))
    css(phone, "#import-form button[type=submit]").click()
    wait_until(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "#import-report"))
    faults = [li.text for li in phone.find_elements(By.CSS_SELECTOR, "table.rejects ul.faults li")]
    assert len(faults) == 4, faults
    first = {"en": "The VIN “NOT-A-VIN-OOO” is not valid", "fr": "Le VIN « NOT-A-VIN-OOO » n’est pas valide"}
    assert faults[0].startswith(first[language])
    assert not any("invalid_vin" in fault for fault in faults)
    assert not fits_the_phone(phone), fits_the_phone(phone)

    empty = tmp_path / "header-only.csv"
    empty.write_text("reference,make,model,year,price,currency\r\n")
    css(phone, "input[name=file]").send_keys(str(empty))
    css(phone, "#import-form button[type=submit]").click()
    wait_until(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "#import-form .has-error"))
    words = {
        "en": "The file has the column names but no vehicles below them.",
        "fr": "Le fichier contient les noms des colonnes mais aucun véhicule en dessous.",
    }
    assert error_beside(phone, "file") == words[language]
