"""The cap on API tokens holds when many requests for a token arrive at once (a live server, threads)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from accounts.models import ApiToken
from accounts.tokens import MAX_TOKENS_PER_USER, token_create
from tests.support.payment_simulators.fixtures import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_requests_cannot_exceed_the_token_cap(live_server):
    user = make_user()
    _, secret = token_create(user=user, name="client")
    for n in range(MAX_TOKENS_PER_USER - 2):
        token_create(user=user, name=f"old {n}")
    # One slot left. Twelve requests released together: one gets it, the others are told the cap.
    start = threading.Barrier(12)

    def ask(n: int) -> requests.Response:
        start.wait()
        return requests.post(
            f"{live_server.url}/api/v1/auth/tokens",
            json={"name": f"new {n}"},
            headers={"Authorization": f"Token {secret}"},
            timeout=60,
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(ask, range(12)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [400] * 11, [a.text for a in answers]
    assert ApiToken.objects.filter(user=user).count() == MAX_TOKENS_PER_USER
    refused = next(a for a in answers if a.status_code == 400).json()["error"]
    assert refused["code"] == "invalid_parameter" and "name" in refused["fields"]
