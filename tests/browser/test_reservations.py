"""Trust and commitment in a real browser on the real stack (live server, worker, listener, engine,
localstripe in test mode):

- a buyer on a phone reserves a car with Stripe's success test card; another buyer's search (in
  French) shows it reserved within the sync's lag; the dealer declines in the console; the sweep
  refunds the deposit; the buyer sees it refunded and the car is on sale again;
- a buyer whose car was delivered reviews the dealer on a phone in French; staff publish it in the
  admin; it appears on the dealer's page.

With NZILA_SCREENSHOTS=<folder>, each page is saved there (phone, 360 px, English and French)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from selenium.webdriver.common.by import By

from buyers.models import Buyer
from catalog.models import Vehicle
from payments import states
from payments.models import Payment
from reliability.polling import poll_until
from sales import reservations
from sales.models import Deal, DealerReview, Reservation
from sales.reservation_refunds import refund_owed
from tests.browser.conftest import committed, css, fits_the_phone, make_user, run_axe, shot, sign_in, wait_until
from tests.support.payment_simulators.fixtures import (  # noqa: F401 (fixtures)
    clean_payment_cache,
    localstripe_url,
    stripe_env,
    stripe_proxy,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def in_french(driver, live_stack, path: str, name: str, at: str = "") -> None:
    """The same page in French, looked at and checked on the phone, then back to English."""
    driver.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    driver.get(live_stack.at(path))
    assert fits_the_phone(driver), path
    shot(driver, f"{name}-fr", at)
    driver.add_cookie({"name": "django_language", "value": "en", "path": "/"})


def make_buyer(username: str, name: str) -> Buyer:
    user = make_user(username)
    return committed(Buyer.objects.create, user=user, full_name=name, country="KE", phone_e164="+254712345678")


@pytest.fixture
def test_mode(settings, stripe_env, monkeypatch):  # noqa: F811
    settings.PAYMENTS_TEST_MODE = True
    # The refund sweep is run by the test in this process (which talks to localstripe); the browser
    # stack's worker has no Stripe of its own, so the kick on decline is not sent to it.
    monkeypatch.setattr(reservations, "_kick_refunds", lambda: None)


def test_reserve_on_a_phone_search_shows_it_reserved_dealer_declines_deposit_refunded(
    live_stack, phone, browser, test_mode
):
    dealer = live_stack.market.dealers[0]
    car = Vehicle.objects.filter(dealer=dealer, status="available").order_by("pk").first()
    make_buyer("reserving-buyer", "Amina Otieno")

    # The buyer, on a phone: the car's page offers the reservation with its deposit.
    sign_in(phone, live_stack, "reserving-buyer", next_path=f"/vehicles/{car.pk}/")
    wait_until(phone, lambda d: css(d, "#reserve-button"))
    assert fits_the_phone(phone) and run_axe(phone) == []
    shot(phone, "vehicle-reserve-en", "#reserve")
    in_french(phone, live_stack, f"/vehicles/{car.pk}/", "vehicle-reserve", "#reserve")
    phone.get(live_stack.at(f"/vehicles/{car.pk}/"))
    css(phone, "#reserve-button").click()
    wait_until(phone, lambda d: "/accounts/payments/pay/reservation/" in d.current_url)
    assert "Reservation deposit" in css(phone, ".pay-what").text
    assert fits_the_phone(phone) and run_axe(phone) == []
    shot(phone, "pay-reservation-en")
    pay_path = phone.current_url.removeprefix(live_stack.url)
    in_french(phone, live_stack, pay_path, "pay-reservation")
    phone.get(live_stack.at(pay_path))
    css(phone, "input[name=method][value=card]").click()
    css(phone, "input[name=test_card][value=success]").click()
    css(phone, "[data-pay-submit]").click()
    wait_until(phone, lambda d: "/accounts/payments/" in d.current_url and "/pay/" not in d.current_url)
    payment = poll_until(
        lambda: Payment.objects.filter(purpose="reservation", state=states.SUCCEEDED).first(), timeout=60
    )
    reservation = Reservation.objects.get(payment=payment)
    assert reservation.state == "held" and Vehicle.objects.get(pk=car.pk).status == "reserved"
    assert Deal.objects.get(pk=reservation.deal_id).stage == "deposit_paid"
    shot(phone, "payment-status-en")
    phone.get(live_stack.at("/accounts/reservations/"))
    assert "waiting for the dealer" in css(phone, f'[data-reservation="{reservation.pk}"]').text
    assert fits_the_phone(phone) and run_axe(phone) == []
    shot(phone, "reservations-held-en", "#reservations")
    in_french(phone, live_stack, "/accounts/reservations/", "reservations-held", "#reservations")

    # Another buyer, in French: the search shows the car reserved once the sync has carried it.
    make_buyer("other-buyer", "Jean Mbala")
    sign_in(browser, live_stack, "other-buyer", next_path="/")
    browser.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    card_link = f'a.card-link[href^="/vehicles/{car.pk}/"]'

    def shows_reserved(driver):
        driver.get(live_stack.at(f"/?dealer={dealer.pk}&status=reserved"))
        cards = driver.find_elements(By.CSS_SELECTOR, card_link)
        return cards and "Réservé" in cards[0].find_element(By.XPATH, "./..").text

    wait_until(browser, shows_reserved, timeout=60, message="search never showed the car reserved")
    browser.get(live_stack.at(f"/vehicles/{car.pk}/"))
    assert "Réservé" in css(browser, ".reserved").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#reserve-button")
    phone_search = f"/?dealer={dealer.pk}&status=reserved"
    phone.get(live_stack.at(phone_search))
    shot(phone, "search-reserved-en", card_link)
    in_french(phone, live_stack, phone_search, "search-reserved", card_link)

    # The dealer declines in the console; the sweep refunds the deposit; the car is on sale again.
    browser.delete_all_cookies()
    sign_in(browser, live_stack, "dealer-member", next_path=f"/dealer/{dealer.pk}/reservations/")
    row = css(browser, f'#dealer-reservations li[data-reservation="{reservation.pk}"]')
    assert "Amina Otieno" in row.text and run_axe(browser) == []
    row.find_element(By.CSS_SELECTOR, "input[name=reason]").send_keys("Sold at the yard this morning")
    row.find_element(By.CSS_SELECTOR, "button[value=decline]").click()
    wait_until(browser, lambda d: "Reservation declined" in css(d, ".messages").text)
    assert committed(refund_owed)["requested"] == 1
    payment.refresh_from_db()
    assert payment.state == states.REFUNDED and payment.amount_refunded == payment.amount_captured
    assert Vehicle.objects.get(pk=car.pk).status == "available"
    phone.get(live_stack.at("/accounts/reservations/"))
    text = css(phone, f'[data-reservation="{reservation.pk}"]').text
    assert "Declined by the dealer" in text and "refunded" in text
    shot(phone, "reservations-declined-en", "#reservations")
    in_french(phone, live_stack, "/accounts/reservations/", "reservations-declined", "#reservations")
    # The console page on the phone too.
    phone.delete_all_cookies()
    sign_in(phone, live_stack, "dealer-member", next_path=f"/dealer/{dealer.pk}/reservations/")
    assert fits_the_phone(phone)
    shot(phone, "console-reservations-en", "#dealer-reservations")
    in_french(phone, live_stack, f"/dealer/{dealer.pk}/reservations/", "console-reservations", "#dealer-reservations")

    def back_on_sale(driver):
        driver.get(live_stack.at(f"/?dealer={dealer.pk}&status=reserved"))
        return not driver.find_elements(By.CSS_SELECTOR, card_link)

    wait_until(browser, back_on_sale, timeout=60, message="the freed car never came back to search")


def test_a_delivered_buyer_reviews_on_a_phone_in_french_and_the_review_appears_after_moderation(
    live_stack, phone, browser
):
    dealer = live_stack.market.dealers[0]
    car = Vehicle.objects.filter(dealer=dealer, status="available").order_by("-pk").first()
    buyer = make_buyer("reviewing-buyer", "Fatou Diop")
    deal = committed(Deal.objects.create, buyer=buyer, vehicle=car, agreed_price=car.price, currency_id=car.currency_id)
    committed(Deal.objects.filter(pk=deal.pk).update, stage="delivered")

    phone.get(live_stack.at("/"))
    phone.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    sign_in(phone, live_stack, "reviewing-buyer", next_path="/accounts/reviews/")
    form = css(phone, f'form[data-deal="{deal.pk}"]')
    assert "Comment s’est passé" in form.text and fits_the_phone(phone) and run_axe(phone) == []
    shot(phone, "review-form-fr", "form.review-form")
    form.find_element(By.CSS_SELECTOR, "input[name=stars][value='5']").click()
    form.find_element(By.CSS_SELECTOR, "textarea").send_keys("Voiture conforme, papiers envoyés à temps.")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(phone, lambda d: "En attente de vérification" in css(d, "#your-reviews").text)
    shot(phone, "review-sent-fr")
    review = DealerReview.objects.get(deal=deal)
    phone.get(live_stack.at(f"/dealers/{dealer.pk}/"))
    assert not phone.find_elements(By.CSS_SELECTOR, f'[data-review="{review.pk}"]')  # not before moderation

    # Staff publish it in the admin (staff hold the "staff" group's permissions).
    committed(lambda: live_stack.market.staff.groups.add(Group.objects.get(name="staff")))
    sign_in(browser, live_stack, "staff", next_path="/admin/sales/dealerreview/?status__exact=pending")
    css(browser, f'input[name=_selected_action][value="{review.pk}"]').click()
    browser.find_element(By.CSS_SELECTOR, "select[name=action] option[value=publish]").click()
    css(browser, "button[name=index]").click()
    wait_until(browser, lambda d: "1 published" in d.page_source, message="the admin did not publish")

    # On the dealer's page, on the phone, in French (and in English).
    phone.get(live_stack.at(f"/dealers/{dealer.pk}/"))
    article = css(phone, f'[data-review="{review.pk}"]')
    assert "Voiture conforme" in article.text and "Fatou Diop" in article.text
    assert "5,0/5" in css(phone, ".dealer-rating").text  # French decimals
    assert fits_the_phone(phone) and run_axe(phone) == []
    shot(phone, "dealer-page-fr")
    shot(phone, "dealer-page-reviews-fr", "#reviews")
    phone.add_cookie({"name": "django_language", "value": "en", "path": "/"})
    phone.get(live_stack.at(f"/dealers/{dealer.pk}/?dealer_rating_min=4"))
    assert "Reviews by buyers" in phone.page_source
    shot(phone, "dealer-page-en")
    phone.get(live_stack.at("/accounts/reviews/"))
    shot(phone, "reviews-en")
