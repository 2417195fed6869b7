"""Sync pipeline benchmarks. Prints figures; run on demand against the dev stack (bin/setup):

    .venv/bin/python bench/sync_pipeline.py load      # pipeline rebuild vs raw _bulk of the same docs
    .venv/bin/python bench/sync_pipeline.py lag       # commit-to-searchable lag at a sustained write rate
    .venv/bin/python bench/sync_pipeline.py capture   # write cost with and without the capture triggers
    .venv/bin/python bench/sync_pipeline.py freight   # a freight rate's change reaching every affected document
    .venv/bin/python bench/sync_pipeline.py valuation --rows 3000  # what market values add to the drain

`load` indexes every vehicle in the dev database (generate them first, e.g.
`python manage.py generate_vehicles --count 1000000`), once through the pipeline's rebuild (read
Postgres, build documents, parallel _bulk) and once as raw _bulk of the same documents prepared in
memory beforehand, into the same engine with the same threads and chunk size; it prints both rates
and their ratio. Indexes use the `bench` prefix and are dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import _django  # noqa: F401  (sets up Django)
from _django import percentile
from django.conf import settings
from django.db import connection, transaction

from es_mappings.vehicles import vehicle_to_document
from indexers import index_admin
from indexers.apply import VehicleOp, bulk_operations, is_listable
from indexers.rebuild import rebuild_vehicle_index
from indexers.rows import iter_vehicle_rows, listable_sql
from search.client import get_client


def drop_bench_indexes() -> None:
    es = get_client()
    index_admin.drop_indexes(es, index_admin.physical_indexes(es, index_admin.VEHICLES))


def raw_bulk_rate(threads: int, chunk_size: int) -> tuple[int, float]:
    """Documents prepared in memory first, then only `_bulk` is timed."""
    payloads: list[bytes] = []
    chunk: list[VehicleOp] = []
    es = get_client().options(request_timeout=120)
    name = index_admin.new_physical_name(index_admin.VEHICLES) + "-raw"
    for rows in iter_vehicle_rows(batch_size=5000):
        for row in rows:
            if is_listable(row):
                chunk.append(VehicleOp(row["id"], row["search_version"], vehicle_to_document(row)))
            if len(chunk) >= chunk_size:
                payloads.append(_ndjson(chunk, name))
                chunk = []
    if chunk:
        payloads.append(_ndjson(chunk, name))
    count = sum(p.count(b'"_id"') for p in payloads)
    index_admin.create_physical_index(es, index_admin.VEHICLES, name, bulk_loading=True)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for response in pool.map(lambda body: es.bulk(operations=body.decode()), payloads):
            assert not response["errors"], str(response["items"][:1])
    es.indices.refresh(index=name)
    seconds = time.perf_counter() - start
    assert es.count(index=name)["count"] == count
    es.indices.delete(index=name)
    return count, seconds


def _ndjson(ops: list[VehicleOp], index: str) -> bytes:
    return ("\n".join(json.dumps(line) for line in bulk_operations(ops, index, require_alias=False)) + "\n").encode()


def bench_load(args) -> None:
    drop_bench_indexes()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_vehicle")
        (rows,) = cursor.fetchone()
    print(f"vehicles in Postgres: {rows}")
    for round_number in range(args.rounds):
        report = rebuild_vehicle_index(threads=args.threads, chunk_size=args.chunk_size)
        pipeline_rate = report.documents_loaded / report.seconds
        count, raw_seconds = raw_bulk_rate(args.threads, args.chunk_size)
        raw_rate = count / raw_seconds
        print(
            f"round {round_number + 1}: pipeline (search_rebuild) {report.documents_loaded} docs in "
            f"{report.seconds:.1f}s = {pipeline_rate:,.0f} docs/s | raw _bulk {count} docs in {raw_seconds:.1f}s "
            f"= {raw_rate:,.0f} docs/s | ratio {pipeline_rate / raw_rate:.2f}x"
        )
    # The pipeline's index stays behind the alias for `lag`.


def start_sync() -> list:
    """The index (rebuilt if missing), an empty change log, and the sync's own worker and listener.

    The generator's backlog (one change per generated row) is already in the index the rebuild built;
    measuring behind a million redundant changes would measure that backlog instead."""
    from localstack.paths import PYTHONPATH, ROOT
    from localstack.process import ManagedProcess
    from localstack.stack import celery_worker_argv

    if not index_admin.alias_exists(get_client(), index_admin.VEHICLES):
        rebuild_vehicle_index()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE indexers_searchchange")
    env = {
        "PYTHONPATH": PYTHONPATH,
        "DJANGO_SETTINGS_MODULE": "nzila.settings",
        "NZILA_INDEX_PREFIX": "bench",
        # Redis databases of their own on the stack's Redis, so no other worker takes these tasks.
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{settings.LOCAL_REDIS_PORT}/14",
        "CELERY_RESULT_BACKEND": f"redis://127.0.0.1:{settings.LOCAL_REDIS_PORT}/15",
    }
    procs = [
        ManagedProcess(
            "bench-worker",
            celery_worker_argv("bench", queues="default", concurrency=2, python=sys.executable),
            env,
            ROOT,
        ),
        ManagedProcess("bench-listener", [sys.executable, "manage.py", "search_listen"], env, ROOT),
    ]
    for proc in procs:
        proc.start()
    time.sleep(8)
    return procs


def bench_lag(args) -> None:
    """Updates at a fixed rate, each setting a unique mileage; a poller notes when each is searchable."""
    procs = start_sync()
    get_client()
    with connection.cursor() as cursor:
        # Rows in search (a held-back row never shows, and would stall the poller at its value).
        cursor.execute(
            f"SELECT id FROM catalog_vehicle WHERE {listable_sql()} ORDER BY random() LIMIT %s",
            [list(settings.SEARCHABLE_STATUSES), args.rate * args.seconds],
        )
        pool = [row[0] for row in cursor.fetchall()]
    # Mileages no real car has, and new in every run, so a value seen in search is this run's write.
    base = 100_000_000 + int(time.time()) % 100_000 * 10_000
    committed: dict[int, float] = {}
    seen: dict[int, float] = {}
    done = threading.Event()

    def poll() -> None:
        client = get_client()
        while not done.is_set() or len(seen) < len(committed):
            low = min((s for s in list(committed) if s not in seen), default=None)
            if low is not None:
                hits = client.search(
                    index="bench-vehicles",
                    size=2000,
                    source=False,
                    query={"range": {"mileage_km": {"gte": low, "lt": base + len(pool)}}},
                    # Lowest first: the oldest write not yet seen is always among the hits.
                    sort=[{"mileage_km": "asc"}],
                    docvalue_fields=["mileage_km"],
                )["hits"]["hits"]
                now = time.perf_counter()
                for hit in hits:
                    seen.setdefault(hit["fields"]["mileage_km"][0], now)
            if done.is_set() and time.perf_counter() - done_at[0] > 30:
                return
            time.sleep(0.02)

    done_at = [0.0]
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    interval = 1 / args.rate
    writers = 4  # one connection alone cannot commit 200 times a second on a busy 2-core machine
    start = time.perf_counter()

    def write(offset: int) -> None:
        try:
            for n in range(offset, len(pool), writers):
                delay = start + n * interval - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                seq = base + n
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("UPDATE catalog_vehicle SET mileage_km = %s WHERE id = %s", [seq, pool[n]])
                committed[seq] = time.perf_counter()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=writers) as executor:
        list(executor.map(write, range(writers)))
    elapsed = time.perf_counter() - start
    done.set()
    done_at[0] = time.perf_counter()
    poller.join()
    for proc in procs:
        proc.stop()
    lags = [seen[s] - committed[s] for s in committed if s in seen]
    index_settings = get_client().indices.get_settings(index="bench-vehicles", name="index.refresh_interval")
    refresh_interval = next(iter(index_settings.values()))["settings"]["index"]["refresh_interval"]
    print(
        f"{len(committed)} updates in {elapsed:.1f}s ({len(committed) / elapsed:.0f} writes/s); "
        f"{len(lags)} seen in search"
    )
    print(
        f"commit-to-searchable lag: p50 {percentile(lags, 50):.3f}s  p95 {percentile(lags, 95):.3f}s  "
        f"max {max(lags):.3f}s  (engine refresh_interval {refresh_interval})"
    )


def bench_freight(args) -> None:
    """One freight rate changed by staff: how many vehicles it re-stamps, what the commit costs, and
    when no document of the region's countries is older than the change any more (each updated, or
    deleted when its row is held back), polled every 0.2 s."""
    from delivery.models import ExportOrigin, FreightRate

    procs = start_sync()
    client = get_client()
    rate = FreightRate.objects.filter(region=args.region).order_by("port", "size_class").first()
    countries = sorted(set(ExportOrigin.objects.filter(region=args.region).values_list("country", flat=True)))
    in_region = {"terms": {"country": countries}}
    affected = client.count(index="bench-vehicles", query=in_region)["count"]
    try:
        before = _last_version()
        start = time.perf_counter()
        with transaction.atomic():
            FreightRate.objects.filter(pk=rate.pk).update(amount_usd=rate.amount_usd + 1)
        committed_in = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM catalog_vehicle WHERE search_version > %s", [before])
            (restamped,) = cursor.fetchone()
        older = {"bool": {"filter": [in_region, {"range": {"sync_version": {"lte": before}}}]}}
        timeline = []
        while time.perf_counter() - start < args.seconds:
            left = client.count(index="bench-vehicles", query=older)["count"]
            timeline.append((time.perf_counter() - start, affected - left))
            if left == 0:
                break
            time.sleep(0.2)
        updated = client.count(index="bench-vehicles", query=in_region)["count"]
        # Put the rate back while the sync still runs, so the index ends as the database.
        FreightRate.objects.filter(pk=rate.pk).update(amount_usd=rate.amount_usd)
    finally:
        for proc in procs:
            proc.stop()
    elapsed, reached = timeline[-1]
    halfway = next(t for t, n in timeline if n >= reached / 2)
    print(f"{affected:,} documents in {', '.join(countries)}; freight {rate} +1 USD")
    print(f"commit (UPDATE + re-stamp triggers): {committed_in:.2f}s, {restamped:,} vehicles re-stamped")
    print(
        f"every one reached after {elapsed:.1f}s ({updated:,} updated, {affected - updated:,} deleted as held back; "
        f"{reached / elapsed:,.0f} docs/s); half of them after {halfway:.1f}s"
    )


def _searchable_after(client, ids: list[int], version: int, *, seconds: float) -> float:
    """Seconds until every listable row of `ids` carries a version above `version` in search (a row
    the change held back leaves search instead)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM catalog_vehicle WHERE id = ANY(%s) AND {listable_sql()}",
            [ids, list(settings.SEARCHABLE_STATUSES)],
        )
        (listable,) = cursor.fetchone()
    started = time.perf_counter()
    query = {
        "bool": {"filter": [{"ids": {"values": [str(i) for i in ids]}}, {"range": {"sync_version": {"gt": version}}}]}
    }
    while time.perf_counter() - started < seconds:
        if client.count(index="bench-vehicles", query=query)["count"] >= listable:
            return time.perf_counter() - started
        time.sleep(0.1)
    raise SystemExit(f"not all {len(ids)} documents searchable within {seconds} s")


def _last_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM search_version_seq")
        return cursor.fetchone()[0]


def bench_valuation(args) -> None:
    """What market values add to the drain: --rows price changes (one statement each, as dealers make
    them) drained to search, then their valuation (`pricing.serving.value_changed`, the serving model)
    and the second change it writes, drained too. Run after a model is promoted (every row valued)."""
    from pricing.serving import serving_model, value_changed

    entry, _ = serving_model()
    if entry is None:
        raise SystemExit("no serving market-value model: train and promote one first (docs/market_value.md)")
    procs = start_sync()
    client = get_client()
    try:
        picked = client.search(
            index="bench-vehicles",
            size=args.rows,
            source=False,
            query={"function_score": {"random_score": {"seed": 42, "field": "sync_bucket"}}},
        )["hits"]["hits"]
        ids = [int(hit["_id"]) for hit in picked]
        value_changed(budget_seconds=600)  # anything left unvalued, so the run below values only ours
        before = _last_version()
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for vehicle_id in ids:  # autocommit: a transaction per change
                cursor.execute(
                    "UPDATE catalog_vehicle SET price = price + 1, updated_at = now() WHERE id = %s", [vehicle_id]
                )
        written = time.perf_counter() - start
        prices_in = _searchable_after(client, ids, before, seconds=600) + written
        valued_before = _last_version()
        start = time.perf_counter()
        valued = value_changed(budget_seconds=600)
        valuing = time.perf_counter() - start
        values_in = _searchable_after(client, ids, valued_before, seconds=600) + valuing
    finally:
        for proc in procs:
            proc.stop()
    per_change = {name: seconds / len(ids) * 1000 for name, seconds in [("prices", prices_in), ("values", values_in)]}
    print(f"model {entry.pk} serving; {len(ids):,} listings in search changed their price, one statement each")
    print(
        f"price changes: written in {written:.2f}s, all in search after {prices_in:.2f}s "
        f"({per_change['prices']:.2f} ms per change)"
    )
    print(
        f"their valuation: {valued:,} rows valued and written in {valuing:.2f}s, all in search after "
        f"{values_in:.2f}s ({per_change['values']:.2f} ms per change)"
    )
    print(f"valuation over the price change alone: {values_in / prices_in:.2f}x the time to search")


def bench_capture(args) -> None:
    """Insert and update cost with the capture triggers enabled vs disabled, alternating, rolled back."""
    from catalog.models import Vehicle
    from tests.support.factories import make_dealer, vehicle_fields  # noqa: PLC0415  (reuse the valid-row factory)

    kinds = ("insert", "update", "bulk insert", "mass update")
    results: dict[str, list[float]] = {f"{kind} {mode}": [] for kind in kinds for mode in ("on", "off")}

    class Rollback(Exception):
        pass

    for round_number in range(args.rounds):
        for mode in ("on", "off") if round_number % 2 == 0 else ("off", "on"):
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        if mode == "off":
                            cursor.execute("ALTER TABLE catalog_vehicle DISABLE TRIGGER USER")
                            cursor.execute("ALTER TABLE catalog_dealer DISABLE TRIGGER USER")
                    dealer = make_dealer()
                    rows = [Vehicle(**vehicle_fields(dealer)) for _ in range(args.rows)]
                    start = time.perf_counter()
                    for row in rows:  # one INSERT per statement, as the ORM's save() does
                        row.save()
                    results[f"insert {mode}"].append(time.perf_counter() - start)
                    ids = [row.pk for row in rows]
                    start = time.perf_counter()
                    with connection.cursor() as cursor:
                        for vehicle_id in ids:
                            cursor.execute("UPDATE catalog_vehicle SET price = price + 1 WHERE id = %s", [vehicle_id])
                    results[f"update {mode}"].append(time.perf_counter() - start)
                    bulk = [Vehicle(**vehicle_fields(dealer)) for _ in range(args.rows)]
                    start = time.perf_counter()
                    Vehicle.objects.bulk_create(bulk, batch_size=1000)
                    results[f"bulk insert {mode}"].append(time.perf_counter() - start)
                    start = time.perf_counter()
                    Vehicle.objects.filter(dealer=dealer).update(price=Decimal("4321"))
                    results[f"mass update {mode}"].append(time.perf_counter() - start)
                    raise Rollback
            except Rollback:
                pass
    for kind in kinds:
        rows = args.rows * 2 if kind == "mass update" else args.rows
        on, off = percentile(results[f"{kind} on"], 50), percentile(results[f"{kind} off"], 50)
        print(
            f"{kind:12}: {rows} rows, median of {args.rounds}: with capture {on:.3f}s ({rows / on:,.0f} rows/s), "
            f"without {off:.3f}s ({rows / off:,.0f} rows/s); overhead {on / off:.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["load", "lag", "capture", "freight", "valuation"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--rate", type=int, default=200, help="writes per second (lag)")
    parser.add_argument("--seconds", type=int, default=30, help="duration (lag); longest wait (freight)")
    parser.add_argument("--rows", type=int, default=5000, help="rows per round (capture); price changes (valuation)")
    parser.add_argument("--region", default="uk", help="export region whose first freight rate changes (freight)")
    args = parser.parse_args()
    random.seed(42)
    {
        "load": bench_load,
        "lag": bench_lag,
        "capture": bench_capture,
        "freight": bench_freight,
        "valuation": bench_valuation,
    }[args.what](args)


if __name__ == "__main__":
    main()
