"""Eager vs lazy global ordinals for the facet keywords, on an index refreshed every second under writes.

    ELASTICSEARCH_URL=... NZILA_INDEX_PREFIX=benchsearch .venv/bin/python bench/facet_ordinals.py
        [--seconds 15] [--rounds 2] [--writes 200]

Uses the index bench/search_latency.py built (its alias must exist). A writer re-indexes random
existing documents at --writes per second (so every refresh brings new segments and deletes), while
one client sends the search page's facets request for the whole market (request cache off) back to
back. Between windows the facet fields' `eager_global_ordinals` is switched (an updatable mapping
setting), alternating which comes first; prints p50/p99 of each mode and their ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402, F401  (sets up Django)
from _django import percentile  # noqa: E402
from django.conf import settings  # noqa: E402

from es_mappings.vehicles import vehicle_index_body  # noqa: E402
from search.client import get_client  # noqa: E402
from search.indexes import vehicles_alias  # noqa: E402
from search.request import Scope, VehicleQuery  # noqa: E402
from search.vehicles import vehicle_facets_search  # noqa: E402
from web.search_state import PAGE_FACETS  # noqa: E402


def eager_fields(properties: dict, prefix: str = "") -> dict:
    """The mapping fragments (keyword fields and multi-fields) that ask for eager global ordinals."""
    out = {}
    for name, spec in properties.items():
        if spec.get("eager_global_ordinals"):
            out[name] = dict(spec)
        subs = {k: v for k, v in spec.get("fields", {}).items() if v.get("eager_global_ordinals")}
        if subs:
            out[name] = {**spec, "fields": {**spec.get("fields", {}), **subs}}
    return out


def set_eager(es, index: str, fields: dict, eager: bool) -> None:
    def flip(spec: dict) -> dict:
        spec = dict(spec)
        if "eager_global_ordinals" in spec:
            spec["eager_global_ordinals"] = eager
        if "fields" in spec:
            spec["fields"] = {
                k: {**v, "eager_global_ordinals": eager} if "eager_global_ordinals" in v else v
                for k, v in spec["fields"].items()
            }
        return spec

    es.indices.put_mapping(index=index, properties={name: flip(spec) for name, spec in fields.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--writes", type=int, default=200)
    args = parser.parse_args()
    es = get_client().options(request_timeout=60)
    alias = vehicles_alias()
    (index,) = es.indices.get_alias(name=alias).body
    count = es.count(index=alias)["count"]
    fields = eager_fields(vehicle_index_body()["mappings"]["properties"])
    body = vehicle_facets_search(
        VehicleQuery(), scope=Scope(statuses=tuple(settings.SEARCHABLE_STATUSES)), facets=PAGE_FACETS
    ).to_dict()
    stop = threading.Event()

    def writer() -> None:
        rng = random.Random(7)
        while not stop.is_set():
            started = time.perf_counter()
            ids = [str(rng.randint(1, count)) for _ in range(args.writes // 10)]
            docs = es.mget(index=alias, ids=ids)["docs"]
            ops = []
            for doc in docs:
                if doc.get("found"):
                    ops += [{"index": {"_index": index, "_id": doc["_id"]}}, doc["_source"]]
            if ops:
                es.bulk(operations=ops)
            time.sleep(max(0.0, 0.1 - (time.perf_counter() - started)))

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    times: dict[bool, list[float]] = {True: [], False: []}
    try:
        for round_number in range(args.rounds):
            for eager in (True, False) if round_number % 2 == 0 else (False, True):
                set_eager(es, index, fields, eager)
                time.sleep(2)  # let the writer's next refresh happen under this setting
                deadline = time.monotonic() + args.seconds
                while time.monotonic() < deadline:
                    started = time.perf_counter()
                    es.search(index=alias, body=body, request_cache=False)
                    times[eager].append((time.perf_counter() - started) * 1000)
    finally:
        stop.set()
        thread.join()
        set_eager(es, index, fields, True)
    print(f"facets request for all {count:,} documents while re-indexing {args.writes} docs/s (refresh 1 s)")
    for eager in (True, False):
        values = times[eager]
        print(
            f"eager_global_ordinals={str(eager).lower():<5}: n={len(values):>4}  p50 {percentile(values, 50):7.1f} ms"
            f"  p99 {percentile(values, 99):7.1f} ms"
        )
    print(
        f"ratio eager/lazy: p50 {percentile(times[True], 50) / percentile(times[False], 50):.2f}x  "
        f"p99 {percentile(times[True], 99) / percentile(times[False], 99):.2f}x"
    )


if __name__ == "__main__":
    main()
