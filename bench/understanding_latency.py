"""What query understanding and compact model names cost: search and typeahead at one client, with and without.

    NZILA_DB_NAME=nzila_relevance NZILA_INDEX_PREFIX=testrelevance-real \
        .venv/bin/python bench/understanding_latency.py [--requests 250]

Runs against whatever index the prefix names (the real listings: `manage.py load_listings`,
`search_rebuild`, `search_suggestions_rebuild`); it builds nothing. The API runs in gunicorn on a
loopback port (started and stopped here by process id), one client sends one request at a time.

- search (all facets, as the buyers' page asks): every judged query (bench/relevance/queries.jsonl)
  once with `interpret=1` and once with `interpret=0`, in alternating order, so both modes meet the
  same caches; the two bodies differ, so neither is answered from the other's request cache.
- parse: the understanding alone, in this process (no engine): microseconds per query.
- typeahead: prefixes of the judged queries sent straight to the engine's `_msearch`, the request
  the API builds with and without the compact-name clauses (the API side does not change).
Prints p50/p99 side by side and their ratio.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django.conf import settings  # noqa: E402
from search_latency import free_port, pct, start_api, stop_api  # noqa: E402 (sets Django up)

from search.client import get_client  # noqa: E402
from search.currency import currency_rates  # noqa: E402
from search.indexes import (
    suggestions_alias,  # noqa: E402
    vehicles_alias,  # noqa: E402
)
from search.suggest import suggestions_search, typeahead_vehicles_search  # noqa: E402
from search.understanding import interpret  # noqa: E402
from search.vocabulary import vehicle_vocabulary  # noqa: E402

QUERIES = Path(__file__).resolve().parent / "relevance" / "queries.jsonl"
PUBLIC_STATUSES = tuple(settings.SEARCHABLE_STATUSES)


def timed_get(conn: http.client.HTTPConnection, path: str) -> float | None:
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return (time.perf_counter() - started) * 1000 if response.status == 200 else None


def _strip(node):
    """The request with every clause on a compact-name field left out."""
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_strip(item) for item in node if "compact" not in json.dumps(item)]
    return node


def typeahead_body(text: str, *, compact: bool) -> str:
    from search.request import Scope

    suggestions = suggestions_search(text, size=16).to_dict()
    vehicles = typeahead_vehicles_search(text, scope=Scope(statuses=PUBLIC_STATUSES), size=3).to_dict()
    if not compact:
        suggestions, vehicles = _strip(suggestions), _strip(vehicles)
    lines = [
        {"index": suggestions_alias(), "request_cache": False},
        suggestions,
        {"index": vehicles_alias(), "request_cache": False},
        vehicles,
    ]
    return "".join(json.dumps(line) + "\n" for line in lines)


def row(name: str, with_ms: list[float], without_ms: list[float], unit: str = "ms") -> None:
    w50, w99, o50, o99 = pct(with_ms, 50), pct(with_ms, 99), pct(without_ms, 50), pct(without_ms, 99)
    print(
        f"{name:<30}{len(with_ms):>5}{w50:>10.2f}{w99:>10.2f}{o50:>12.2f}{o99:>12.2f}"
        f"{w50 / o50:>9.2f}x{w99 / o99:>8.2f}x  ({unit})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=250, help="typeahead prefixes to send")
    args = parser.parse_args()
    queries = [json.loads(line)["q"] for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    client = get_client()
    count = client.count(index=vehicles_alias())["count"]
    print(f"index {vehicles_alias()}: {count:,} vehicles; {len(queries)} judged queries; 1 client")
    client.indices.clear_cache(index=vehicles_alias(), request=True, query=True)

    # The understanding alone, in process.
    vocabulary, rates = vehicle_vocabulary(), currency_rates()
    parse_us, noop_us = [], []
    for _ in range(5):
        for q in queries:
            started = time.perf_counter()
            interpret(q, vocabulary=vocabulary, units_per_usd=rates)
            parse_us.append((time.perf_counter() - started) * 1e6)
            started = time.perf_counter()
            q.split()
            noop_us.append((time.perf_counter() - started) * 1e6)

    port = free_port()
    api = start_api(port, 1, 1)  # one client: one worker, one thread
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        with_ms, without_ms = [], []
        for i, q in enumerate(queries):
            paths = {
                mode: "/api/v1/vehicles/search?" + urllib.parse.urlencode({"q": q, "interpret": mode})
                for mode in ("1", "0")
            }
            order = ("1", "0") if i % 2 else ("0", "1")
            for mode in order:
                ms = timed_get(conn, paths[mode])
                if ms is not None:
                    (with_ms if mode == "1" else without_ms).append(ms)
    finally:
        stop_api(api)

    rng = random.Random(13)
    typed = list(dict.fromkeys(q[: rng.randint(1, len(q))].strip() for q in queries * 3 if q.strip()))
    typed = [t for t in typed if t][: args.requests]
    engine = urllib.parse.urlsplit(settings.ELASTICSEARCH_URL)
    econn = http.client.HTTPConnection(engine.hostname, engine.port, timeout=60)
    t_with, t_without = [], []
    for i, text in enumerate(typed):
        bodies = {True: typeahead_body(text, compact=True), False: typeahead_body(text, compact=False)}
        for compact in (True, False) if i % 2 else (False, True):
            started = time.perf_counter()
            econn.request("POST", "/_msearch", body=bodies[compact], headers={"Content-Type": "application/x-ndjson"})
            response = econn.getresponse()
            response.read()
            if response.status == 200:
                (t_with if compact else t_without).append((time.perf_counter() - started) * 1000)

    print(f"\n{'':<30}{'n':>5}{'with p50':>10}{'p99':>10}{'without p50':>12}{'p99':>12}{'p50':>10}{'p99':>9}")
    row("search + facets, API", with_ms, without_ms)
    row("understanding alone", parse_us, noop_us, unit="µs; without = str.split")
    row("typeahead, engine", t_with, t_without)


if __name__ == "__main__":
    main()
