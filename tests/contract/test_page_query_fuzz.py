"""The HTML pages' query strings, fuzzed against a live server: `/`, a vehicle's page, the dealers'
console, the analysts' dashboard and its CSV, the brokers' page. Hypothesis draws query strings from
the hostile values of tests/contract/test_hostile_inputs.py and arbitrary text, under the pages'
own parameter names and made-up ones; then each hostile value goes under each name. No answer is a
server error. Its own module: the market it reads is built per module, and a transactional test empties
the database when it ends. Totals are printed (`pytest -s`).
"""

from __future__ import annotations

import os

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.contract.test_api_schema import search_ready  # noqa: F401 (fixture)
from tests.contract.test_hostile_inputs import HOSTILE_TEXT, Tally, query_string
from tests.support.payment_simulators.fixtures import clean_payment_cache, currencies  # noqa: F401
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PAGE_EXAMPLES = int(os.environ.get("NZILA_PAGE_FUZZ_EXAMPLES", "60"))
PAGE_PARAMS = [
    "q", "make", "model", "body", "fuel", "colour", "country", "dealer", "status", "price_min", "price_max",
    "currency", "year_min", "year_max", "mileage_min", "mileage_max", "lat", "lon", "radius_km", "sort",
    "page", "size", "cursor", "facets", "interpret", "pages", "search_id", "position", "group_by", "interval",
    "days", "broker",
]  # fmt: skip


def page_urls(market) -> list[tuple[str, bool]]:
    """(path, needs a signed-in dealer member or staff)."""
    from catalog.models import Vehicle
    from search.detail import vehicle_detail

    dealer = market.dealers[0]
    vehicle = Vehicle.objects.filter(dealer=dealer, status="available").order_by("pk").first()
    slug = vehicle_detail(vehicle_id=vehicle.pk, currency="USD")["slug"]
    return [
        ("/", False),
        (f"/vehicles/{vehicle.pk}/{slug}/", False),
        (f"/dealer/{dealer.pk}/", True),
        (f"/dealer/{dealer.pk}/vehicles/{vehicle.pk}/", True),
        (f"/dealer/{dealer.pk}/leads", True),
        (f"/dealer/{dealer.pk}/export.csv", True),
        (f"/dealer/{dealer.pk}/what-sells", True),
        ("/analytics/", True),
        ("/analytics/top-queries.csv", True),
        ("/broker/", True),
    ]


def signed_in(live_server, user) -> requests.Session:
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(django_settings.SESSION_COOKIE_NAME, client.cookies[django_settings.SESSION_COOKIE_NAME].value)
    return session


values = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=30),
    st.integers().map(str),
    st.floats().map(str),
)
names = st.one_of(st.sampled_from(PAGE_PARAMS), st.text(min_size=1, max_size=12))


def fuzz_page(url: str, session: requests.Session, tally: Tally) -> None:
    @given(params=st.lists(st.tuples(names, values), max_size=6))
    @settings(max_examples=PAGE_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def fetch(params):
        target = f"{url}?{query_string(params)}"
        tally.check(session.get(target, timeout=60, allow_redirects=False), f"GET {target}")

    fetch()


def test_the_pages_query_strings_never_answer_a_server_error(live_server, currencies, search_ready):
    anonymous, staff_session = requests.Session(), signed_in(live_server, search_ready.staff)
    tally = Tally()
    pages = page_urls(search_ready)
    # Signed in for real: the console answers the staff session, not a redirect to sign in.
    assert staff_session.get(live_server.url + pages[2][0], timeout=60, allow_redirects=False).status_code == 200
    for path, signed in pages:
        session = staff_session if signed else anonymous
        fuzz_page(live_server.url + path, session, tally)
        # Each hostile value under each of the pages' own names, not left to chance.
        for name in PAGE_PARAMS:
            for value in HOSTILE_TEXT:
                target = f"{live_server.url}{path}?{query_string([(name, value)])}"
                tally.check(session.get(target, timeout=60, allow_redirects=False), f"GET {target}")
    print(f"\npage query strings: {len(pages)} pages, {tally.requests} requests, {len(tally.errors)} server errors")
    assert not tally.errors, "\n".join(tally.errors[:40])
