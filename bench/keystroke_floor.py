"""How close to the engine a Python server can answer a keystroke at all, beside the API's own time.

    .venv/bin/python bench/keystroke_floor.py [--requests 400] [--clients 1]

Against the benchmark index of bench/search_latency.py, each distinct keystroke is sent, in every
order in turn, straight to the engine (the typeahead's `_msearch`), to the API (gunicorn, as the stack
serves it), and to bench/keystroke_floor_app.py served by gunicorn and by granian: a server that
does only what a keystroke cannot skip (one Redis round trip for the rate limit, one to the engine,
JSON out). Prints p50/p99 of each and its ratio to the engine's p50: the floor's ratio is the best a
Python web tier could reach on this machine, whatever it leaves out.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_latency as bench  # noqa: E402  (sets up Django against the benchmark index)
from django.conf import settings  # noqa: E402

FLOOR_APP = "keystroke_floor_app:application"
SERVED = [
    ("API (gunicorn, as the stack serves it)", "gunicorn", "nzila.wsgi:application"),
    ("floor, gunicorn", "gunicorn", FLOOR_APP),
    ("floor, granian", "granian", FLOOR_APP),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=1)
    args = parser.parse_args()
    engine = urllib.parse.urlsplit(settings.ELASTICSEARCH_URL)
    typed = list(dict.fromkeys(bench.typeahead_inputs(random.Random(7), args.requests * 5)))[: args.requests + 20]
    pairs = [
        (
            ("POST", "/_msearch", bench.engine_body_for_typeahead(text)),
            ("GET", "/api/v1/vehicles/suggest?" + urllib.parse.urlencode({"q": text}), None),
        )
        for text in typed
    ]
    ports = [bench.free_port() for _ in SERVED]
    servers = [
        bench.start_api(port, workers=2, threads=8, server=server, app=app)
        for port, (_, server, app) in zip(ports, SERVED, strict=True)
    ]
    try:
        bench.run_requests(engine, ports, pairs[:20], args.clients)  # connections and code warm
        engine_ms, served_ms = bench.run_requests(engine, ports, pairs[20:], args.clients)
    finally:
        for server in servers:
            bench.stop_api(server)
    base = statistics.median(engine_ms)
    print(f"\n{len(engine_ms)} distinct keystrokes, {args.clients} client(s); p50 / p99 ms, ratio to the engine's p50")
    print(f"{'engine _msearch':<42}{bench.pct(engine_ms, 50):>8.2f}{bench.pct(engine_ms, 99):>8.2f}{1:>8.2f}x")
    for (label, _, _), ms in zip(SERVED, served_ms, strict=True):
        ratio = statistics.median(ms) / base
        print(f"{label:<42}{bench.pct(ms, 50):>8.2f}{bench.pct(ms, 99):>8.2f}{ratio:>8.2f}x")
    if bench.failures:
        print(f"non-200 answers (left out of the figures): {bench.failures}")


if __name__ == "__main__":
    main()
