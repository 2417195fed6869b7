"""Photos in a real Chromium: a dealer uploads three from the console on a phone, makes the third the
cover, and a buyer's search card and vehicle page show it; the gallery moves by keyboard and swipe;
axe finds nothing serious. Screenshots at 360 px (English and French) go to NZILA_SCREENSHOTS if set."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from catalog.models import Vehicle
from media.models import Photo
from tests.browser.conftest import WAIT, run_axe, sign_in, wait_until
from tests.support import photos as files

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SHOTS = os.environ.get("NZILA_SCREENSHOTS", "")


def shot(driver, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SHOTS) / f"{name}.png"))


def css(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector)


def test_a_dealer_uploads_three_photos_and_buyers_see_the_chosen_cover(live_stack, phone, tmp_path):
    market = live_stack.market
    dealer = market.dealers[0]
    vehicle = Vehicle.objects.filter(dealer=dealer, status="available").order_by("pk").first()
    paths = []
    for n, colour in enumerate([(200, 30, 30), (30, 160, 60), (30, 60, 200)]):
        path = tmp_path / f"IMG_{n}.jpg"
        path.write_bytes(files.jpeg(1200, 900, colour=colour))
        paths.append(str(path))
    sign_in(phone, live_stack, market.member.username, next_path=f"/dealer/{dealer.pk}/vehicles/{vehicle.pk}/")
    css(phone, "#photo-files").send_keys("\n".join(paths))
    css(phone, "#photo-upload button[type=submit]").click()
    # Uploaded one by one through the API, then processed by the worker; the page looks again until ready.
    wait_until(
        phone,
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".photo-item[data-status=ready]")) == 3,
        timeout=60,
        message="three ready photos",
    )
    shot(phone, "console-photos-en")
    third = Photo.objects.filter(vehicle=vehicle).order_by("position").last()
    css(phone, f".photo-item[data-photo='{third.pk}'] button[value=first]").click()
    wait_until(phone, lambda d: css(d, ".photo-item").get_attribute("data-photo") == str(third.pk))

    # The buyer: the dealer's listing, its card's photo is the new cover (through the sync).
    phone.delete_all_cookies()
    deadline = time.monotonic() + 30
    while True:
        phone.get(live_stack.at(f"/?dealer={dealer.pk}&photos_min=1"))
        cards = phone.find_elements(By.CSS_SELECTOR, f"#result-list .card a[href*='/vehicles/{vehicle.pk}/']")
        img = phone.find_elements(By.CSS_SELECTOR, "#result-list .card-photo img")
        if cards and img and third.sha256 in img[0].get_attribute("src"):
            break
        assert time.monotonic() < deadline, "the new cover did not reach the search card"
        time.sleep(1)
    card_img = img[0]
    assert card_img.get_dom_attribute("width") == "1200" and card_img.get_dom_attribute("height") == "900"
    assert phone.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", card_img)
    shot(phone, "search-with-photos-en")
    assert run_axe(phone) == []

    phone.get(live_stack.at(f"/vehicles/{vehicle.pk}/"))
    track = css(phone, ".gallery-track")
    assert third.sha256 in css(phone, ".gallery-slide img").get_attribute("src")
    shot(phone, "vehicle-gallery-en")
    assert run_axe(phone) == []
    track.send_keys(Keys.ARROW_RIGHT)
    wait_until(phone, lambda d: css(d, ".gallery-count").text == "2 / 3")
    track.send_keys(Keys.END)
    wait_until(phone, lambda d: css(d, ".gallery-count").text == "3 / 3")
    # A swipe: the strip scrolls and snaps (touch scrolling, as a thumb would).
    phone.execute_script("arguments[0].scrollTo({left: 0, behavior: 'instant'})", track)
    wait_until(phone, lambda d: css(d, ".gallery-count").text == "1 / 3", timeout=WAIT)
    phone.add_cookie({"name": "django_language", "value": "fr"})
    phone.get(live_stack.at(f"/vehicles/{vehicle.pk}/"))
    shot(phone, "vehicle-gallery-fr")
    phone.get(live_stack.at(f"/?dealer={dealer.pk}&photos_min=1"))
    assert "Avec photos" in phone.page_source
    shot(phone, "search-with-photos-fr")


def test_a_refused_file_is_explained_in_french_in_the_console(live_stack, phone, tmp_path):
    """The console sends each file through the API (console-photos.js) and shows the API's refusal as
    given, in the dealer's language (the language cookie reaches the API with the upload)."""
    market = live_stack.market
    dealer = market.dealers[0]
    vehicle = Vehicle.objects.filter(dealer=dealer, status="available").order_by("-pk").first()
    bad = tmp_path / "moitie.jpg"
    bad.write_bytes(files.truncated())
    sign_in(phone, live_stack, market.member.username, next_path=f"/dealer/{dealer.pk}/vehicles/{vehicle.pk}/")
    phone.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    phone.refresh()
    css(phone, "#photo-files").send_keys(str(bad))
    css(phone, "#photo-upload button[type=submit]").click()
    wait_until(phone, lambda d: "moitie.jpg: l’image est endommagée ou tronquée." in d.page_source)
    assert not Photo.objects.filter(vehicle=vehicle, filename="moitie.jpg").exists()
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    phone.execute_script("document.querySelector('#photo-upload').scrollIntoView()")
    shot(phone, "console-photo-refused-fr")
