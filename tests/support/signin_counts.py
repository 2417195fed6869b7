"""The sign-in guard's and the e-mail forms' counts live in the shared Redis cache: tests start from none."""

from __future__ import annotations

import pytest
from django.core.cache import cache

PATTERNS = ("*signin:*", "*throttle_signup_*", "*link:*")


def clear_signin_counts() -> None:
    client = cache._cache.get_client(None, write=True)
    for pattern in PATTERNS:
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture
def clean_signin_counts():
    clear_signin_counts()
    yield
    clear_signin_counts()
