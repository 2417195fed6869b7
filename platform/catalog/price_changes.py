"""Vehicle price changes: only vehicles written since the last run, price history in bulk, and one
price-drop event per drop (watchers are resolved when the event is dispatched)."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Max

from jobs.cursors import advancing_cursor
from jobs.walking import batches
from notifications.events import emit_many
from reliability.pages import keyset_pages

CURSOR = "vehicle-price-changes"


def changed_vehicle_id_pages(after_version: int, page_size: int):
    """Ids of vehicles written after `after_version` (any write path: the version is stamped by a
    trigger), in version order, one page at a time."""

    def fetch(after: int, size: int) -> list[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, search_version FROM catalog_vehicle WHERE search_version > %s "
                "ORDER BY search_version LIMIT %s",
                [after, size],
            )
            return cursor.fetchall()

    for rows in keyset_pages(fetch, start=after_version, key=lambda row: row[1], page_size=page_size):
        yield [vehicle_id for vehicle_id, _ in rows]


def walk_changed_vehicles(*, page_size: int, batch_size: int, fan_out) -> int:
    """Hand every changed vehicle's id to `fan_out(batch)`; move the cursor on when all were handed over."""
    from catalog.models import Vehicle

    high_water = Vehicle.objects.aggregate(v=Max("search_version"))["v"] or 0
    handed = 0
    with advancing_cursor(CURSOR, high_water=high_water) as start:
        for page in changed_vehicle_id_pages(start, page_size):
            for batch in batches(page, batch_size):
                fan_out(batch)
                handed += len(batch)
    return handed


def record_price_changes(vehicle_ids: list[int]) -> dict[str, int]:
    """Compare these vehicles' prices with their last recorded price: record the changes (bulk), emit a
    price-drop event for each drop, and re-arm target watches whose vehicle went back above target.
    Idempotent: a vehicle whose price equals its last record is left alone."""
    from catalog.models import PriceHistory, Vehicle

    with transaction.atomic():
        current = list(Vehicle.objects.filter(pk__in=vehicle_ids).values_list("pk", "price", "currency_id"))
        last = {}
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT DISTINCT ON (vehicle_id) vehicle_id, price, currency_id FROM catalog_pricehistory
                    WHERE vehicle_id = ANY(%s) ORDER BY vehicle_id, recorded_at DESC, id DESC""",
                [vehicle_ids],
            )
            for vehicle_id, price, currency in cursor.fetchall():
                last[vehicle_id] = (price, currency)
        history, drops = [], []
        for pk, price, currency in current:
            before = last.get(pk)
            if before == (price, currency):
                continue
            history.append(PriceHistory(vehicle_id=pk, price=price, currency_id=currency))
            if before and before[1] == currency and price < before[0]:
                drops.append(
                    (
                        "price_drop",
                        {"vehicle_id": pk, "old_price": str(before[0]), "new_price": str(price), "currency": currency},
                    )
                )
        PriceHistory.objects.bulk_create(history, batch_size=1000)
        emit_many(drops)
        with connection.cursor() as cursor:
            cursor.execute(
                """UPDATE notifications_pricewatch w SET notified_at = NULL FROM catalog_vehicle v
                    WHERE v.id = w.vehicle_id AND v.id = ANY(%s) AND w.notified_at IS NOT NULL
                      AND w.target_price IS NOT NULL AND v.price > w.target_price""",
                [vehicle_ids],
            )
            rearmed = cursor.rowcount
    return {"recorded": len(history), "drops": len(drops), "rearmed": rearmed}
