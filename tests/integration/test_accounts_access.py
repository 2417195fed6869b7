"""Role x URL -> status, for every page and API endpoint that needs an account.

Pages: anonymous visitors are sent to sign in (302), accounts without the role get 403 (404 where a
page must not tell outsiders a dealer exists). API: anonymous 401 with WWW-Authenticate, no role 403."""

import pytest
from django.test import Client

from tests.support.accounts_people import ROLE_NAMES, make_people
from tests.support.search_fixtures import drop_search_indexes, load_index

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def search_index(django_db_setup, django_db_blocker):
    """An (empty) vehicle index in the real engine, so pages backed by search answer as in production."""
    with django_db_blocker.unblock():
        load_index()
    yield
    drop_search_indexes()


ALL = dict.fromkeys(ROLE_NAMES[1:], 200)


def expect(anonymous: int, default: int | None = None, **by_role: int) -> dict[str, int]:
    table = {"anonymous": anonymous, **(dict.fromkeys(ROLE_NAMES[1:], default) if default else ALL)}
    table.update(by_role)
    return table


PAGE = 302  # anonymous on a page: to the sign-in form
API = 401  # anonymous on the API
# (url, {role: status}); {A} and {B} are the dealers' ids.
TABLE = [
    # Every account's own pages.
    ("/accounts/", expect(PAGE)),
    ("/accounts/saved-searches/", expect(PAGE)),
    ("/accounts/price-watches/", expect(PAGE)),
    ("/accounts/notifications/", expect(PAGE)),
    ("/accounts/tokens/", expect(PAGE)),
    # A dealer's members: its admins and staff; other signed-in accounts get 403 (no admin role) or
    # 404 (an admin, but of another dealer).
    ("/accounts/dealers/{A}/members/", expect(PAGE, 403, admin_a=200, staff=200)),
    ("/accounts/dealers/{B}/members/", expect(PAGE, 403, admin_a=404, staff=200)),
    # The admin site: staff only (others are sent to its own sign-in page).
    ("/admin/", expect(302, 302, staff=200)),
    ("/admin/accounts/signinevent/", expect(302, 302, staff=200)),
    ("/admin/notifications/pricewatch/", expect(302, 302, staff=200)),
    ("/admin/sales/lead/", expect(302, 302, staff=200)),
    ("/admin/sales/deal/", expect(302, 302, staff=200)),
    ("/admin/sales/shipment/", expect(302, 302, staff=200)),
    ("/admin/buyers/buyer/", expect(302, 302, staff=200)),
    ("/admin/insights/searchlog/", expect(302, 302, staff=200)),
    ("/admin/accounts/apitoken/", expect(302, 302, staff=200)),
    ("/admin/auth/user/", expect(302, 302, staff=200)),
    # The dealers' console: its dealer's members and staff; other dealers' members get 404 (nothing
    # tells them it exists), accounts without a console role 403. /dealer/ sends a member of one
    # dealer on to it (302), staff pick one.
    ("/dealer/", expect(PAGE, 403, member_a=302, member_b=302, admin_a=302, staff=200)),
    ("/dealer/{A}/", expect(PAGE, 403, member_a=200, admin_a=200, member_b=404, staff=200)),
    ("/dealer/{A}/leads", expect(PAGE, 403, member_a=200, admin_a=200, member_b=404, staff=200)),
    ("/dealer/{A}/vehicles/new", expect(PAGE, 403, member_a=200, admin_a=200, member_b=404, staff=200)),
    ("/dealer/{A}/export.csv", expect(PAGE, 403, member_a=200, admin_a=200, member_b=404, staff=200)),
    ("/dealer/{B}/", expect(PAGE, 403, member_b=200, member_a=404, admin_a=404, staff=200)),
    # Brokers' pages: brokers and staff; commission statements for staff.
    ("/broker/", expect(PAGE, 403, broker=200, staff=200)),
    ("/broker/statements", expect(PAGE, 403, staff=200)),
    ("/broker/statements.csv", expect(PAGE, 403, staff=200)),
    # The analysts' dashboard.
    ("/analytics/", expect(PAGE, 403, analyst=200, staff=200)),
    # API: every account's own data.
    ("/api/v1/saved-searches", expect(API)),
    ("/api/v1/price-watches", expect(API)),
    ("/api/v1/notifications", expect(API)),
    ("/api/v1/notifications/preferences", expect(API)),
    ("/api/v1/auth/tokens", expect(API)),
    ("/api/v1/payments/", expect(API)),
    ("/api/v1/payments/invoices", expect(API)),
    ("/api/v1/tasks/00000000-0000-0000-0000-000000000000", expect(API, 404)),
    # API: a dealer's inventory for its members and staff.
    ("/api/v1/dealers/{A}/inventory", expect(API, 403, member_a=200, admin_a=200, staff=200)),
    ("/api/v1/dealers/{B}/inventory", expect(API, 403, member_b=200, staff=200)),
    # Writes: an empty body is refused as bad input (400) once the caller may write at all.
    ("POST /api/v1/dealers/{A}/vehicles", expect(API, 403, member_a=400, admin_a=400, staff=400)),
    ("POST /api/v1/saved-searches", expect(API, 400)),
    ("POST /api/v1/price-watches", expect(API, 400)),
    ("POST /api/v1/auth/tokens", expect(API, 400)),
    # API: analytics for analysts and staff.
    ("/api/v1/analytics/prices", expect(API, 403, analyst=200, staff=200)),
    ("/api/v1/analytics/listings-over-time", expect(API, 403, analyst=200, staff=200)),
    ("/api/v1/analytics/inventory-by-dealer", expect(API, 403, analyst=200, staff=200)),
    ("/api/v1/analytics/days-on-market", expect(API, 403, analyst=200, staff=200)),
    ("/api/v1/analytics/search-queries", expect(API, 403, analyst=200, staff=200)),
    # API: operations, staff only.
    ("/api/v1/ops/jobs", expect(API, 403, staff=200)),
    ("/api/v1/payments/metrics", expect(API, 403, staff=200)),
]


@pytest.mark.parametrize("url, table", TABLE, ids=[row[0] for row in TABLE])
def test_role_x_url(url, table):
    people = make_people()
    method, _, path = url.rpartition(" ")
    path = path.format(A=people.dealer_a.pk, B=people.dealer_b.pk)
    failures = []
    for role, expected in table.items():
        client = Client()
        if people.users[role] is not None:
            client.force_login(people.users[role])
        accept = "application/json" if path.startswith("/api/") else "text/html"
        if method == "POST":
            response = client.post(path, {}, content_type="application/json", HTTP_ACCEPT=accept)
        else:
            response = client.get(path, HTTP_ACCEPT=accept)
        got = response.status_code
        if got != expected:
            failures.append(f"{role}: {got} (expected {expected})")
        if role == "anonymous" and expected == 401:
            assert response.headers.get("WWW-Authenticate", "").startswith("Token"), path
        if role == "anonymous" and expected == PAGE and not path.startswith("/admin/"):
            assert response.headers["Location"].startswith("/accounts/login/?next="), path
    assert not failures, f"{path}: " + "; ".join(failures)
