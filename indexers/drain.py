"""Draining the change log into the engine: claim a batch, apply it, acknowledge what the engine took.

A batch is claimed with FOR UPDATE SKIP LOCKED inside one transaction that stays open until the
engine has answered. Acknowledged changes are deleted in that transaction; if the worker dies, the
transaction dies with it, the locks go, and another worker claims the same changes: at-least-once,
with external versions making the repeat harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from search.client import indexing_client
from search.indexes import vehicles_alias

from .apply import Outcome, plan_ops, send
from .rows import fetch_vehicle_rows

log = logging.getLogger(__name__)

CLAIM_SQL = """
SELECT id, object_id, version, attempts FROM indexers_searchchange
 WHERE entity = 'vehicle' AND NOT dead AND next_attempt_at <= now()
 ORDER BY id
 LIMIT %s
 FOR UPDATE SKIP LOCKED
"""

# Per-item failures wait 2, 4, 8, ... seconds, capped, before the next try.
BACKOFF_BASE_SECONDS = 2
BACKOFF_CAP_SECONDS = 600


class IndexMissing(RuntimeError):
    """The alias has no index behind it (e.g. the engine lost its data): a rebuild is needed."""


@dataclass
class BatchResult:
    claimed: int = 0
    applied: int = 0
    failed: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)


def building_indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT index_name FROM indexers_indexbuild ORDER BY id")
        return [name for (name,) in cursor.fetchall()]


def drain_batch(batch_size: int | None = None) -> BatchResult:
    """Apply one batch of pending changes. Raises on engine outage (nothing is acknowledged then)."""
    batch_size = batch_size or settings.INDEXER_BATCH_SIZE
    result = BatchResult()
    es = indexing_client()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(CLAIM_SQL, [batch_size])
            changes = cursor.fetchall()
        if not changes:
            return result
        result.claimed = len(changes)
        versions: dict[int, int] = {}
        for _change_id, object_id, version, _attempts in changes:
            versions[object_id] = max(version, versions.get(object_id, 0))
        ops = plan_ops(versions, fetch_vehicle_rows(versions))
        # Read the rebuild registry before writing to the alias: a rebuild swaps the alias before it
        # unregisters, so either this batch sees the new index registered, or the alias already is it.
        rebuilding = building_indexes()
        outcomes = send(es, ops, vehicles_alias(), require_alias=True)
        for index_name in rebuilding:
            # A rebuild is loading this index from a snapshot; changes committed after the snapshot
            # reach it here. Its own failures are found by the rebuild's final reconciliation.
            try:
                send(es, ops, index_name, require_alias=False)
            except Exception as exc:  # noqa: BLE001 - the live alias must not wait on a rebuild
                log.warning("write to index under construction %s failed: %s", index_name, exc)
        if any(outcome is Outcome.INDEX_MISSING for outcome, _ in outcomes.values()):
            raise IndexMissing(f"alias {vehicles_alias()} has no index behind it")
        _acknowledge(changes, outcomes, result)
    return result


def _acknowledge(changes, outcomes, result: BatchResult) -> None:
    done, failed = [], []
    for change_id, object_id, _version, attempts in changes:
        outcome, error = outcomes[object_id]
        if outcome is Outcome.APPLIED:
            done.append(change_id)
        else:
            failed.append((change_id, attempts + 1, error))
    with connection.cursor() as cursor:
        if done:
            cursor.execute("DELETE FROM indexers_searchchange WHERE id = ANY(%s)", [done])
        if failed:
            cursor.execute(
                """
                UPDATE indexers_searchchange c
                   SET attempts = f.attempts, last_error = f.error,
                       dead = f.attempts >= %s,
                       next_attempt_at = now() + make_interval(secs => least(%s, %s * power(2, f.attempts)))
                  FROM unnest(%s::bigint[], %s::int[], %s::text[]) AS f(id, attempts, error)
                 WHERE c.id = f.id
                """,
                [
                    settings.INDEXER_MAX_ATTEMPTS,
                    BACKOFF_CAP_SECONDS,
                    BACKOFF_BASE_SECONDS / 2,
                    [f[0] for f in failed],
                    [f[1] for f in failed],
                    [f[2] for f in failed],
                ],
            )
    result.applied = len(done)
    result.failed = len(failed)
    result.dead = sum(1 for _, attempts, _ in failed if attempts >= settings.INDEXER_MAX_ATTEMPTS)
    result.errors = sorted({error for _, _, error in failed})[:5]
    if failed:
        log.warning("%d change(s) failed to apply (%d now dead): %s", len(failed), result.dead, result.errors)


def drain_all(*, max_batches: int | None = None, batch_size: int | None = None) -> BatchResult:
    """Drain until no ready change is left, or after max_batches (tasks bound it; writes may never stop)."""
    total = BatchResult()
    batches = 0
    while max_batches is None or batches < max_batches:
        batch = drain_batch(batch_size)
        batches += 1
        total.claimed += batch.claimed
        total.applied += batch.applied
        total.failed += batch.failed
        total.dead += batch.dead
        total.errors.extend(batch.errors)
        if batch.claimed == 0 or batch.applied == 0:
            break
    return total


def replay_dead_letters(ids: list[int] | None = None) -> int:
    """Put dead changes back in line (all, or the given change ids). Returns how many."""
    with connection.cursor() as cursor:
        sql = "UPDATE indexers_searchchange SET dead = false, attempts = 0, next_attempt_at = now() WHERE dead"
        params: list = []
        if ids is not None:
            sql += " AND id = ANY(%s)"
            params.append(ids)
        cursor.execute(sql, params)
        return cursor.rowcount
