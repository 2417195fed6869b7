"""Relevance of the vehicle search on a judged query set: hit@3, nDCG@10 and zero-result rate per kind.

    NZILA_DB_NAME=nzila_relevance NZILA_INDEX_PREFIX=testrelevance-real \
        .venv/bin/python bench/relevance.py [--queries bench/relevance/queries.jsonl] \
        [--param interpret=0] [--save before.json] [--baseline before.json] [--failures]

Each judged query (one JSON line: `kind`, `q`, `expect`) says by rule which listings answer it:
`expect` holds search parameters (`make`, `model`, `fuel`, `body`, `year_min`, `price_max` +
`currency`, ...) and a listing is relevant when it satisfies all of them. The query goes through
the same parameter parsing and selector as `GET /api/v1/vehicles/search?q=...` (plus any --param);
the judgement runs the rule as filters on the same index, so "relevant" means exactly what the
filters mean and the set never goes stale when listings change.

- hit@3: the first three results (or all relevant listings, if fewer exist) are all relevant;
- nDCG@10: binary gains, the ideal being min(10, relevant listings) relevant results first;
- zero: the search answered a total of 0 (relaxed suggestions shown for a zero result still count
  as zero here, their order counts for hit@3 and nDCG@10).

Run it against the real listings (`manage.py load_listings`, `search_rebuild`,
`search_suggestions_rebuild`) in a database and index prefix of your own, not the tests' prefix
(test modules drop `<prefix>-vehicles-*` when they end). --save writes the per-query scores;
--baseline prints a saved table side by side with this run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

os.environ.setdefault("NZILA_SEARCH_LOG_FLUSH_SECONDS", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402, F401
from django.http import QueryDict  # noqa: E402
from elasticsearch.dsl import Q, Search  # noqa: E402

from search.executor import run_searches  # noqa: E402
from search.filters import all_filters  # noqa: E402
from search.indexes import vehicles_alias  # noqa: E402
from search.params import VehicleFilterParams, VehicleSearchParams  # noqa: E402
from search.selectors import public_scope, vehicle_search  # noqa: E402

DEFAULT_QUERIES = Path(__file__).resolve().parent / "relevance" / "queries.jsonl"
K_HIT, K_NDCG = 3, 10


def load_queries(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _parsed(serializer_class, data: dict) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _as_params(expect: dict) -> dict:
    return {name: value if isinstance(value, list) else str(value) for name, value in expect.items()}


def _query_string(params: dict) -> QueryDict:
    """The query string the API would receive (repeated parameters for lists)."""
    return QueryDict(urlencode(params, doseq=True))


def judge(expect: dict, ids: list[int]) -> tuple[int, set[int]]:
    """(listings satisfying the rule, which of `ids` do)."""
    rule = _parsed(VehicleFilterParams, _query_string(_as_params(expect)))["query"]
    filters = all_filters(rule, public_scope())
    count = Search().query(Q("bool", filter=filters)).extra(size=0, track_total_hits=True)
    among = (
        Search()
        .query(Q("bool", filter=[*filters, Q("terms", vehicle_id=ids)]))
        .source(["vehicle_id"])
        .extra(size=len(ids) or 1, track_total_hits=False)
    )
    outcome = run_searches([(vehicles_alias(), count), (vehicles_alias(), among)])
    total = outcome.responses[0]["hits"]["total"]["value"]
    return total, {hit["_source"]["vehicle_id"] for hit in outcome.responses[1]["hits"]["hits"]}


def score(item: dict, extra_params: dict) -> dict:
    request = {"q": item["q"], "size": str(K_NDCG), "facets": "none", **extra_params}
    params = _parsed(VehicleSearchParams, _query_string(request))
    answer = vehicle_search(
        query=params["query"], sort=params["sort"], page=params["page"], facets=(), interpret=params["interpret"]
    )
    ids = [card["id"] for card in answer["results"]]
    relevant_total, relevant = judge(item["expect"], ids)
    gains = [1 if vid in relevant else 0 for vid in ids]
    dcg = sum(g / math.log2(rank + 2) for rank, g in enumerate(gains))
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(K_NDCG, relevant_total)))
    need = min(K_HIT, relevant_total)
    return {
        "kind": item["kind"],
        "q": item["q"],
        "hit3": 1.0 if need and sum(gains[:need]) == need else 0.0,
        "ndcg10": dcg / ideal if ideal else 0.0,
        "zero": 1.0 if answer["total"] == 0 else 0.0,
        "relevant": relevant_total,
        "top": [f"{c['make']} {c['model']}" + ("" if g else " ✗") for c, g in zip(answer["results"][:3], gains)],
    }


def table(rows: list[dict]) -> dict[str, dict[str, float]]:
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
        by_kind["ALL"].append(row)
    return {
        kind: {
            "n": len(items),
            "hit3": sum(r["hit3"] for r in items) / len(items),
            "ndcg10": sum(r["ndcg10"] for r in items) / len(items),
            "zero": sum(r["zero"] for r in items) / len(items),
        }
        for kind, items in by_kind.items()
    }


def print_table(current: dict, baseline: dict | None) -> None:
    kinds = sorted((k for k in current if k != "ALL"), key=lambda k: k) + ["ALL"]
    if baseline is None:
        print(f"{'kind':<11} {'n':>4} {'hit@3':>7} {'nDCG@10':>8} {'zero':>6}")
        for kind in kinds:
            c = current[kind]
            print(f"{kind:<11} {c['n']:>4} {c['hit3']:>7.3f} {c['ndcg10']:>8.3f} {c['zero']:>6.3f}")
        return
    print(f"{'kind':<11} {'n':>4}   {'hit@3 before→after':>20}   {'nDCG@10 before→after':>21}", end="")
    print(f"   {'zero before→after':>18}")
    for kind in kinds:
        c, b = current[kind], baseline.get(kind)
        if b is None:
            continue
        print(
            f"{kind:<11} {c['n']:>4}   {b['hit3']:>9.3f} → {c['hit3']:.3f}   {b['ndcg10']:>10.3f} → {c['ndcg10']:.3f}"
            f"   {b['zero']:>9.3f} → {c['zero']:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--param", action="append", default=[], help="extra search parameter NAME=VALUE")
    parser.add_argument("--save", type=Path, help="write per-query scores and the table here (JSON)")
    parser.add_argument("--baseline", type=Path, help="a --save file to print side by side")
    parser.add_argument("--failures", action="store_true", help="list the queries that miss hit@3")
    args = parser.parse_args()
    extra = dict(pair.split("=", 1) for pair in args.param)
    rows = [score(item, extra) for item in load_queries(args.queries)]
    current = table(rows)
    baseline = json.loads(args.baseline.read_text())["table"] if args.baseline else None
    print(f"{len(rows)} judged queries, index {vehicles_alias()}" + (f", params {extra}" if extra else ""))
    print_table(current, baseline)
    if args.failures:
        for row in rows:
            if not row["hit3"]:
                print(f"  [{row['kind']}] {row['q']!r} ({row['relevant']} relevant): {', '.join(row['top']) or '-'}")
    if args.save:
        args.save.write_text(json.dumps({"table": current, "queries": rows}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
