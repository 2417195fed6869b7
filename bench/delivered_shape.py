"""Document shape for delivered prices: per-port fields in the document vs computing at query time.

    NZILA_INDEX_PREFIX=bench-e .venv/bin/python bench/delivered_shape.py [--docs 100000] [--requests 200]

Builds a throw-away index of synthetic vehicle documents (price, year, country, and per port the
landed estimate and the importable countries, as es_mappings.vehicles maps them) and times, for the
same page of 20 hits with total counted:
  plain      newest first, no filter (the plain search page's order)
  per-port   sorted by delivered_usd.<port>, filtered importable_to=<country> (what search sends)
  script     sorted by a Painless script computing the landed price from price_usd and per-route
             parameters, filtered by a script on year (the alternative: nothing per port stored)
Prints p50/p99 in ms. The index is deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nzila.settings")
import django  # noqa: E402

django.setup()
from elasticsearch.helpers import bulk  # noqa: E402

from es_mappings.vehicles import vehicle_index_body  # noqa: E402
from search.client import get_client  # noqa: E402

PORTS = ["NGLOS", "GHTEM", "CIABJ", "SNDKR", "BJCOO", "TGLFW", "CMDLA", "KEMBA", "TZDAR", "ZADUR"]
COUNTRIES = ["NG", "GH", "CI", "SN", "BJ", "TG", "CM", "KE", "TZ", "ZA"]
ORIGINS = ["US", "GB", "DE", "AU", "JP", "KE", "NG", "ZA"]


def document(i: int, rng: random.Random) -> dict:
    price = rng.uniform(3000, 60000)
    year = rng.randint(2005, 2025)
    landed = {p: round(price * rng.uniform(1.3, 1.9) + 1500, 2) for p in PORTS if rng.random() > 0.1}
    return {
        "vehicle_id": i,
        "price_usd": round(price, 2),
        "year": year,
        "country": rng.choice(ORIGINS),
        "status": "available",
        "listed_at": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00Z",
        "delivered_usd": landed,
        "cif_usd": {p: round(v / 1.4, 2) for p, v in landed.items()},
        "importable_to": [c for c in COUNTRIES if rng.random() > 0.4],
        "sync_bucket": i % 1024,
    }


def timed(es, index: str, body: dict, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        es.search(index=index, body=body, request_cache=False)
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    es = get_client().options(request_timeout=300)
    index = f"{os.environ.get('NZILA_INDEX_PREFIX', 'bench-e')}-delivered-shape"
    es.indices.delete(index=index, ignore_unavailable=True)
    body = vehicle_index_body()
    body["settings"]["number_of_replicas"] = 0
    es.indices.create(index=index, **body)
    rng = random.Random(7)
    started = time.perf_counter()
    bulk(
        es, ({"_index": index, "_id": i, "_source": document(i, rng)} for i in range(1, args.docs + 1)), chunk_size=2000
    )
    es.indices.refresh(index=index)
    es.indices.forcemerge(index=index, max_num_segments=1)
    print(f"{args.docs} documents indexed in {time.perf_counter() - started:.1f}s")
    hidden = {"bool": {"must_not": [{"terms": {"status": ["sold", "withdrawn"]}}]}}
    page = {"size": 20, "track_total_hits": True, "_source": ["vehicle_id", "price_usd", "delivered_usd"]}
    queries = {
        "plain": {**page, "query": hidden, "sort": [{"listed_at": "desc"}, {"vehicle_id": "asc"}]},
        "per-port": {
            **page,
            "query": {"bool": {"filter": [hidden, {"terms": {"importable_to": ["CI"]}}]}},
            "sort": [
                {"delivered_usd.CIABJ": {"order": "asc", "missing": "_last", "unmapped_type": "double"}},
                {"vehicle_id": "asc"},
            ],
        },
        "script": {
            **page,
            "query": {
                "bool": {
                    "filter": [
                        hidden,
                        {
                            "script": {
                                "script": {"source": "doc['year'].value >= params.oldest", "params": {"oldest": 2021}}
                            }
                        },
                    ]
                }
            },
            "sort": [
                {
                    "_script": {
                        "type": "number",
                        "order": "asc",
                        "script": {
                            "source": "double f = params.freight.getOrDefault(doc['country'].value, 1500.0);"
                            " return (doc['price_usd'].value + f) * 1.015 * params.tax;",
                            "params": {"freight": {"US": 1400.0, "JP": 1600.0, "GB": 1100.0}, "tax": 1.4428},
                        },
                    }
                },
                {"vehicle_id": "asc"},
            ],
        },
    }
    for name, query in queries.items():
        timed(es, index, query, 10)  # warm
        ms = sorted(timed(es, index, query, args.requests))
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        print(f"{name:10} p50 {statistics.median(ms):7.1f} ms   p99 {p99:7.1f} ms")
    size = es.indices.stats(index=index)["_all"]["primaries"]["store"]["size_in_bytes"]
    print(f"index size {size / 1e6:.1f} MB")
    es.indices.delete(index=index)


if __name__ == "__main__":
    main()
