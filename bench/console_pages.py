"""The dealers' console and the analysts' dashboard: what a page costs beside the API calls it stands
for, and how fast the inventory goes out and back in as CSV. Prints milliseconds and ratios.

    NZILA_DB_NAME=nzila_bench .venv/bin/python bench/console_pages.py [--requests 30]

Needs a migrated database with vehicles in it and their index (e.g. `manage.py generate_vehicles
--count 20000 --dealers 100` then `manage.py search_rebuild`, under your own NZILA_INDEX_PREFIX).
Requests go through the whole Django stack in process (middleware, the view, its queries and engine
round trips), without a network hop. The busiest dealer's inventory is used; its CSV is imported back
unchanged twice (the first pass may fill in what the loader derives), so nothing in the index moves.

Reading the ratios: the console page counts 8 facets where the inventory API counts all 15 by
default, and the dashboard page runs the five reports under one request's middleware and sign-in
check instead of five; so a page below 1x is expected, and a page far above it is a regression.
Figures of one run (20,000 vehicles, 2 shared cores) are in docs/bench-console.md.
"""

from __future__ import annotations

import argparse
import io
import logging
import time

import _django  # noqa: F401  (Django set-up)
from _django import percentile
from django.contrib.auth.models import Group, User
from django.db.models import Count
from django.test import Client

from catalog.models import Dealer
from catalog.services import export_inventory, import_inventory

MEMBER, ANALYST = "bench-console-member", "bench-console-analyst"
ANALYTICS_APIS = (
    "/api/v1/analytics/prices?group_by=make&size=15",
    "/api/v1/analytics/listings-over-time?interval=month",
    "/api/v1/analytics/days-on-market?group_by=make&size=15",
    "/api/v1/analytics/inventory-by-dealer?size=15",
    "/api/v1/analytics/search-queries?limit=15",
)


def timed(client: Client, url: str, n: int) -> list[float]:
    client.get(url)  # warm: templates compiled, currency rates cached, engine caches as in use
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def row(name: str, times: list[float], base: float | None = None) -> str:
    p50 = percentile(times, 50)
    ratio = f"{p50 / base:>10.2f}x" if base else f"{'':>11}"
    return f"{name:44} {p50:>8.1f} {percentile(times, 95):>8.1f} {ratio}"


def main() -> None:
    logging.getLogger("axes").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    n = parser.parse_args().requests

    dealer = Dealer.objects.annotate(n=Count("vehicles")).order_by("-n").first()
    if dealer is None or dealer.n == 0:
        raise SystemExit("no vehicles: see the docstring for how to make some")
    member, _ = User.objects.get_or_create(username=MEMBER)
    dealer.members.add(member)
    analyst, _ = User.objects.get_or_create(username=ANALYST)
    analyst.groups.add(Group.objects.get_or_create(name="analyst")[0])
    console, dashboard = Client(), Client()
    console.force_login(member)
    dashboard.force_login(analyst)

    print(f"dealer {dealer.pk} with {dealer.n} vehicles; {n} requests per line")
    print(f"{'':44} {'p50 ms':>8} {'p95 ms':>8} {'x API p50':>11}")
    query = "make=Toyota&size=20"
    api = timed(console, f"/api/v1/dealers/{dealer.pk}/inventory?{query}", n)
    print(row("inventory API (make=Toyota)", api))
    print(
        row(
            "console inventory page (same query)",
            timed(console, f"/dealer/{dealer.pk}/?{query}", n),
            percentile(api, 50),
        )
    )
    print(row("console sold list (Postgres)", timed(console, f"/dealer/{dealer.pk}/?status=sold", n)))

    apis = [timed(dashboard, url, n) for url in ANALYTICS_APIS]
    together = [sum(parts) for parts in zip(*apis)]
    print(row("five analytics API calls, one after another", together))
    page = timed(dashboard, "/analytics/?group_by=make&size=15", n)
    print(row("dashboard page (the same five, one page)", page, percentile(together, 50)))
    print(row("one chart's CSV (prices)", timed(dashboard, "/analytics/prices.csv?group_by=make&size=15", n)))

    out = io.StringIO()
    start = time.perf_counter()
    rows = export_inventory(dealer.pk, out)
    export_s = time.perf_counter() - start
    data = out.getvalue().encode()
    import_inventory(dealer, io.BytesIO(data))
    start = time.perf_counter()
    report = import_inventory(dealer, io.BytesIO(data))
    import_s = time.perf_counter() - start
    print(f"CSV export: {rows} rows in {export_s * 1000:.0f} ms ({rows / export_s:,.0f} rows/s)")
    print(
        f"CSV import of that file, nothing changed: {report.read} rows in {import_s * 1000:.0f} ms "
        f"({report.read / import_s:,.0f} rows/s; unchanged {report.unchanged}, rejected {report.rejected})"
    )


if __name__ == "__main__":
    main()
