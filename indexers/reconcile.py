"""Comparing Postgres with the index, and repairing what differs.

Both sides are summarised per bucket (id % SYNC_BUCKETS): count, sum of ids, sum of versions, one
GROUP BY and one aggregation. Only buckets whose summaries differ are compared id by id. Repairs
are ordinary versioned writes, so a repair racing the indexers can never regress a document.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone
from elasticsearch import helpers

from es_mappings.vehicles import vehicle_to_document
from search.client import indexing_client
from search.fields import SYNC_BUCKETS
from search.indexes import vehicles_alias

from .apply import Outcome, VehicleOp, bulk_operations, is_listable, item_outcome
from .models import ReconciliationRun
from .rows import fetch_vehicle_rows, listable_sql

log = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    index_name: str
    rows_expected: int = 0
    documents_found: int = 0
    buckets_mismatched: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    in_flight: int = 0
    repaired: int = 0
    documents_found_after: int = 0
    remaining_differences: int = 0

    @property
    def in_sync(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def postgres_buckets() -> dict[int, tuple[int, int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id %% %s, count(*), sum(id), sum(search_version) FROM catalog_vehicle"
            f" WHERE {listable_sql()} GROUP BY 1",
            [SYNC_BUCKETS, list(settings.SEARCHABLE_STATUSES)],
        )
        return {bucket: (count, int(ids), int(versions)) for bucket, count, ids, versions in cursor.fetchall()}


def index_buckets(index: str) -> dict[int, tuple[int, int, int]]:
    es = indexing_client()
    es.indices.refresh(index=index)
    response = es.search(
        index=index,
        size=0,
        track_total_hits=True,
        aggs={
            "buckets": {
                "terms": {"field": "sync_bucket", "size": SYNC_BUCKETS},
                "aggs": {"ids": {"sum": {"field": "vehicle_id"}}, "versions": {"sum": {"field": "sync_version"}}},
            },
        },
    )
    return {
        b["key"]: (b["doc_count"], int(b["ids"]["value"]), int(b["versions"]["value"]))
        for b in response["aggregations"]["buckets"]["buckets"]
    }


def postgres_versions(buckets: list[int]) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, search_version FROM catalog_vehicle WHERE id %% %s = ANY(%s) AND {listable_sql()}",
            [SYNC_BUCKETS, buckets, list(settings.SEARCHABLE_STATUSES)],
        )
        return dict(cursor.fetchall())


def index_versions(index: str, buckets: list[int]) -> dict[int, int]:
    hits = helpers.scan(
        indexing_client(),
        index=index,
        size=5000,
        query={
            "_source": False,
            "docvalue_fields": ["vehicle_id", "sync_version"],
            "query": {"terms": {"sync_bucket": buckets}},
        },
    )
    return {hit["fields"]["vehicle_id"][0]: hit["fields"]["sync_version"][0] for hit in hits}


def pending_ids(ids: list[int]) -> set[int]:
    """Ids with a change still waiting in the log: in flight, not drift."""
    if not ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT object_id FROM indexers_searchchange"
            " WHERE entity = 'vehicle' AND NOT dead AND object_id = ANY(%s)",
            [ids],
        )
        return {object_id for (object_id,) in cursor.fetchall()}


def compare(index: str) -> ReconcileReport:
    report = ReconcileReport(index_name=index)
    expected, found = postgres_buckets(), index_buckets(index)
    report.rows_expected = sum(count for count, _, _ in expected.values())
    report.documents_found = sum(count for count, _, _ in found.values())
    differing = sorted(b for b in set(expected) | set(found) if expected.get(b) != found.get(b))
    report.buckets_mismatched = len(differing)
    if differing:
        want, have = postgres_versions(differing), index_versions(index, differing)
        report.missing = sorted(set(want) - set(have))
        report.stale = sorted(i for i in set(want) & set(have) if want[i] != have[i])
        report.extra = sorted(set(have) - set(want))
        in_flight = pending_ids(report.missing + report.stale + report.extra)
        confirmed = confirmed_differences(
            index, [i for i in report.missing + report.stale + report.extra if i not in in_flight]
        )
        in_flight |= set(report.missing + report.stale + report.extra) - in_flight - confirmed
        report.in_flight = len(in_flight)
        report.missing = [i for i in report.missing if i in confirmed]
        report.stale = [i for i in report.stale if i in confirmed]
        report.extra = [i for i in report.extra if i in confirmed]
    return report


def confirmed_differences(index: str, ids: list[int]) -> set[int]:
    """The ids that still differ when looked at again in an order no concurrent write can fool.

    The bucket pass reads Postgres, then a search of the index (which sees only refreshed documents),
    then the change log, so a write acknowledged in between looks like drift. Here, per id: Postgres,
    then the change log, then a realtime read of the index (it sees every acknowledged write), then
    Postgres again. A row unchanged across the look with no change waiting had every change applied
    before the index was read, so any difference left is real.
    """
    if not ids:
        return set()
    before = postgres_versions_of(ids)
    waiting = pending_ids(ids)
    response = indexing_client().mget(index=index, ids=[str(i) for i in ids], source=False)
    held = {int(doc["_id"]): doc["_version"] for doc in response["docs"] if doc.get("found")}
    after = postgres_versions_of(ids)
    return {i for i in ids if i not in waiting and before.get(i) == after.get(i) and before.get(i) != held.get(i)}


def postgres_versions_of(ids: list[int]) -> dict[int, int]:
    """Current versions of the listable rows among `ids` (an unlisted or deleted row is absent)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, search_version FROM catalog_vehicle WHERE id = ANY(%s) AND {listable_sql()}",
            [ids, list(settings.SEARCHABLE_STATUSES)],
        )
        return dict(cursor.fetchall())


def repair_index(index: str, report: ReconcileReport) -> int:
    """Write the current truth for every differing id straight into `index`. Returns writes acknowledged."""
    ids = report.missing + report.stale + report.extra
    if not ids:
        return 0
    rows = fetch_vehicle_rows(ids)
    with connection.cursor() as cursor:
        # Deletes need a version above anything the index may hold for these ids.
        cursor.execute("SELECT nextval('search_version_seq') FROM generate_series(1, %s)", [len(ids)])
        fresh = [v for (v,) in cursor.fetchall()]
    ops = []
    for object_id, fresh_version in zip(ids, fresh):
        row = rows.get(object_id)
        if row is not None and is_listable(row):
            ops.append(VehicleOp(object_id, row["search_version"], vehicle_to_document(row)))
        else:
            ops.append(VehicleOp(object_id, fresh_version, None))
    es = indexing_client()
    repaired = 0
    for start in range(0, len(ops), 1000):
        chunk = ops[start : start + 1000]
        response = es.bulk(operations=bulk_operations(chunk, index, require_alias=False), refresh=False)
        repaired += sum(1 for item in response["items"] if item_outcome(item)[0] is Outcome.APPLIED)
    es.indices.refresh(index=index)
    return repaired


def reconcile(*, index_name: str | None = None, repair: bool = True, rounds: int = 3) -> ReconcileReport:
    """Compare (and by default repair) one index — the alias's by default — and record the run.

    Writes racing the comparison can make a difference appear that the next look no longer shows,
    so repair and look again, a few rounds at most; what is left after that is reported.
    """
    index = index_name or vehicles_alias()
    started = timezone.now()
    report = compare(index)
    report.documents_found_after = report.documents_found
    latest = report
    for _ in range(rounds if repair else 0):
        if latest.in_sync:
            break
        log.warning(
            "index %s differs from Postgres: %d missing, %d stale, %d extra",
            index,
            len(latest.missing),
            len(latest.stale),
            len(latest.extra),
        )
        report.repaired += repair_index(index, latest)
        latest = compare(index)
        report.documents_found_after = latest.documents_found
    report.remaining_differences = len(latest.missing) + len(latest.stale) + len(latest.extra)
    ReconciliationRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        index_name=index,
        rows_expected=report.rows_expected,
        documents_found=report.documents_found,
        buckets_checked=SYNC_BUCKETS,
        buckets_mismatched=report.buckets_mismatched,
        missing=len(report.missing),
        stale=len(report.stale),
        extra=len(report.extra),
        repaired=report.repaired,
    )
    return report
