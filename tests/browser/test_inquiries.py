"""A buyer on a phone, in French, asks a dealer about a car; the dealer's inbox shows it with the
lead's score; the dealer answers; the buyer sees the answer and a notification. The real stack: the
live server, a Celery worker (outbox dispatch, lead scoring), Postgres and the engine.

With NZILA_SCREENSHOTS=<folder>, each step's page is saved there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from catalog.models import Vehicle
from inquiries.models import Inquiry
from notifications.models import Notification
from reliability.polling import poll_until
from scoring.models import LeadScore
from tests.browser.conftest import css, fits_the_phone, make_user, run_axe, shot, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_a_buyer_asks_on_a_phone_in_french_and_reads_the_dealers_answer(live_stack, phone, browser):
    dealer = live_stack.market.dealers[0]
    vehicle = Vehicle.objects.filter(dealer=dealer, status="available").order_by("pk").first()
    make_user("asking-buyer", first_name="Amina", last_name="Otieno")

    # The buyer, on a phone, in French.
    phone.get(live_stack.at("/"))
    phone.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    sign_in(phone, live_stack, "asking-buyer", next_path=f"/vehicles/{vehicle.pk}/")
    wait_until(phone, lambda d: css(d, "#ask-form"))
    assert css(phone, "#ask-title").text == "Demander au vendeur"
    shot(phone, "vehicle-ask-fr")
    css(phone, "#id_body").send_keys('Est-il disponible ? Livraison à Mombasa ? <script>alert("x")</script>')
    button = css(phone, "#ask-form button[type=submit]")
    button.click()
    wait_until(phone, lambda d: "/accounts/inquiries/" in d.current_url)
    assert "<script>alert" in css(phone, ".thread .msg .body").text  # shown as text
    assert fits_the_phone(phone) and run_axe(phone) == []
    shot(phone, "buyer-thread-fr")
    inquiry = Inquiry.objects.get(buyer__user__username="asking-buyer")
    assert inquiry.lead_id is not None and inquiry.messages.count() == 1

    # The worker scores the lead off the request path and tells the dealer's members.
    poll_until(lambda: LeadScore.objects.filter(lead_id=inquiry.lead_id).exists(), timeout=60)
    member = live_stack.market.member
    poll_until(lambda: Notification.objects.filter(user=member, event_type="inquiry_message").exists(), timeout=60)

    # The dealer's inbox, on a desktop: the question first, waiting, with the lead's score.
    sign_in(browser, live_stack, "dealer-member", next_path=f"/dealer/{dealer.pk}/inbox")
    row = css(browser, f'#dealer-inbox li[data-inquiry="{inquiry.pk}"]')
    score = LeadScore.objects.get(lead_id=inquiry.lead_id).score
    assert "Amina Otieno" in row.text and f"Score {score}" in row.text and "Waiting" in row.text
    assert css(browser, "#dealer-inbox li").get_attribute("data-inquiry") == str(inquiry.pk)
    assert run_axe(browser) == []
    row.find_element(By.CSS_SELECTOR, "a").click()
    wait_until(browser, lambda d: css(d, "#reply-form"))
    assert css(browser, "#lead-score").is_displayed()
    css(browser, "#reply-form textarea").send_keys("Oui, disponible. Livraison à Mombasa en 5 semaines.")
    css(browser, "#reply-form button[type=submit]").click()
    wait_until(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".thread .msg.from-dealer")) == 1)

    # The buyer hears of it (in-app notification through the outbox) and reads it, in French.
    poll_until(
        lambda: Notification.objects.filter(user__username="asking-buyer", event_type="inquiry_message").exists(),
        timeout=60,
    )
    phone.get(live_stack.at("/accounts/inquiries/"))
    assert css(phone, "#unread-badge").text.startswith("1")
    assert "Nouvelle réponse" in css(phone, "#buyer-inquiries").text
    assert fits_the_phone(phone) and run_axe(phone) == []
    shot(phone, "buyer-inbox-fr")
    css(phone, "#buyer-inquiries a").click()
    wait_until(phone, lambda d: "Livraison à Mombasa en 5 semaines" in css(d, ".thread").text)
    assert not phone.find_elements(By.CSS_SELECTOR, "#unread-badge")
    shot(phone, "buyer-answer-fr")

    # The dealer's side fits a phone too, in English and in French.
    browser.set_window_size(360, 740)
    browser.get(live_stack.at(f"/dealer/{dealer.pk}/inbox"))
    assert fits_the_phone(browser)
    shot(browser, "dealer-inbox-en")
    browser.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    browser.get(live_stack.at(f"/dealer/{dealer.pk}/inbox/{inquiry.pk}"))
    assert fits_the_phone(browser) and "Votre réponse" in browser.page_source
    shot(browser, "dealer-thread-fr")
    browser.get(live_stack.at(f"/dealer/{dealer.pk}/inbox"))
    shot(browser, "dealer-inbox-fr")


def test_the_ask_form_on_a_slow_phone_connection(live_stack, phone):
    """Slow 3G (400 kb/s down, 400 ms): the vehicle page with its question form, what it weighs and how
    long it takes, printed (run with -s); the form needs no script."""
    vehicle = Vehicle.objects.filter(status="available").order_by("pk").first()
    phone.execute_cdp_cmd("Network.enable", {})
    phone.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": 400 * 1024 / 8, "uploadThroughput": 400 * 1024 / 8},
    )
    try:
        phone.get(live_stack.at(f"/vehicles/{vehicle.pk}/"))
        timing = phone.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "const r = performance.getEntriesByType('resource');"
            "return {load: n.loadEventEnd, dcl: n.domContentLoadedEventEnd, html: n.transferSize,"
            " total: n.transferSize + r.reduce((s, e) => s + e.transferSize, 0), requests: 1 + r.length};"
        )
        print(f"\nslow 3G vehicle page: {timing}")
        assert css(phone, "#ask-form").is_displayed() and timing["total"] < 150_000
        shot(phone, "vehicle-ask-slow3g")
    finally:
        phone.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
