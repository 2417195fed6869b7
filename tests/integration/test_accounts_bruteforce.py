"""Brute force: the sign-in form, the admin's and the API's password exchange lock per account and per
IP address after AXES_FAILURE_LIMIT failures; the right password does not get through a lock. Audited."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import SignInEvent
from tests.support.accounts_people import make_people

pytestmark = pytest.mark.django_db
LIMIT = settings.AXES_FAILURE_LIMIT


def form_sign_in(client: Client, username: str, password: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def test_the_sign_in_form_locks_an_account_and_audits_it():
    make_people()
    for i in range(LIMIT - 1):
        assert form_sign_in(Client(REMOTE_ADDR=f"10.0.0.{i}"), "buyer", "wrong").status_code == 400
    # The limit is per account: from yet another address, the last failure locks it.
    assert form_sign_in(Client(REMOTE_ADDR="10.0.1.1"), "buyer", "wrong").status_code == 429
    locked = form_sign_in(Client(REMOTE_ADDR="10.0.1.2"), "buyer", "pw")
    assert locked.status_code == 429 and b"Too many failed sign-ins" in locked.content
    kinds = list(SignInEvent.objects.filter(username="buyer").values_list("kind", flat=True))
    assert kinds.count("failure") == LIMIT - 1 and "lockout" in kinds and "success" not in kinds


def test_one_address_trying_many_accounts_is_locked():
    make_people()
    client = Client(REMOTE_ADDR="10.9.9.9")
    statuses = [form_sign_in(client, f"nobody{i}", "wrong").status_code for i in range(LIMIT)]
    assert statuses[-1] == 429
    assert form_sign_in(client, "analyst", "pw").status_code == 429
    # Someone else signs in to that account normally.
    assert form_sign_in(Client(REMOTE_ADDR="10.1.1.1"), "analyst", "pw").status_code == 302


def test_a_correct_password_before_the_limit_signs_in_and_lands_home():
    make_people()
    client = Client()
    form_sign_in(client, "analyst", "wrong")
    response = form_sign_in(client, "analyst", "pw")
    assert response.status_code == 302 and response.headers["Location"] == "/analytics/"
    assert SignInEvent.objects.filter(username="analyst", kind="success").exists()


def test_the_admin_sign_in_is_protected_too():
    make_people()
    for _ in range(LIMIT):
        response = form_sign_in(Client(REMOTE_ADDR="10.2.2.2"), "staff", "wrong", "/admin/login/")
    assert response.status_code == 429
    assert form_sign_in(Client(REMOTE_ADDR="10.2.2.3"), "staff", "pw", "/admin/login/").status_code == 429


def test_the_api_password_exchange_is_protected_too():
    make_people()
    client = Client(REMOTE_ADDR="10.3.3.3")

    def exchange(password):
        return client.post(
            "/api/v1/auth/tokens",
            {"name": "x", "username": "broker", "password": password},
            content_type="application/json",
        )

    assert [exchange("wrong").status_code for _ in range(LIMIT - 1)] == [401] * (LIMIT - 1)
    assert exchange("wrong").status_code == 429
    assert exchange("pw").status_code == 429


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count():
    make_people()
    client = Client(REMOTE_ADDR="10.4.4.4")
    for i in range(LIMIT - 1):
        form_sign_in(client, f"victim{i}", "wrong")
    assert form_sign_in(Client(REMOTE_ADDR="10.4.4.4"), "broker", "pw").status_code == 302  # the attacker's own
    assert form_sign_in(client, "victim9", "wrong").status_code == 429
