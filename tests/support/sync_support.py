"""Helpers for sync tests: a fresh vehicle index per test, the exact Postgres-vs-index comparison, and a
writer that keeps writing through every write path while faults are injected."""

from __future__ import annotations

import random
import threading
import time
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection

from catalog.models import Dealer, Vehicle
from indexers import index_admin
from indexers.rows import listable_sql
from reliability.polling import PollTimeout, poll_until
from search.client import get_client
from search.indexes import vehicles_alias
from tests.support.factories import make_dealer, make_vehicle, vehicle_fields


def drop_vehicle_indexes() -> None:
    es = get_client()
    index_admin.drop_indexes(es, index_admin.physical_indexes(es, index_admin.VEHICLES))


@contextmanager
def fresh_vehicle_index():
    """An empty vehicle index behind the alias for the block, dropped after it."""
    from indexers.rebuild import rebuild_vehicle_index

    drop_vehicle_indexes()
    rebuild_vehicle_index()
    try:
        yield
    finally:
        drop_vehicle_indexes()


def expected_documents() -> dict[int, int]:
    """What the index must hold: every listable vehicle id (indexers.rows.listable_sql: held ones are not)
    with its row version."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, search_version FROM catalog_vehicle WHERE {listable_sql()}",
            [list(settings.SEARCHABLE_STATUSES)],
        )
        return dict(cursor.fetchall())


def indexed_documents(index: str | None = None) -> dict[int, int]:
    """What the index holds: document id → external version (the engine's own _version)."""
    es = get_client()
    index = index or vehicles_alias()
    es.indices.refresh(index=index)
    found: dict[int, int] = {}
    search_after = None
    while True:
        body = {
            "size": 5000,
            "version": True,
            "_source": False,
            "sort": [{"vehicle_id": "asc"}],
            "query": {"match_all": {}},
        }
        if search_after:
            body["search_after"] = search_after
        hits = es.search(index=index, **body)["hits"]["hits"]
        if not hits:
            return found
        for hit in hits:
            found[int(hit["_id"])] = hit["_version"]
        search_after = hits[-1]["sort"]


def pending_changes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM indexers_searchchange WHERE NOT dead")
        return cursor.fetchone()[0]


def wait_for_sync(timeout: float = 60.0) -> dict[int, int]:
    """Wait until the change log is empty and the index equals Postgres exactly; return the index state."""
    seen: dict[str, dict[int, int] | None] = {"index": None}

    def in_sync() -> bool:
        if pending_changes():
            return False
        try:
            seen["index"] = indexed_documents()
        except Exception:  # noqa: BLE001 - the engine may still be coming back
            seen["index"] = None
        return seen["index"] is not None and seen["index"] == expected_documents()

    try:
        poll_until(in_sync, timeout=timeout, what="the index to equal Postgres", interval=0.5)
        return seen["index"]
    except PollTimeout as exc:
        last = seen["index"]
        raise PollTimeout(
            f"{exc}: pending={pending_changes()}, expected {len(expected_documents())} docs, "
            f"index has {None if last is None else len(last)}"
        ) from None


class Writer(threading.Thread):
    """Random writes through every path, from its own database connection, until stopped."""

    def __init__(self, dealer_ids: list[int], seed: int, pause: float = 0.0):
        super().__init__(daemon=True)
        self.random = random.Random(seed)
        self.dealer_ids = dealer_ids
        self.pause = pause
        self.stop_event = threading.Event()
        self.operations = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.dealers = list(Dealer.objects.filter(pk__in=self.dealer_ids))
            while not self.stop_event.is_set():
                try:
                    self.step()
                except OperationalError as exc:
                    # Two writers touching the same random rows in another order: Postgres aborts one
                    # of them, as it would a real client's; that write simply did not happen.
                    if "deadlock detected" not in str(exc):
                        raise
                    continue
                self.operations += 1
                if self.pause:
                    time.sleep(self.pause)
        except BaseException as exc:  # noqa: BLE001 - surfaced by the test
            self.error = exc
        finally:
            close_old_connections()
            connection.close()

    def stop(self) -> int:
        self.stop_event.set()
        self.join(timeout=60)
        if self.error:
            raise self.error
        return self.operations

    def random_ids(self, k: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM catalog_vehicle ORDER BY random() LIMIT %s", [k])
            return [row[0] for row in cursor.fetchall()]

    def step(self) -> None:
        rnd = self.random
        dealer = rnd.choice(self.dealers)
        roll = rnd.random()
        if roll < 0.30:
            make_vehicle(dealer, price=Decimal(rnd.randint(2000, 90000)))
        elif roll < 0.40:
            Vehicle.objects.bulk_create([Vehicle(**vehicle_fields(dealer)) for _ in range(rnd.randint(2, 25))])
        elif roll < 0.60:
            Vehicle.objects.filter(pk__in=self.random_ids(3)).update(price=Decimal(rnd.randint(2000, 90000)))
        elif roll < 0.70:
            Vehicle.objects.filter(pk__in=self.random_ids(2)).update(
                status=rnd.choice(["available", "reserved", "sold", "withdrawn"])
            )
        elif roll < 0.78:
            Vehicle.objects.filter(pk__in=self.random_ids(2)).delete()
        elif roll < 0.90:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE catalog_vehicle SET mileage_km = mileage_km + 1 WHERE id = ANY(%s)", [self.random_ids(4)]
                )
        elif roll < 0.99:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM catalog_vehicle WHERE id = ANY(%s)", [self.random_ids(1)])
        else:
            Dealer.objects.filter(pk=dealer.pk).update(name=f"Dealer {rnd.randint(1, 10**6)}")


def seed_dealers(n: int = 5) -> list[int]:
    return [make_dealer().pk for _ in range(n)]
