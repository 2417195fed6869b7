"""The search page under popular traffic: many buyers asking for the same few pages at once.

    .venv/bin/python bench/search_popular.py [--vehicles 1000000] [--pages 40] [--requests 600]
        [--clients 32] [--workers 2] [--threads 8]

bench/search_latency.py sends every request once (cold work, nothing shared). Real traffic repeats:
the landing page, a make, a body type. Here `--requests` search-page requests are drawn from
`--pages` distinct ones with Zipf weights (1/rank: the first page is asked for `--pages` times as
often as the last), and sent by `--clients` threads three ways, in one run:

- straight to the engine's `_msearch`, its request cache on (the engine's own sharing: a size-0
  facets request is answered from it until the next refresh);
- through the API with facet sharing off (NZILA_SEARCH_FACET_CACHE_SECONDS=0);
- through the API with facet sharing on (the default).

Same index, same draws, same order. Prints p50/p99 and requests/s for each, and the ratios.
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

from es_mappings.vehicles import vehicles_alias  # noqa: E402
from search.client import get_client  # noqa: E402
from web.search_state import PAGE_FACETS  # noqa: E402


def engine_body(params: dict) -> str:
    """The API's _msearch body for these parameters, with the engine's request cache left on."""
    return bench.engine_body_for_search(params, PAGE_FACETS).replace('"request_cache": false', '"request_cache": true')


def timed_run(send, clients: int) -> tuple[list[float], float]:
    """(latencies of the 200 answers in ms, requests per second) of `send` from `clients` threads."""
    started = time.perf_counter()
    engine_ms, api_ms = bench.run_pairs(*send, clients)
    elapsed = time.perf_counter() - started
    answered = engine_ms or api_ms
    return answered, len(answered) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=40, help="distinct search pages")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    if indexed_count() < args.vehicles:
        build_synthetic_index(args.vehicles)
    from insights.suggestions_index import rebuild_suggestions

    rebuild_suggestions(include_queries=False)  # query understanding reads its makes and models
    rng = random.Random(7)
    pages = list({repr(p): p for p in bench.search_inputs(rng, args.pages * 3)}.values())[: args.pages]
    weights = [1 / rank for rank in range(1, len(pages) + 1)]
    draws = rng.choices(range(len(pages)), weights=weights, k=args.requests)
    engine = urllib.parse.urlsplit(settings.ELASTICSEARCH_URL)
    direct = [(("POST", "/_msearch", engine_body(pages[i])), None) for i in draws]
    through_api = [(None, ("GET", "/api/v1/vehicles/search?" + bench.page_query(pages[i]), None)) for i in draws]

    rows = []
    get_client().indices.clear_cache(index=vehicles_alias(), request=True, query=True)
    rows.append(("engine, its request cache on", *timed_run((engine, 0, direct), args.clients)))
    for label, seconds in (("API, facet sharing off", "0"), ("API, facet sharing on", None)):
        get_client().indices.clear_cache(index=vehicles_alias(), request=True, query=True)
        os.environ.pop("NZILA_SEARCH_FACET_CACHE_SECONDS", None)
        if seconds is not None:
            os.environ["NZILA_SEARCH_FACET_CACHE_SECONDS"] = seconds
        port = bench.free_port()
        api = bench.start_api(port, args.workers, args.threads)
        try:
            bench.run_pairs(engine, port, through_api[:10], args.clients)  # warm connections
            rows.append((label, *timed_run((engine, port, through_api), args.clients)))
        finally:
            bench.stop_api(api)
    print(
        f"\n{args.requests} search-page requests over {len(pages)} distinct pages (Zipf), {args.clients} clients, "
        f"{indexed_count():,} vehicles; facet sharing {settings.SEARCH_FACET_CACHE_SECONDS:g} s when on"
    )
    print(f"{'':<32}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>8}")
    for label, latencies, rate in rows:
        print(f"{label:<32}{bench.pct(latencies, 50):>9.1f}{bench.pct(latencies, 99):>9.1f}{rate:>8.0f}")
    (_, engine_ms, engine_rate), (_, off_ms, off_rate), (_, on_ms, on_rate) = rows
    median = statistics.median
    print(
        f"sharing on / off: p50 {median(on_ms) / median(off_ms):.2f}x, req/s {on_rate / off_rate:.2f}x; "
        f"on / engine: p50 {median(on_ms) / median(engine_ms):.2f}x, req/s {on_rate / engine_rate:.2f}x"
    )
    if bench.failures:
        print(f"non-200 answers (left out of the figures): {bench.failures}")


if __name__ == "__main__":
    main()
