"""The classes of input that once answered 500 (non-ASCII digits, lone surrogates, NUL, huge numbers,
bodies of the wrong JSON type), sent to every operation of /api/schema and to the HTML pages' query
strings against a live server: no answer is a server error.

For every API operation, every query parameter and every top-level body property in turn gets each
hostile value (non-ASCII digits, a lone surrogate, a NUL, numbers past every column, a formula), and
every operation with a body gets bodies that are not objects. The pages' query strings get the same
values: tests/contract/test_page_query_fuzz.py.

A lone surrogate cannot travel in a URL as text: it is sent as the bytes UTF-8 would give it with
`surrogatepass` (%ED%A0%80), which is what a hostile client sends. The totals are printed (`pytest -s`).
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings

from accounts.tokens import token_create
from tests.contract.test_api_schema import EXTERNAL_CALLERS, search_ready  # noqa: F401 (fixture)
from tests.support.payment_simulators.fixtures import clean_payment_cache, currencies, make_user  # noqa: F401
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
# Each class of input that once caused a server error, as text a client can put anywhere.
HOSTILE_TEXT = [
    "²",  # isdigit() is true, int() refuses it
    "٣",  # int() reads it as 3
    "３",
    "\ud800",  # a lone surrogate
    "a\x00b",  # a NUL
    "9" * 40,  # past every integer and numeric column
    "-1",
    "1e999",
    '=HYPERLINK("http://x.test","x")',
    "",
]
# Bodies, and body values, of the wrong JSON type.
NOT_OBJECTS = [1, True, False, -2.5, "x", [], [{}], None]
HOSTILE_VALUES = [*HOSTILE_TEXT, 10**30, -(10**30), 1e308, True, [], {}, [HOSTILE_TEXT[3]], {"\ud800": 1}]


def query_string(params: list[tuple[str, str]]) -> str:
    """name=value pairs percent-encoded from UTF-8, a lone surrogate as the bytes it would have."""

    def enc(text: str) -> str:
        return quote(text.encode("utf-8", "surrogatepass"), safe="")

    return "&".join(f"{enc(name)}={enc(value)}" for name, value in params)


class Tally:
    def __init__(self):
        self.requests = 0
        self.targets: set[str] = set()
        self.errors: list[str] = []

    def check(self, response: requests.Response, what: str) -> None:
        self.requests += 1
        if response.status_code >= 500:
            self.errors.append(f"{response.status_code} {what}")


def body_properties(operation) -> list[str]:
    names: list[str] = []
    for body in operation.body:
        if body.media_type == "application/json":
            names += list((body.resolved_schema or {}).get("properties", {}))
    return sorted(set(names))


def base_cases(live_server) -> list:
    """One valid-looking case per operation (path parameters filled in), drawn by Schemathesis."""
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema?format=json").exclude(
        path_regex=EXTERNAL_CALLERS
    )
    return [(operation, _first_case(operation)) for operation in (r.ok() for r in schema.get_all_operations())]


def _first_case(operation):
    """The one case Hypothesis draws first for this operation (derandomized: the same every run)."""
    drawn = []

    @given(case=operation.as_strategy())
    @settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def first(case):
        drawn.append(case)

    first()
    return drawn[0]


def test_every_operation_answers_hostile_parameters_and_bodies_without_a_server_error(
    live_server, currencies, search_ready
):
    staff = make_user(staff=True)
    _, key = token_create(user=staff, name="hostile inputs")
    headers = {"Authorization": f"Token {key}"}
    tally = Tally()
    operations = base_cases(live_server)
    for operation, case in operations:
        url = f"{live_server.url}{case.formatted_path}"
        method = operation.method.upper()
        for name in [p.name for p in operation.query]:
            for value in HOSTILE_TEXT:
                target = f"{url}?{query_string([(name, value)])}"
                tally.check(requests.request(method, target, headers=headers, timeout=60), f"{method} {target}")
        properties = body_properties(operation)
        if not properties and method not in ("POST", "PUT", "PATCH"):
            continue
        base = case.body if isinstance(case.body, dict) else {}
        bodies = [*NOT_OBJECTS, *({**base, name: value} for name in properties for value in HOSTILE_VALUES)]
        for body in bodies:
            # ensure_ascii: a lone surrogate travels as the escape "\ud800", as JSON allows.
            data = json.dumps(body, ensure_ascii=True)
            response = requests.request(
                method, url, data=data, headers={**headers, "Content-Type": "application/json"}, timeout=60
            )
            tally.check(response, f"{method} {url} {data[:200]}")
    print(f"\nhostile inputs: {len(operations)} operations, {tally.requests} requests, {len(tally.errors)} 5xx")
    assert len(operations) > 30
    assert not tally.errors, "\n".join(tally.errors[:40])
