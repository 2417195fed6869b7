"""Offline evaluation of similar-vehicle recommendations on held-out view sessions. Prints a table.

    .venv/bin/python bench/recommendations.py --simulate 20000 --seed 7   # fresh synthetic data + index
    .venv/bin/python bench/recommendations.py                             # evaluate what is there

A session is one viewer's views with no gap longer than --gap-days. Sessions are split by time: views
before the validation start train the co-view counts and the ALS model; sessions starting in the
validation slice choose the blend's weight; sessions starting in the last slice are the test, on which
every method is reported. For each test session the first vehicle is the query and the other vehicles
the viewer went on to see are the relevant ones: recall@10 and nDCG@10 (binary gains).

Methods: more-like-this alone (the engine's similar-vehicle query), co-views alone (the same
recency-weighted "viewers also viewed" counts as search/coviews.py, from training views only), the
current blend (0.7 / 0.3, with its co-view slots), the blend at the weight chosen on validation, and
implicit-feedback ALS (`implicit`), item-to-item through its item factors.

With --simulate the data is the seeded simulator's (scoring/simulator.py: SYNTHETIC), written to the
bench database, and the vehicles are indexed under the bench prefix; on real data, run it without.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections import defaultdict
from datetime import UTC, datetime

# implicit runs its own threads; a BLAS thread pool underneath only slows it (it warns otherwise).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import _django  # noqa: E402, F401  (sets up Django)
import numpy as np
from django.db import connection
from scipy.sparse import csr_matrix
from threadpoolctl import threadpool_limits

from search.blend import blend_ranking
from search.coviews import DECAY_SECONDS, MIN_DWELL_SECONDS
from search.executor import run_searches
from search.indexes import vehicles_alias
from search.selectors import _target
from search.similar import similar_vehicles_search

K = 10
CURRENT = (0.7, 0.3)


def load_views() -> list[tuple[str, int, float]]:
    """(viewer, vehicle id, epoch seconds) of every view long enough to be interest, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT COALESCE(user_id::text, 's:' || session_key), vehicle_id, EXTRACT(EPOCH FROM viewed_at)
                 FROM buyers_vehicleview WHERE dwell_seconds IS NULL OR dwell_seconds >= %s ORDER BY viewed_at""",
            [MIN_DWELL_SECONDS],
        )
        return [(viewer, int(vid), float(at)) for viewer, vid, at in cursor.fetchall()]


def sessions_of(views, gap_seconds: float) -> list[tuple[float, list[int]]]:
    """(start, distinct vehicles in viewing order) per session with at least two vehicles."""
    by_viewer = defaultdict(list)
    for viewer, vid, at in views:
        by_viewer[viewer].append((at, vid))
    sessions = []
    for seen in by_viewer.values():
        current, start, last = [], None, None
        for at, vid in seen:
            if last is not None and at - last > gap_seconds:
                if len(current) >= 2:
                    sessions.append((start, current))
                current, start = [], None
            start = at if start is None else start
            if vid not in current:
                current.append(vid)
            last = at
        if len(current) >= 2:
            sessions.append((start, current))
    return sessions


def coview_scores(train_views, cutoff: float) -> dict[int, dict[int, float]]:
    """Recency-weighted count of viewers who saw both, as search/coviews.py computes it (training views only)."""
    last_seen: dict[str, dict[int, float]] = defaultdict(dict)
    for viewer, vid, at in train_views:
        last_seen[viewer][vid] = max(at, last_seen[viewer].get(vid, 0.0))
    scores: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for seen in last_seen.values():
        if len(seen) > 60:  # a crawler-like viewer would cost quadratic time and tell little
            continue
        for a in seen:
            for b, at in seen.items():
                if a != b:
                    scores[a][b] += math.exp(-(cutoff - at) / DECAY_SECONDS)
    return scores


def als_model(train_views, *, factors: int, iterations: int, seed: int):
    from implicit.als import AlternatingLeastSquares

    viewers = {v: i for i, v in enumerate(sorted({v for v, _, _ in train_views}))}
    items = {i: j for j, i in enumerate(sorted({vid for _, vid, _ in train_views}))}
    counts = defaultdict(float)
    for viewer, vid, _ in train_views:
        counts[(viewers[viewer], items[vid])] += 1.0
    rows, cols = zip(*counts.keys(), strict=True)
    matrix = csr_matrix((np.array(list(counts.values())) * 20.0, (rows, cols)), shape=(len(viewers), len(items)))
    model = AlternatingLeastSquares(factors=factors, iterations=iterations, regularization=0.05, random_state=seed)
    with threadpool_limits(1, "blas"):  # implicit's own threads; a BLAS pool underneath only slows it
        model.fit(matrix, show_progress=False)
    return model, items, {j: i for i, j in items.items()}


def mlt_scores(query_ids: list[int], *, size: int) -> dict[int, dict[int, float]]:
    out = {}
    for start in range(0, len(query_ids), 50):
        chunk = query_ids[start : start + 50]
        targets = [_target(vid) for vid in chunk]
        outcome = run_searches([(vehicles_alias(), similar_vehicles_search(t, size=size)) for t in targets])
        for vid, response in zip(chunk, outcome.responses, strict=True):
            out[vid] = {h["_source"]["vehicle_id"]: h["_score"] for h in response["hits"]["hits"]}
    return out


def recall_ndcg(ranked: list[int], relevant: set[int]) -> tuple[float, float]:
    top = ranked[:K]
    hits = [1.0 if vid in relevant else 0.0 for vid in top]
    dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(K, len(relevant))))
    return sum(hits) / len(relevant), (dcg / ideal if ideal else 0.0)


def evaluate(method, sessions) -> tuple[float, float]:
    scores = [recall_ndcg(method(items[0]), set(items[1:])) for _, items in sessions]
    return float(np.mean([s[0] for s in scores])), float(np.mean([s[1] for s in scores]))


def simulate(leads: int, seed: int) -> None:
    from indexers.rebuild import rebuild_vehicle_index
    from scoring import simulator

    simulator.reset()
    result = simulator.simulate(leads=leads, seed=seed)
    print(f"simulated (SYNTHETIC): {result.vehicles} vehicles, {result.buyers} buyers, {result.views} views")
    report = rebuild_vehicle_index()
    print(f"indexed: {report}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--simulate", type=int, metavar="LEADS", help="write fresh synthetic data first")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gap-days", type=float, default=7)
    parser.add_argument("--sessions", type=int, default=1500, help="test (and validation) sessions at most")
    parser.add_argument("--factors", type=int, nargs="+", default=[16, 32, 64], help="ALS sizes to choose from")
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()
    if args.simulate:
        simulate(args.simulate, args.seed)

    started = time.perf_counter()
    views = load_views()
    sessions = sorted(sessions_of(views, args.gap_days * 86400))
    if len(sessions) < 50:
        raise SystemExit(f"only {len(sessions)} sessions with two or more vehicles: simulate first")
    first, last = sessions[0][0], sessions[-1][0]
    validation_start = first + (last - first) * 0.6
    test_start = first + (last - first) * 0.8
    train_views = [v for v in views if v[2] < validation_start]
    rng = np.random.default_rng(args.seed)

    def sample(part):
        picked = rng.permutation(len(part))[: args.sessions]
        return [part[i] for i in sorted(picked)]

    validation = sample([s for s in sessions if validation_start <= s[0] < test_start])
    test = sample([s for s in sessions if s[0] >= test_start])
    print(
        f"{len(views)} views, {len(sessions)} sessions; training views before {_day(validation_start)}, "
        f"validation {len(validation)} sessions, test {len(test)} sessions from {_day(test_start)}"
    )

    co = coview_scores(train_views, validation_start)
    queries = sorted({items[0] for _, items in validation + test})
    mlt = mlt_scores(queries, size=2 * K)

    def top_coviews(vid):
        return dict(sorted(co.get(vid, {}).items(), key=lambda kv: -kv[1])[: 2 * K])

    def blend(weights):
        return lambda vid: blend_ranking(mlt.get(vid, {}), top_coviews(vid), weights=weights, size=K, exclude=vid)[0]

    def als_method(factors: int):
        als, item_index, item_id = als_model(train_views, factors=factors, iterations=args.iterations, seed=args.seed)

        def similar(vid):
            if vid not in item_index:
                return []
            ids, _ = als.similar_items(item_index[vid], N=K + 1)
            return [item_id[int(i)] for i in ids if item_id[int(i)] != vid][:K]

        return similar

    # ALS's size is chosen on validation sessions too, like the blend's weight.
    als_candidates = {f: als_method(f) for f in args.factors}
    als_validation = {f: evaluate(method, validation)[1] for f, method in als_candidates.items()}
    factors = max(als_validation, key=als_validation.get)

    grid = [round(w, 1) for w in np.arange(0, 1.01, 0.1)]
    on_validation = {w: evaluate(blend((w, round(1 - w, 1))), validation) for w in grid}
    chosen = max(grid, key=lambda w: (on_validation[w][1], -abs(w - CURRENT[0])))
    methods = [
        (
            "more-like-this alone",
            lambda vid: blend_ranking(mlt.get(vid, {}), {}, weights=(1, 0), size=K, exclude=vid)[0],
        ),
        ("co-views alone", lambda vid: blend_ranking({}, top_coviews(vid), weights=(0, 1), size=K, exclude=vid)[0]),
        (f"current blend {CURRENT[0]}/{CURRENT[1]}", blend(CURRENT)),
        (f"tuned blend {chosen}/{round(1 - chosen, 1)}", blend((chosen, round(1 - chosen, 1)))),
        (f"ALS (implicit, {factors} factors)", als_candidates[factors]),
    ]
    print(f"\n{'method':34} {'recall@10':>10} {'nDCG@10':>10}   (test sessions: {len(test)})")
    results = {}
    for name, method in methods:
        results[name] = evaluate(method, test)
        print(f"{name:34} {results[name][0]:10.4f} {results[name][1]:10.4f}")
    current = results[f"current blend {CURRENT[0]}/{CURRENT[1]}"]
    tuned = results[f"tuned blend {chosen}/{round(1 - chosen, 1)}"]
    print(f"\ntuned vs current blend: nDCG@10 x{tuned[1] / current[1]:.2f}, recall@10 x{tuned[0] / current[0]:.2f}")
    print("validation nDCG@10 by ALS factors: " + ", ".join(f"{f}: {v:.4f}" for f, v in als_validation.items()))
    print("validation nDCG@10 by similarity weight: " + ", ".join(f"{w}: {v[1]:.4f}" for w, v in on_validation.items()))
    print(
        f"chosen similarity weight {chosen}: set NZILA_RECOMMENDATIONS_TUNED_SIMILARITY_WEIGHT={chosen} "
        f"(the default in settings.py) for the 'tuned' arm; {time.perf_counter() - started:.0f} s"
    )
    print(f"engine index prefix: {os.environ.get('NZILA_INDEX_PREFIX')}, database: {connection.settings_dict['NAME']}")


def _day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")


if __name__ == "__main__":
    main()
