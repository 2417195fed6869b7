"""Facet counts on a sample vs exact, for broad browses of the benchmark index: error and engine time.

    ELASTICSEARCH_URL=... NZILA_INDEX_PREFIX=benchsearch .venv/bin/python bench/facet_estimates.py [--repeat 5]

For each browse (the whole market, one make, a body type, a price band), the search page's facets are
counted exactly and on the sample the API would use (search.facets.sample_slots), each sent --repeat
times alternately with the request cache off. Prints both engine times (median), their ratio, and
the largest error of a scaled count: as a share of the matching total, and relative to the count
itself for values holding at least 1 % of the matches.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402, F401  (sets up Django)
from django.conf import settings  # noqa: E402

from search.client import get_client  # noqa: E402
from search.facets import sample_slots  # noqa: E402
from search.fields import SYNC_BUCKETS  # noqa: E402
from search.indexes import vehicles_alias  # noqa: E402
from search.request import Range, Scope, VehicleQuery  # noqa: E402
from search.results import facet_lists  # noqa: E402
from search.vehicles import vehicle_facets_search  # noqa: E402
from web.search_state import PAGE_FACETS  # noqa: E402

BROWSES = {
    "whole market": VehicleQuery(),
    "make=Toyota": VehicleQuery(terms={"make": ("Toyota",)}),
    "body=suv": VehicleQuery(terms={"body": ("suv",)}),
    "price 5k-20k": VehicleQuery(ranges={"price": Range(5000, 20000)}),
}


def counts(aggregations: dict, query: VehicleQuery, scale: float) -> dict:
    lists = facet_lists(aggregations, terms=query.terms, units_per_usd=1.0, scale=scale)
    return {(name, b.get("value", b.get("from"))): b["count"] for name, items in lists.items() for b in items}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    es = get_client().options(request_timeout=60)
    scope = Scope(statuses=tuple(settings.SEARCHABLE_STATUSES))
    # Sampling is off in the API by default (0); the figures are for the limit it is meant for.
    limit = settings.SEARCH_EXACT_FACETS_UP_TO or 100_000
    print(f"exact up to {limit:,} matches; sample slots of {SYNC_BUCKETS}")
    print(
        f"{'browse':<14}{'matches':>10}{'slots':>7}{'exact ms':>10}{'sample ms':>11}{'ratio':>8}"
        f"{'max err/total':>15}{'max rel err (>=1%)':>20}"
    )
    for label, query in BROWSES.items():
        exact_body = vehicle_facets_search(query, scope=scope, facets=PAGE_FACETS).to_dict()
        exact = es.search(index=vehicles_alias(), body=exact_body, request_cache=False)
        total = exact["aggregations"]["all_selections"]["doc_count"]
        slots = sample_slots(total, exact_up_to=limit, slots=SYNC_BUCKETS) or SYNC_BUCKETS
        sample_body = vehicle_facets_search(query, scope=scope, facets=PAGE_FACETS, sample=slots).to_dict()
        times: dict[str, list[float]] = {"exact": [], "sample": []}
        sampled = None
        for n in range(args.repeat):
            for kind in ("exact", "sample") if n % 2 == 0 else ("sample", "exact"):
                started = time.perf_counter()
                response = es.search(
                    index=vehicles_alias(), body=exact_body if kind == "exact" else sample_body, request_cache=False
                )
                times[kind].append((time.perf_counter() - started) * 1000)
                if kind == "sample":
                    sampled = response
        truth = counts(exact["aggregations"], query, 1.0)
        guess = counts(sampled["aggregations"], query, SYNC_BUCKETS / slots)
        shared = set(truth) & set(guess)
        worst = max(abs(guess[k] - truth[k]) for k in shared)
        big = [abs(guess[k] - truth[k]) / truth[k] for k in shared if truth[k] >= total / 100]
        e, s = statistics.median(times["exact"]), statistics.median(times["sample"])
        print(
            f"{label:<14}{total:>10,}{slots:>7}{e:>10.1f}{s:>11.1f}{s / e:>7.2f}x"
            f"{worst / total:>14.3%}{max(big):>19.2%}"
        )


if __name__ == "__main__":
    main()
