"""Search under popular traffic: many buyers asking for the same few pages and typing the same letters.

    .venv/bin/python bench/search_popular.py [--vehicles 1000000] [--pages 40] [--requests 600]
        [--clients 32] [--workers 2] [--threads 8] [--baseline REV]

bench/search_latency.py sends every request once (cold work, nothing shared). Real traffic repeats:
the landing page, a make, a body type; "t", "to", "toy" in the search box. Here `--requests` search
page requests are drawn from `--pages` distinct ones, and as many typeahead requests from `--pages`
distinct prefixes, with Zipf weights (1/rank: the first is asked for `--pages` times as often as the
last), and sent by `--clients` threads three ways, in one run:

- straight to the engine's `_msearch`, its request cache on (the engine's own sharing: a size-0
  facets request is answered from it until the next refresh);
- through the API with answer sharing off (NZILA_SEARCH_ANSWER_SHARING_SECONDS=0);
- through the API with answer sharing on (the default, search/sharing.py).

Same index, same draws, same order. Prints p50/p99 and requests/s for each, and the ratios. With
--baseline REV, the API as it was at that revision (sharing on) is timed too, in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_latency as bench  # noqa: E402  (sets up Django, the bench index prefix and its helpers)
from django.conf import settings  # noqa: E402
from search_data import build_synthetic_index, indexed_count  # noqa: E402

from search.client import get_client  # noqa: E402
from search.indexes import vehicles_alias  # noqa: E402
from web.search_state import PAGE_FACETS  # noqa: E402

SHARING = "NZILA_SEARCH_ANSWER_SHARING_SECONDS"


def with_request_cache(body: str) -> str:
    """The API's _msearch body with the engine's request cache left on, as the API leaves it."""
    return body.replace('"request_cache": false', '"request_cache": true')


def zipf_draws(rng: random.Random, items: list, k: int) -> list:
    return rng.choices(items, weights=[1 / rank for rank in range(1, len(items) + 1)], k=k)


def timed_run(engine, port: int, pairs: list, clients: int) -> tuple[list[float], float]:
    """(latencies of the 200 answers in ms, requests per second) from `clients` threads."""
    started = time.perf_counter()
    engine_ms, api_ms = bench.run_pairs(engine, port, pairs, clients)
    answered = engine_ms or api_ms
    return answered, len(answered) / (time.perf_counter() - started)


def cold_engine() -> None:
    get_client().indices.clear_cache(index=vehicles_alias(), request=True, query=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=40, help="distinct search pages, and distinct prefixes")
    parser.add_argument("--requests", type=int, default=600, help="per endpoint and way")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--baseline", metavar="REV", help="also time the API as it was at this revision (sharing on)")
    args = parser.parse_args()

    if indexed_count() < args.vehicles:
        build_synthetic_index(args.vehicles)
    from insights.suggestions_index import rebuild_suggestions

    rebuild_suggestions(include_queries=False)  # typeahead, and query understanding's makes and models
    rng = random.Random(7)
    pages = list({repr(p): p for p in bench.search_inputs(rng, args.pages * 3)}.values())[: args.pages]
    prefixes = list(dict.fromkeys(bench.typeahead_inputs(rng, args.pages * 5)))[: args.pages]
    drawn_pages, drawn_prefixes = zipf_draws(rng, pages, args.requests), zipf_draws(rng, prefixes, args.requests)
    engine = urllib.parse.urlsplit(settings.ELASTICSEARCH_URL)
    cases = {
        "search page": (
            [
                (("POST", "/_msearch", with_request_cache(bench.engine_body_for_search(p, PAGE_FACETS))), None)
                for p in drawn_pages
            ],
            [(None, ("GET", "/api/v1/vehicles/search?" + bench.page_query(p), None)) for p in drawn_pages],
        ),
        "typeahead": (
            [
                (("POST", "/_msearch", with_request_cache(bench.engine_body_for_typeahead(t))), None)
                for t in drawn_prefixes
            ],
            [
                (None, ("GET", "/api/v1/vehicles/suggest?" + urllib.parse.urlencode({"q": t}), None))
                for t in drawn_prefixes
            ],
        ),
    }
    rows: dict[str, list] = {name: [] for name in cases}
    for name, (direct, _) in cases.items():
        cold_engine()
        rows[name].append(("engine, its request cache on", *timed_run(engine, 0, direct, args.clients)))
    ways = [("API, sharing off", "0", bench.ROOT), ("API, sharing on", None, bench.ROOT)]
    if args.baseline:
        ways.append((f"API at {args.baseline}, sharing on", None, bench.baseline_checkout(args.baseline)))
    for label, seconds, root in ways:
        os.environ.pop(SHARING, None)
        if seconds is not None:
            os.environ[SHARING] = seconds
        port = bench.free_port()
        api = bench.start_api(port, args.workers, args.threads, root=root)
        try:
            for name, (_, through_api) in cases.items():
                cold_engine()
                bench.run_pairs(engine, port, through_api[:10], args.clients)  # warm connections
                rows[name].append((label, *timed_run(engine, port, through_api, args.clients)))
        finally:
            bench.stop_api(api)

    median = statistics.median
    print(
        f"\n{args.requests} requests per row over {args.pages} distinct ones (Zipf), {args.clients} clients, "
        f"{indexed_count():,} vehicles; answers shared {settings.SEARCH_ANSWER_SHARING_SECONDS:g} s when on"
    )
    print(f"{'endpoint':<14}{'way':<32}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>8}")
    for name, measured in rows.items():
        for label, latencies, rate in measured:
            print(f"{name:<14}{label:<32}{bench.pct(latencies, 50):>9.1f}{bench.pct(latencies, 99):>9.1f}{rate:>8.0f}")
        (_, engine_ms, engine_rate), (_, off_ms, off_rate), (_, on_ms, on_rate), *before = measured
        print(
            f"{name:<14}sharing on / off: p50 {median(on_ms) / median(off_ms):.2f}x, req/s {on_rate / off_rate:.2f}x; "
            f"on / engine: p50 {median(on_ms) / median(engine_ms):.2f}x, req/s {on_rate / engine_rate:.2f}x"
        )
        for _, then_ms, then_rate in before:
            print(
                f"{name:<14}on / baseline: p50 {median(on_ms) / median(then_ms):.2f}x, req/s {on_rate / then_rate:.2f}x"
            )
    if bench.failures:
        print(f"non-200 answers (left out of the figures): {bench.failures}")


if __name__ == "__main__":
    main()
