"""Zero-downtime rebuild: a new physical index behind the alias, loaded from Postgres, then swapped in.

1. Create the new index and register it (committed) as under construction: from then on every
   drained change is also written to it.
2. Load every listable row from one REPEATABLE READ snapshot, with parallel `_bulk` at the rows'
   own versions. Changes committed after the snapshot reach the new index through step 1, and
   external versions let the two streams interleave in any order.
3. Reconcile the new index against Postgres (repairing any difference; changes still waiting in
   the log are in flight, not differences), swap the alias in one atomic call, unregister the
   build (in that order: see drain.py), and drop the old index.
4. Drop the changes the snapshot already covered: every change visible in the snapshot was
   committed before it, so the row state loaded (or its absence, for a delete) is at least as new.
   After a bulk load the drain would otherwise send every loaded row a second time. They are
   dropped only after the swap: until then the old index behind the alias still needs them.
Searches keep hitting the old index until the swap. One rebuild at a time (advisory lock).
"""

from __future__ import annotations

import logging
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, transaction

from es_mappings.vehicles import vehicle_to_document
from search.client import indexing_client

from . import index_admin
from .apply import Outcome, VehicleOp, bulk_operations, is_listable, item_outcome
from .models import IndexBuild
from .reconcile import reconcile
from .rows import iter_vehicle_rows

log = logging.getLogger(__name__)

REBUILD_LOCK_KEY = 0x5EA4C8  # pg_advisory_lock key: one rebuild at a time, across all processes


class RebuildInProgress(RuntimeError):
    pass


@dataclass
class RebuildReport:
    index_name: str
    rows_read: int = 0
    documents_loaded: int = 0
    load_errors: list[str] = field(default_factory=list)
    repaired: int = 0
    final_count: int = 0
    expected_count: int = 0
    dropped: list[str] = field(default_factory=list)
    # Ids of the pending changes visible in the snapshot (see step 4), and how many were dropped.
    covered_changes: array = field(default_factory=lambda: array("q"))
    changes_dropped: int = 0
    seconds: float = 0.0

    @property
    def docs_per_second(self) -> float:
        return self.documents_loaded / self.seconds if self.seconds else 0.0


def load_snapshot(
    index_name: str,
    report: RebuildReport,
    *,
    threads: int = 2,
    chunk_size: int = 1000,
    page_size: int = 5000,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Index every listable row of one REPEATABLE READ snapshot into index_name.

    Rows are read and turned into documents on this thread (it owns the snapshot's connection);
    `threads` sender threads keep the engine busy with `_bulk` requests meanwhile.
    """
    es = indexing_client()

    def send_chunk(ops: list[VehicleOp]) -> tuple[int, list[str]]:
        response = es.bulk(operations=bulk_operations(ops, index_name, require_alias=False), refresh=False)
        errors = [str(item)[:500] for item in response["items"] if item_outcome(item)[0] is not Outcome.APPLIED]
        return len(ops) - len(errors), errors

    def collect(future) -> None:
        loaded, errors = future.result()
        report.documents_loaded += loaded
        report.load_errors.extend(errors[: max(0, 10 - len(report.load_errors))])
        if on_progress:
            on_progress(loaded + len(errors))

    in_flight: deque = deque()
    with ThreadPoolExecutor(max_workers=threads) as pool, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            # The first statement takes the snapshot: the changes it sees are those the load covers.
            cursor.execute("SELECT id FROM indexers_searchchange WHERE entity = 'vehicle' AND NOT dead")
            report.covered_changes.extend(change_id for (change_id,) in cursor.fetchall())
        chunk: list[VehicleOp] = []
        for rows in iter_vehicle_rows(batch_size=page_size):
            report.rows_read += len(rows)
            for row in rows:
                if is_listable(row):
                    chunk.append(VehicleOp(row["id"], row["search_version"], vehicle_to_document(row)))
                if len(chunk) >= chunk_size:
                    in_flight.append(pool.submit(send_chunk, chunk))
                    chunk = []
                    # Bounded read-ahead: never more than two chunks per sender waiting in memory.
                    while len(in_flight) > threads * 2:
                        collect(in_flight.popleft())
        if chunk:
            in_flight.append(pool.submit(send_chunk, chunk))
        while in_flight:
            collect(in_flight.popleft())


def rebuild_vehicle_index(
    *,
    threads: int = 2,
    chunk_size: int = 1000,
    on_progress: Callable[[int], None] | None = None,
    wait_for_lock: bool = False,
) -> RebuildReport:
    """Build a fresh index from Postgres and swap the alias to it. Searches keep working throughout."""
    started = time.monotonic()
    with connection.cursor() as cursor:
        if wait_for_lock:
            cursor.execute("SELECT pg_advisory_lock(%s)", [REBUILD_LOCK_KEY])
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [REBUILD_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise RebuildInProgress("another rebuild is running")
    es = indexing_client()
    name = index_admin.new_physical_name(index_admin.VEHICLES)
    report = RebuildReport(index_name=name)
    try:
        index_admin.create_physical_index(es, index_admin.VEHICLES, name, bulk_loading=True)
        IndexBuild.objects.create(index_name=name)
        try:
            load_snapshot(name, report, threads=threads, chunk_size=chunk_size, on_progress=on_progress)
            index_admin.finish_bulk_loading(es, name)
            # No drain here: changes committed since registration reach this index through the
            # indexers, and reconciliation counts the ones still waiting as in flight.
            check = reconcile(index_name=name, repair=True)
            report.repaired = check.repaired
            report.expected_count, report.final_count = check.rows_expected, check.documents_found_after
            if check.remaining_differences:
                raise RuntimeError(
                    f"new index {name} still differs from Postgres after repair: "
                    f"{check.remaining_differences} difference(s); alias left unchanged"
                )
            report.dropped = index_admin.swap_alias(es, index_admin.VEHICLES, name)
        finally:
            IndexBuild.objects.filter(index_name=name).delete()
        index_admin.drop_indexes(es, report.dropped)
        report.changes_dropped = drop_covered_changes(report.covered_changes)
    except BaseException:
        if name not in index_admin.alias_targets(es, index_admin.VEHICLES):
            index_admin.drop_indexes(es, [name])
        raise
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REBUILD_LOCK_KEY])
    report.seconds = time.monotonic() - started
    log.info(
        "rebuilt %s: %d docs in %.1fs, %d repaired, dropped %s and %d covered changes",
        name,
        report.documents_loaded,
        report.seconds,
        report.repaired,
        report.dropped,
        report.changes_dropped,
    )
    return report


# Ids per DELETE: bounded statements, so a million covered changes never hold one long lock.
DROP_BATCH = 10_000


def drop_covered_changes(change_ids: array) -> int:
    """Delete the given changes (those the swapped-in index's snapshot covered). A drain may have
    acknowledged some meanwhile, or be applying others now (harmless: their documents are already
    at least as new). Returns how many were deleted here."""
    dropped = 0
    for start in range(0, len(change_ids), DROP_BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM indexers_searchchange WHERE id = ANY(%s) AND NOT dead",
                [change_ids[start : start + DROP_BATCH].tolist()],
            )
            dropped += cursor.rowcount
    return dropped


_ensure_lock = threading.Lock()


def ensure_index() -> RebuildReport | None:
    """Rebuild if the alias has nothing behind it (first start, or the engine lost its data)."""
    with _ensure_lock:
        if index_admin.alias_exists(indexing_client(), index_admin.VEHICLES):
            return None
        try:
            return rebuild_vehicle_index()
        except RebuildInProgress:
            return None
