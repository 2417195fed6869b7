"""manage.py demo_accounts: one account per role, generated passwords printed once, --reset makes new ones."""

import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from accounts import roles
from accounts.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db
LINE = re.compile(r"^\s+(\w+)\s+(demo-[\w-]+)\s+(\S+)\s+-> (\S+)$", re.M)


def run(*args) -> dict[str, tuple[str, str, str]]:
    out = io.StringIO()
    call_command("demo_accounts", *args, stdout=out)
    return {m[2]: (m[1], m[3], m[4]) for m in LINE.finditer(out.getvalue())}


def signs_in(username: str, password: str):
    return authenticate(RequestFactory().post("/accounts/login/"), username=username, password=password)


def test_demo_accounts_have_generated_passwords_and_their_roles():
    first = run("--url", "http://example.test:8000/")
    assert set(first) == set(DEMO_ACCOUNTS)
    passwords = {pw for _role, pw, _home in first.values()}
    assert len(passwords) == len(DEMO_ACCOUNTS) and all(len(pw) >= 16 for pw in passwords)
    for username, (role, password, home) in first.items():
        user = signs_in(username, password)
        assert user is not None, username
        assert role in roles.roles_of(user)
        assert home == "http://example.test:8000" + roles.home_url(user)

    assert run() == {}  # existing accounts: nothing to print, passwords unchanged
    assert signs_in("demo-analyst", first["demo-analyst"][1]) is not None

    again = run("--reset")
    assert set(again) == set(DEMO_ACCOUNTS)
    assert again["demo-analyst"][1] != first["demo-analyst"][1]
    assert signs_in("demo-analyst", first["demo-analyst"][1]) is None
    assert signs_in("demo-analyst", again["demo-analyst"][1]) is not None
