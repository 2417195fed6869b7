"""The search page with a buyer's choice added, against the plain page: cold, side by side, in one run.

    .venv/bin/python bench/search_variants.py [--vehicles 1000000] [--requests 200] [--clients 1,8]
        [--port CIABJ] [--workers 2] [--threads 8]

Each drawn search page (bench/search_latency.py's mix of landing pages, text and filtered searches,
with the page's facets) is sent through the API three ways, by the same client thread one after the
other, whoever goes first taking turns:

- plain: the page as drawn;
- delivered: sorted by the delivered price at --port and filtered to cars its country admits
  (`port=`, `sort=delivered_asc`, `importable=`), what a buyer choosing a port asks for;
- great deal: filtered to great deals (`deal=great`).

No page repeats, so every request meets cold caches. Prints p50/p99 per way and each way's p50 over
the plain page's. Runs against the benchmark index of bench/search_latency.py (rebuilt from synthetic
rows, with per-port prices, when it holds fewer than --vehicles documents).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_latency as bench  # noqa: E402  (sets up Django, the bench index prefix and its helpers)
from django.conf import settings  # noqa: E402
from search_data import SYNTHETIC_PORTS, build_synthetic_index, indexed_count  # noqa: E402


def variants(params: dict, port: str) -> dict[str, dict]:
    country = SYNTHETIC_PORTS[port][0]
    return {
        "plain": params,
        "delivered": {**params, "port": port, "sort": "delivered_asc", "importable": [country]},
        "great deal": {**params, "deal": ["great"]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--port", default="CIABJ", choices=sorted(SYNTHETIC_PORTS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if indexed_count() < args.vehicles:
        build_synthetic_index(args.vehicles)

    rng = random.Random(23)
    engine = urllib.parse.urlsplit(settings.ELASTICSEARCH_URL)
    port = bench.free_port()
    api = bench.start_api(port, args.workers, args.threads)
    names = list(variants({}, args.port))
    try:
        print(f"\n{indexed_count():,} vehicles; port {args.port}; {args.requests} distinct pages per row")
        print(f"{'clients':>8}" + "".join(f"{name + ' p50/p99 ms':>26}" for name in names) + "  p50 over plain")
        seen: set[str] = set()
        for clients in [int(c) for c in args.clients.split(",")]:
            drawn = {json.dumps(p, sort_keys=True): p for p in bench.search_inputs(rng, args.requests * 4)}
            pages = [p for key, p in drawn.items() if key not in seen][: args.requests]
            seen.update(json.dumps(p, sort_keys=True) for p in pages)
            pairs = [
                (
                    None,
                    [
                        ("GET", "/api/v1/vehicles/search?" + bench.page_query(v), None)
                        for v in variants(p, args.port).values()
                    ],
                )
                for p in pages
            ]
            bench.run_requests(engine, [port] * len(names), pairs[:10], clients)  # warm connections
            _, timings = bench.run_requests(engine, [port] * len(names), pairs[10:], clients)
            plain = statistics.median(timings[0])
            row = f"{clients:>8}" + "".join(f"{bench.pct(ms, 50):>15.1f} / {bench.pct(ms, 99):>8.1f}" for ms in timings)
            row += "  " + ", ".join(f"{name} {statistics.median(ms) / plain:.2f}x" for name, ms in zip(names, timings))
            print(row, flush=True)
    finally:
        bench.stop_api(api)
    if bench.failures:
        print(f"non-200 answers (left out of the figures): {bench.failures}")


if __name__ == "__main__":
    main()
