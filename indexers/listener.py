"""LISTEN for committed changes and kick a drain: low lag without polling.

The capture triggers NOTIFY 'search_changes'; Postgres delivers a notification only when the
writing transaction commits (and once per transaction, however many rows it touched).
"""

from __future__ import annotations

import logging
import time

import psycopg
from django.db import connection

from . import kicks

log = logging.getLogger(__name__)
CHANNEL = "search_changes"


def _dsn() -> str:
    params = connection.get_connection_params()
    return psycopg.conninfo.make_conninfo(
        **{k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}}
    )


def listen_forever(*, idle_kick_seconds: float = 5.0, stop=lambda: False) -> None:
    """Kick a drain after every committed change until stopped; reconnect if the database goes away."""
    while not stop():
        try:
            with psycopg.connect(_dsn(), autocommit=True) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                log.info("listening for committed search changes")
                kicks.kick()  # whatever committed while nobody listened
                while not stop():
                    got = False
                    for _ in conn.notifies(timeout=idle_kick_seconds, stop_after=1):
                        got = True
                    if got:
                        kicks.kick()
        except psycopg.OperationalError as exc:
            log.warning("lost the database connection (%s); reconnecting", exc)
            time.sleep(1)
