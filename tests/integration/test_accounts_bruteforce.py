"""Brute force stopped without making lockout a weapon: the (account, address) pair is locked, an
address is slowed down, an account guessed at from many addresses is locked for every browser but the
ones it signs in from, and a one-time e-mailed link always works; every refusal is a 429 with
Retry-After (the API's in its JSON error shape). Registration is throttled and tells no more than the
password reset. Audited."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from accounts import signin_guard
from accounts.models import SignInEvent
from tests.support.accounts_people import make_people
from tests.support.outages import cache_away  # noqa: F401 (fixture)
from tests.support.signin_counts import clean_signin_counts  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def clean_counts(clean_signin_counts):
    return


def form_sign_in(client: Client, username: str, password: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def test_wrong_passwords_lock_the_account_only_from_that_address_and_the_owner_signs_in_elsewhere():
    """The probe: five anonymous wrong passwords locked the account wherever its owner was."""
    make_people()
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    assert [form_sign_in(attacker, "buyer", "wrong").status_code for _ in range(LIMIT - 1)] == [400] * (LIMIT - 1)
    locked = form_sign_in(attacker, "buyer", "wrong")
    assert locked.status_code == 429 and int(locked["Retry-After"]) == int(settings.AXES_COOLOFF_TIME * 3600)
    assert b"Too many failed sign-ins" in locked.content
    assert form_sign_in(attacker, "buyer", "pw").status_code == 429  # the right password, from there
    assert form_sign_in(Client(REMOTE_ADDR="10.0.0.1"), "buyer", "pw").status_code == 302  # the owner
    # Another account from the attacker's address is not locked either.
    assert form_sign_in(attacker, "analyst", "pw").status_code == 302
    kinds = list(SignInEvent.objects.filter(username="buyer").values_list("kind", flat=True))
    assert kinds.count("failure") == LIMIT - 1 and "lockout" in kinds


def test_made_up_usernames_slow_an_address_down_and_never_lock_it(monkeypatch):
    """The probe: five made-up usernames locked a whole address (a mobile NAT: a city)."""
    make_people()
    clock = [1_000_000.0]
    monkeypatch.setattr(signin_guard.time, "time", lambda: clock[0])
    nat = Client(REMOTE_ADDR="10.9.9.9")
    free = settings.SIGNIN_ADDRESS_FREE_FAILURES
    assert {form_sign_in(nat, f"nobody{i}", "wrong").status_code for i in range(free)} == {400}
    # Someone else behind the same address signs in normally.
    assert form_sign_in(Client(REMOTE_ADDR="10.9.9.9"), "analyst", "pw").status_code == 302
    assert form_sign_in(nat, "nobody-x", "wrong").status_code == 400  # one more failure: now it waits
    slowed = form_sign_in(Client(REMOTE_ADDR="10.9.9.9"), "broker", "pw")
    assert slowed.status_code == 429 and slowed["Retry-After"] == "2"
    clock[0] += 2
    assert form_sign_in(Client(REMOTE_ADDR="10.9.9.9"), "broker", "pw").status_code == 302
    # The wait grows with the failures, and stops growing at the cap.
    for n in range(12):
        clock[0] += settings.SIGNIN_ADDRESS_MAX_DELAY_SECONDS
        assert form_sign_in(nat, f"nobody-y{n}", "wrong").status_code == 400
    assert form_sign_in(nat, "broker", "pw")["Retry-After"] == str(settings.SIGNIN_ADDRESS_MAX_DELAY_SECONDS)


def test_an_account_guessed_at_from_many_addresses_still_opens_from_its_own_browser_and_by_link(settings):
    settings.SIGNIN_ACCOUNT_FAILURE_LIMIT = 6
    make_people()
    owner = Client(REMOTE_ADDR="10.5.0.1")
    assert form_sign_in(owner, "buyer", "pw").status_code == 302  # gets the device cookie
    owner.post("/accounts/logout/")
    assert owner.cookies.get(signin_guard.DEVICE_COOKIE)
    for n in range(6):  # a botnet: one guess per address
        form_sign_in(Client(REMOTE_ADDR=f"10.6.{n}.1"), "buyer", "wrong")
    stranger = form_sign_in(Client(REMOTE_ADDR="10.7.0.1"), "buyer", "pw")
    assert stranger.status_code == 429 and stranger["Retry-After"]
    assert b"E-mail me a sign-in link" in stranger.content
    # From where the owner normally signs in, it works.
    assert form_sign_in(owner, "buyer", "pw").status_code == 302
    # From anywhere, a one-time e-mailed link works.
    elsewhere = Client(REMOTE_ADDR="10.8.0.1")
    sent = elsewhere.post("/accounts/login/link/", {"email": "buyer@example.test"})
    assert sent.status_code == 200 and len(mail.outbox) == 1
    link = re.search(r"https?://\S+(/accounts/login/link/\S+/)", mail.outbox[0].body).group(1)
    assert elsewhere.get(link).status_code == 200  # a button, not yet signed in
    assert elsewhere.post(link).status_code == 302
    assert elsewhere.get("/accounts/").status_code == 200
    assert Client().post(link).status_code == 410  # once
    # An unknown address gets the same answer and no mail.
    unknown = Client(REMOTE_ADDR="10.8.0.2").post("/accounts/login/link/", {"email": "nobody@example.test"})
    assert unknown.status_code == 200 and len(mail.outbox) == 1
    assert unknown.content.decode().count("If an account has this address") == 1


def test_the_admin_sign_in_is_protected_too():
    make_people()
    for _ in range(LIMIT):
        response = form_sign_in(Client(REMOTE_ADDR="10.2.2.2"), "staff", "wrong", "/admin/login/")
    assert response.status_code == 429 and response["Retry-After"]
    assert form_sign_in(Client(REMOTE_ADDR="10.2.2.3"), "staff", "pw", "/admin/login/").status_code == 302


def test_the_api_password_exchange_answers_429_in_its_error_shape():
    make_people()
    client = Client(REMOTE_ADDR="10.3.3.3")

    def exchange(password):
        return client.post(
            "/api/v1/auth/tokens",
            {"name": "x", "username": "broker", "password": password},
            content_type="application/json",
        )

    assert [exchange("wrong").status_code for _ in range(LIMIT - 1)] == [401] * (LIMIT - 1)
    locked = exchange("wrong")
    assert locked.status_code == 429 and locked["Retry-After"].isdigit()
    assert locked.json()["error"]["code"] == "throttled" and locked.json()["error"]["message"]
    assert exchange("pw").status_code == 429


def test_registration_tells_no_more_than_the_password_reset_and_finishes_by_e_mail():
    make_people()

    def register(username, email):
        return Client(REMOTE_ADDR="10.4.0.1").post(
            "/accounts/register/",
            {
                "username": username,
                "email": email,
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
            },
        )

    taken_email = register("someone-new", "buyer@example.test")
    taken_name = register("buyer", "fresh@example.test")
    fresh = register("amina", "amina@example.test")
    pages = [
        r.content.decode().replace(e, "E")
        for r, e in (
            (taken_email, "buyer@example.test"),
            (taken_name, "fresh@example.test"),
            (fresh, "amina@example.test"),
        )
    ]
    assert {r.status_code for r in (taken_email, taken_name, fresh)} == {200}
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(pages[0]) == strip(pages[1]) == strip(pages[2])
    assert not User.objects.filter(username="amina").exists()
    to = {m.to[0]: m.body for m in mail.outbox}
    assert "already has one" in to["buyer@example.test"] and "is taken" in to["fresh@example.test"]
    link = re.search(r"https?://\S+(/accounts/register/\S+/)", to["amina@example.test"]).group(1)
    client = Client()
    assert client.post(link).status_code == 302
    user = User.objects.get(username="amina")
    assert user.check_password("a-long-pass-phrase") and user.groups.filter(name="buyer").exists()
    assert client.post(link).status_code == 410


def test_registration_is_throttled_per_address(settings):
    settings.SIGNUP_RATE = "3/hour"
    client = Client(REMOTE_ADDR="10.4.4.4")
    form = {"username": "x", "email": "x@example.test", "password1": "a", "password2": "b"}
    assert [client.post("/accounts/register/", form).status_code for _ in range(3)] == [400] * 3
    refused = client.post("/accounts/register/", form)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert Client(REMOTE_ADDR="10.4.4.5").post("/accounts/register/", form).status_code == 400
    assert client.get("/accounts/register/").status_code == 200  # the page itself is not limited


def test_with_the_cache_away_people_sign_in_and_guesses_are_still_refused(cache_away):
    """Redis down: the guard counts in this process instead of failing every sign-in."""
    make_people()
    assert form_sign_in(Client(REMOTE_ADDR="10.0.0.5"), "buyer", "pw").status_code == 302
    attacker = Client(REMOTE_ADDR="10.0.0.67")
    assert [form_sign_in(attacker, "analyst", "wrong").status_code for _ in range(LIMIT - 1)] == [400] * (LIMIT - 1)
    assert form_sign_in(attacker, "analyst", "wrong").status_code == 429
