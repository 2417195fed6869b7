"""LISTEN for committed changes and kick a drain: low lag without polling.

The capture triggers NOTIFY 'search_changes'; Postgres delivers a notification only when the
writing transaction commits (and once per transaction, however many rows it touched).

The listener is also the last resort when the Celery path is stalled (Redis down, a worker whose
consumer never came back from a broker restart): a change that has been ready for longer than
INDEXER_STALL_SECONDS is applied by the listener itself. Draining is safe from any number of
processes (batches are claimed with SKIP LOCKED), so this can only add a drainer, never a conflict.
"""

from __future__ import annotations

import logging
import time

import psycopg
from django.conf import settings
from django.db import connection

from . import kicks
from .drain import drain_all

log = logging.getLogger(__name__)
CHANNEL = "search_changes"


def _dsn() -> str:
    params = connection.get_connection_params()
    return psycopg.conninfo.make_conninfo(
        **{k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}}
    )


def ready_wait_seconds(conn: psycopg.Connection) -> float:
    """How long the longest-waiting ready change has been ready (0 when none waits).

    A change is ready from `next_attempt_at` (its capture, or the end of its backoff), so the answer
    is the oldest `next_attempt_at`: one step down the `search_change_ready` index, whatever the backlog.
    """
    row = conn.execute(
        """
        SELECT extract(epoch FROM now() - min(next_attempt_at))
          FROM indexers_searchchange
         WHERE entity = 'vehicle' AND NOT dead AND next_attempt_at <= now()
        """
    ).fetchone()
    return float(row[0] or 0.0)


def drain_if_stalled(conn: psycopg.Connection) -> int:
    """Apply ready changes here if no worker has for INDEXER_STALL_SECONDS. Returns how many."""
    waited = ready_wait_seconds(conn)
    if waited < settings.INDEXER_STALL_SECONDS:
        return 0
    try:
        result = drain_all(max_batches=settings.INDEXER_MAX_BATCHES_PER_TASK)
    except Exception as exc:  # noqa: BLE001 - the engine or Postgres may be away too; try again later
        log.warning("changes have waited %.0f s and the listener could not apply them either: %s", waited, exc)
        connection.close()  # a broken connection must not outlive the failure
        return 0
    if result.applied:
        log.warning(
            "changes waited %.0f s for a worker; the listener applied %d itself (are Redis and the workers up?)",
            waited,
            result.applied,
        )
    return result.applied


def listen_forever(*, idle_kick_seconds: float = 5.0, stop=lambda: False) -> None:
    """Kick a drain after every committed change until stopped; reconnect if the database goes away.

    At most every idle_kick_seconds, also check that the kicks are being answered (drain_if_stalled).
    """
    while not stop():
        try:
            with psycopg.connect(_dsn(), autocommit=True) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                log.info("listening for committed search changes")
                kicks.kick()  # whatever committed while nobody listened
                next_check = time.monotonic() + idle_kick_seconds
                while not stop():
                    got = False
                    for _ in conn.notifies(timeout=idle_kick_seconds, stop_after=1):
                        got = True
                    if got:
                        kicks.kick()
                    if time.monotonic() >= next_check:
                        drain_if_stalled(conn)
                        next_check = time.monotonic() + idle_kick_seconds
        except psycopg.OperationalError as exc:
            log.warning("lost the database connection (%s); reconnecting", exc)
            time.sleep(1)
