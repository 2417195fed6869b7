"""Accounts in a real browser: every role's sign-in lands on its home; a buyer registers and manages a
saved search; an API token made on the page works, and once revoked gets 401."""

import json
import re
import urllib.error
import urllib.request

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from catalog.models import Dealer
from notifications.models import SavedSearch
from tests.browser.conftest import committed, fits_the_phone, make_user, shot, sign_in, wait_until
from tests.support.signin_counts import clean_signin_counts  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _account(username: str, group: str | None = None, *, staff: bool = False, dealer: bool = False) -> User:
    user = make_user(username, email=f"{username}@example.test", is_staff=staff)

    def link():
        if group:
            user.groups.add(Group.objects.get(name=group))
        if dealer:
            Dealer.objects.order_by("pk").first().members.add(user)

    committed(link)
    return user


HOMES = [
    ("b-buyer", "buyer", {}, "/"),
    ("b-dealer", None, {"dealer": True}, "/dealer/"),
    ("b-dealer-admin", "dealer_admin", {"dealer": True}, "/dealer/"),
    ("b-broker", "broker", {}, "/broker/"),
    ("b-analyst", "analyst", {}, "/analytics/"),
    ("b-staff", "staff", {"staff": True}, "/admin/"),
]


@pytest.mark.parametrize("username, group, extra, home", HOMES, ids=[h[0] for h in HOMES])
def test_signing_in_lands_on_the_roles_home(live_stack, browser, username, group, extra, home):
    _account(username, group, **extra)
    browser.get(live_stack.at("/accounts/login/"))
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys("pw")
    browser.find_element(By.CSS_SELECTOR, "form.account-form button[type=submit]").click()
    wait_until(browser, lambda d: "/accounts/login/" not in d.current_url, message=f"{username} stayed on sign-in")
    # The dealers' console sends a member of one dealer straight on to it (/dealer/<id>/).
    path = browser.current_url.removeprefix(live_stack.url)
    assert path == home or (home != "/" and path.startswith(home)), path


def test_a_buyer_registers_and_manages_a_saved_search(live_stack, phone, clean_signin_counts):
    phone.get(live_stack.at("/accounts/register/"))
    for name, value in {
        "username": "b-amina",
        "email": "amina@example.test",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
    }.items():
        phone.find_element(By.NAME, name).send_keys(value)
    phone.find_element(By.CSS_SELECTOR, "form.account-form button[type=submit]").click()
    wait_until(phone, lambda d: "Check your e-mail" in d.page_source, message="no e-mail step")
    (link,) = re.findall(r"https?://[^/\s]+(/accounts/register/\S+/)", mail.outbox[-1].body)
    phone.get(live_stack.at(link))
    phone.find_element(By.CSS_SELECTOR, "form.account-form button[type=submit]").click()
    wait_until(phone, lambda d: d.current_url == live_stack.at("/"), message="registration did not land home")

    # Save a search through the API, as the search page does, with the session and its CSRF token.
    phone.get(live_stack.at("/accounts/saved-searches/"))
    assert "No saved searches yet" in phone.page_source
    status = phone.execute_async_script(
        """const done = arguments[arguments.length - 1];
        const csrf = document.querySelector('input[name=csrfmiddlewaretoken]')?.value
          || document.cookie.split('; ').find(c => c.startsWith('csrftoken='))?.split('=')[1];
        fetch('/api/v1/saved-searches', {method: 'POST', headers: {'Content-Type': 'application/json',
          'X-CSRFToken': csrf}, body: JSON.stringify({name: 'Hilux', params: {make: ['Toyota']}})})
          .then(r => done(r.status), e => done(String(e)));"""
    )
    assert status == 201
    phone.get(live_stack.at("/accounts/saved-searches/"))
    item = phone.find_element(By.CSS_SELECTOR, ".saved-searches li")
    assert "Hilux" in item.text and "active" in item.text
    item.find_element(By.NAME, "toggle").click()
    wait_until(phone, lambda d: "paused" in d.find_element(By.CSS_SELECTOR, ".saved-searches li").text)
    assert committed(lambda: SavedSearch.objects.get(user__username="b-amina").active) is False
    phone.find_element(By.CSS_SELECTOR, ".saved-searches li button[name=delete]").click()
    wait_until(phone, lambda d: "No saved searches yet" in d.page_source)
    assert committed(lambda: SavedSearch.objects.filter(user__username="b-amina").count()) == 0


def _api_status(live_stack, secret: str) -> int:
    request = urllib.request.Request(live_stack.at("/api/v1/auth/tokens"), headers={"Authorization": f"Token {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["results"][0]["name"] == "notebook"
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_token_made_on_the_page_works_and_once_revoked_gets_401(live_stack, browser):
    _account("b-token-analyst", "analyst")
    sign_in(browser, live_stack, "b-token-analyst", next_path="/accounts/tokens/")
    browser.find_element(By.NAME, "name").send_keys("notebook")
    browser.find_element(By.CSS_SELECTOR, "form.account-form button[type=submit]").click()
    secret = wait_until(browser, lambda d: d.find_elements(By.ID, "new-token")).pop().text
    assert secret.startswith("nzila_")
    assert _api_status(live_stack, secret) == 200

    browser.find_element(By.CSS_SELECTOR, "table.tokens button[name=revoke]").click()
    wait_until(browser, lambda d: "Token revoked" in d.page_source)
    assert _api_status(live_stack, secret) == 401


def test_a_signed_in_page_in_french_fits_a_phone(live_stack, phone):
    """French labels are longer (Se déconnecter, Recherches enregistrées): the header wraps, never
    widens the page, and the language button says Changer."""
    make_user("b-francais")
    sign_in(phone, live_stack, "b-francais", next_path="/accounts/saved-searches/")
    phone.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    phone.get(live_stack.at("/accounts/saved-searches/"))
    assert phone.find_element(By.TAG_NAME, "h1").text == "Recherches enregistrées"
    assert phone.find_element(By.CSS_SELECTOR, "form.language button").text == "Changer"
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360


def test_switching_to_french_signed_in_makes_the_messages_french_too(live_stack, phone):
    """The header's language switch, signed in: the pages turn French and so do WhatsApp and e-mail
    (the notification settings show it, and let it be changed back), on a phone."""
    from notifications.models import NotificationPreference

    user = make_user("b-langue")
    sign_in(phone, live_stack, "b-langue", next_path="/accounts/notifications/")
    assert phone.find_element(By.TAG_NAME, "h1").text == "How we tell you"
    shot(phone, "accounts-notifications-en-360")
    Select(phone.find_element(By.ID, "language")).select_by_value("fr")
    phone.find_element(By.CSS_SELECTOR, "form.language button").click()
    wait_until(phone, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Comment nous vous prévenons")
    assert NotificationPreference.objects.get(user=user).language == "fr"
    chosen = Select(phone.find_element(By.ID, "id_language"))
    assert chosen.first_selected_option.get_attribute("value") == "fr"
    assert {o.text for o in chosen.options} == {"La langue de mon pays", "English", "Français"}
    assert fits_the_phone(phone)
    shot(phone, "accounts-notifications-fr-360", at="#id_language")
