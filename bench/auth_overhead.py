"""Cost of authenticating one API request: Basic auth (the password re-hashed per request, as before API
tokens), an API token, a session cookie, and no credentials, on the same endpoint, with the production
password hasher (not the tests' fast one). Prints milliseconds per request and ratios side by side.

    NZILA_DB_NAME=nzila_bench .venv/bin/python bench/auth_overhead.py [--requests 50]

The database must be migrated (bench/_django.py says how). The request goes through the whole Django
stack in process (middleware, DRF, the view, its queries), without a network hop.
"""

from __future__ import annotations

import argparse
import base64
import logging
import time
from unittest import mock

import _django  # noqa: F401  (Django set-up)
from _django import percentile
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.models import User
from django.test import Client, override_settings
from rest_framework.authentication import BasicAuthentication, SessionAuthentication

from accounts.tokens import token_create
from api.saved_searches import SavedSearchListApi

URL = "/api/v1/saved-searches"
USERNAME = "bench-auth"
PASSWORD = "bench-auth-password"


def timed(client: Client, n: int, **headers) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(URL, **headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 401), response.status_code
    return times


def main() -> None:
    logging.getLogger("django.request").setLevel(logging.ERROR)  # one line per 401 otherwise
    logging.getLogger("axes").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    n = parser.parse_args().requests

    user, _ = User.objects.get_or_create(username=USERNAME)
    user.set_password(PASSWORD)
    user.save()
    user.auth_token_set.all().delete()
    _token, secret = token_create(user=user, name="bench")
    basic = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    session = Client()
    session.force_login(user)

    # Before: the endpoint's authenticators as they were (session, then Basic auth), axes off as it was.
    before_classes = [SessionAuthentication, BasicAuthentication]
    with (
        mock.patch.object(SavedSearchListApi, "authentication_classes", before_classes),
        override_settings(AXES_ENABLED=False),
    ):
        timed(Client(), 3, HTTP_AUTHORIZATION=basic)
        before = timed(Client(), n, HTTP_AUTHORIZATION=basic)
    timed(Client(), 3, HTTP_AUTHORIZATION=f"Token {secret}")
    rows = {
        "Basic auth (before)": before,
        "API token (after)": timed(Client(), n, HTTP_AUTHORIZATION=f"Token {secret}"),
        "session cookie": timed(session, n),
        "no credentials (401)": timed(Client(), n),
    }
    hasher = get_hasher()
    iterations = getattr(hasher, "iterations", "?")
    print(f"GET {URL}, {n} requests each; password hasher {hasher.algorithm} ({iterations} iterations)")
    base = percentile(rows["API token (after)"], 50)
    print(f"{'':24} {'p50 ms':>8} {'p95 ms':>8} {'x token p50':>12}")
    for name, times in rows.items():
        p50 = percentile(times, 50)
        print(f"{name:24} {p50:8.1f} {percentile(times, 95):8.1f} {p50 / base:12.1f}")
    user.delete()


if __name__ == "__main__":
    main()
