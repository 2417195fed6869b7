"""Every operation of /api/schema, fuzzed by Schemathesis against a live server, anonymous and as staff:
no server error, every response matches the schema, every status code is documented.

Bounded for CI: NZILA_SCHEMATHESIS_EXAMPLES examples per operation (default 10), derandomized. The
figures (operations, cases, failures by check) are printed (`pytest -s`).
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from accounts.tokens import token_create
from tests.support.payment_simulators.fixtures import clean_payment_cache, currencies, make_user  # noqa: F401
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
EXAMPLES = int(os.environ.get("NZILA_SCHEMATHESIS_EXAMPLES", "10"))
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
# Webhooks and operator callbacks are called by Stripe, Meta and the operators, signed or keyed by
# secrets a fuzzer cannot know; their hostile inputs are tests/integration/test_no_server_errors.py's.
EXTERNAL_CALLERS = r"^/api/v1/(payments/webhooks|payments/callbacks|webhooks/)"


@pytest.fixture(scope="module")
def search_ready(market, django_db_blocker):  # noqa: F811
    """The vehicle index (the market's) and the typeahead index, so searches answer rather than 503."""
    from insights.suggestions_index import rebuild_suggestions

    with django_db_blocker.unblock():
        rebuild_suggestions()
    return market


def _describe(exc: BaseException) -> str:
    parts = exc.exceptions if isinstance(exc, BaseExceptionGroup) else [exc]
    return " | ".join(f"{type(p).__name__}: {' '.join(str(p).split())[:300]}" for p in parts)


def fuzz(live_server, credentials: str | None) -> tuple[int, int, list[str]]:
    """(operations, cases, failures) over every operation of the live schema."""
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema?format=json").exclude(
        path_regex=EXTERNAL_CALLERS
    )
    operations = cases = 0
    failures: list[str] = []
    answered = Counter()

    def run_cases(operation, checks) -> None:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def run(case):
            nonlocal cases
            cases += 1
            try:
                # Staff credentials replace whatever Authorization header the fuzzer made up.
                headers = {"Authorization": credentials} if credentials else None
                response = case.call_and_validate(base_url=live_server.url, headers=headers, checks=checks)
                answered[(operation.label, response.status_code)] += 1
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, then reported together
                failures.append(f"{operation.label}: {_describe(exc)}\n    {case.as_curl_command()}")

        run()

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        # The health check's 503 is its documented answer "not ready" (no worker here), not a fault.
        checks = CHECKS[1:] if operation.path == "/api/v1/health" else CHECKS

        run_cases(operation, checks)
    return operations, cases, failures, answered


def report(who: str, operations: int, cases: int, failures: list[str]) -> None:
    kinds = Counter(f.split(": ", 1)[0] for f in failures)
    print(f"\nschemathesis {who}: {operations} operations, {cases} cases, {len(failures)} failing cases")
    for label, count in kinds.most_common():
        print(f"  {count:4} {label}")


def test_anonymous(live_server, currencies, search_ready):
    operations, cases, failures, answered = fuzz(live_server, None)
    report("anonymous", operations, cases, failures)
    assert operations > 30
    assert answered[("GET /api/v1/ops/jobs", 200)] == 0
    assert not failures, "\n".join(dict.fromkeys(failures))


def test_as_staff(live_server, currencies, search_ready):
    staff = make_user(staff=True)
    _, key = token_create(user=staff, name="contract test")
    credentials = f"Token {key}"
    operations, cases, failures, answered = fuzz(live_server, credentials)
    report("staff", operations, cases, failures)
    # The staff credentials were used: staff-only operations answered.
    assert answered[("GET /api/v1/ops/jobs", 200)] > 0 and answered[("GET /api/v1/payments/metrics", 200)] > 0
    assert not failures, "\n".join(dict.fromkeys(failures))
