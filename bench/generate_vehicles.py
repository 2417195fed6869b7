"""Generator throughput: N vehicles by COPY into Postgres, capture triggers on, then rows/s.

    .venv/bin/python bench/generate_vehicles.py [--count 1000000] [--seed 4242] [--workers 2] [--keep]

Runs against the benchmark database (bench/_django.py; NZILA_DB_NAME=nzila points it at the dev
one). The rows it made, their dealers and the change records they caused are removed afterwards
unless --keep, so the database is left as it was found.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import _django  # noqa: F401  (Django set-up)
from django.db import connection, transaction

from catalog.ingest.generator import VehicleGenerator

RESULTS = Path(__file__).resolve().parent / "results" / "generate_vehicles.txt"


def remove(seed: int) -> float:
    started = time.monotonic()
    prefix = f"gen:{seed}:%"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_gone ON COMMIT DROP AS SELECT id FROM catalog_vehicle WHERE source_key LIKE %s",
            [prefix],
        )
        cursor.execute("DELETE FROM catalog_vehicle WHERE source_key LIKE %s", [prefix])
        # Both the inserts' and the deletes' change records: the index never needs to hear of these rows.
        cursor.execute(
            "DELETE FROM indexers_searchchange c USING bench_gone g WHERE c.entity = 'vehicle' AND c.object_id = g.id"
        )
        cursor.execute("DELETE FROM catalog_dealer WHERE source_key LIKE %s", [prefix])
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="leave the generated rows in place")
    args = parser.parse_args()

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_vehicle WHERE source_key LIKE %s", [f"gen:{args.seed}:%"])
        if cursor.fetchone()[0]:
            raise SystemExit(
                f"seed {args.seed} already has rows in {connection.settings_dict['NAME']}; "
                "a re-run would only skip them. Choose another --seed."
            )
    result = VehicleGenerator(seed=args.seed).run(args.count, progress=True, workers=args.workers)
    line = (
        f"{time.strftime('%Y-%m-%d %H:%M')} db={connection.settings_dict['NAME']} count={result.created} "
        f"workers={args.workers} seconds={result.seconds:.1f} rows_per_s={result.rows_per_second:,.0f} "
        f"load_avg={os.getloadavg()[0]:.1f}"
    )
    print(line)
    RESULTS.parent.mkdir(exist_ok=True)
    with RESULTS.open("a") as handle:
        handle.write(line + "\n")
    if not args.keep:
        print(f"removed the generated rows in {remove(args.seed):.1f}s")


if __name__ == "__main__":
    main()
