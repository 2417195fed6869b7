"""Reading vehicle rows as the search documents need them: one query, dealer, currency and the
cover photo joined."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection

from delivery.estimate import Car, Reference, document_fields
from delivery.reference import load_reference
from reliability.pages import keyset_pages
from search.fields import COPIED_FIELDS, usd_price

# The registry's columns, and those the transform derives the other fields from.
_COLUMNS = sorted(
    {field.column for field in COPIED_FIELDS}
    | {"id", "make", "model", "trim", "year", "price", "latitude", "longitude", "search_version"}
    | {"steering", "condition", "body_type", "country"}
    | {"held_reason", "description", "vin", "engine", "exterior_color", "drivetrain"}
)
VEHICLE_ROW_SQL = f"""
SELECT {", ".join(f"v.{column}" for column in _COLUMNS)}, c.units_per_usd,
       d.id AS dealer_id, d.name AS dealer_name, d.country AS dealer_country, d.city AS dealer_city,
       d.rating AS dealer_rating, d.verified AS dealer_verified,
       d.latitude AS dealer_latitude, d.longitude AS dealer_longitude,
       ph.photo_count, ph.cover
  FROM catalog_vehicle v
  JOIN catalog_dealer d ON d.id = v.dealer_id
  JOIN catalog_currency c ON c.code = v.currency_id
  -- The ready photos: how many, and the first by position (the cover) as the document holds it.
  LEFT JOIN LATERAL (
    SELECT count(*) AS photo_count,
           (array_agg(jsonb_build_object('variants', p.variants, 'placeholder', p.placeholder,
                                         'width', p.width, 'height', p.height, 'illustration', p.illustration)
                      ORDER BY p.position, p.id))[1] AS cover
      FROM media_photo p
     WHERE p.vehicle_id = v.id AND p.status = 'ready'
  ) ph ON true
"""


def listable_sql(alias: str = "") -> str:
    """The rows the index holds, as a condition on catalog_vehicle (one parameter: the searchable
    statuses): a status buyers may see, and not held back as implausible. apply.is_listable says the
    same of one row in Python."""
    column = f"{alias}." if alias else ""
    return f"{column}status = ANY(%s) AND {column}held_reason = ''"


def _dicts(cursor) -> list[dict[str, Any]]:
    names = [col.name for col in cursor.description]
    return with_delivery([dict(zip(names, row)) for row in cursor.fetchall()])


def with_delivery(rows: list[dict[str, Any]], reference: Reference | None = None) -> list[dict[str, Any]]:
    """Each row with its delivered prices and eligibility (`row["delivery"]`), from the reference
    data in force today, read afresh for this batch: a row re-stamped because a rate changed is
    built from the new rate (delivery/migrations/0003 re-stamps them)."""
    if not rows:
        return rows
    reference = reference or load_reference()
    for row in rows:
        units = row["units_per_usd"]
        car = Car(
            price_usd=usd_price(row["price"], units) if units else None,
            year=row["year"],
            steering=row["steering"] or "",
            condition=row["condition"],
            body=row["body_type"] or "",
            country=row["country"],
        )
        row["delivery"] = document_fields(reference, car)
    return rows


def fetch_vehicle_rows(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The current rows for these ids; ids whose row is gone are simply absent."""
    ids = list(ids)
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(VEHICLE_ROW_SQL + " WHERE v.id = ANY(%s)", [ids])
        return {row["id"]: row for row in _dicts(cursor)}


def iter_vehicle_rows(
    *, after_id: int = 0, batch_size: int = 2000, where: str = "", params: Iterable[Any] = ()
) -> Iterator[list[dict[str, Any]]]:
    """All vehicle rows in id order, in pages (keyset pagination: no OFFSET, never all in memory)."""
    extra = f" AND ({where})" if where else ""

    def fetch(after: int, size: int) -> list[dict[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute(VEHICLE_ROW_SQL + f" WHERE v.id > %s{extra} ORDER BY v.id LIMIT %s", [after, *params, size])
            return _dicts(cursor)

    return keyset_pages(fetch, start=after_id, key=lambda row: row["id"], page_size=batch_size)


def iter_vehicle_rows_written_after(
    version: int, *, page_size: int, statuses: Iterable[str]
) -> Iterator[list[dict[str, Any]]]:
    """Rows with these statuses written after `version` (any write path: a trigger stamps it), in version order."""
    statuses = list(statuses)

    def fetch(after: int, size: int) -> list[dict[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute(
                VEHICLE_ROW_SQL
                + f" WHERE v.search_version > %s AND {listable_sql('v')}"
                + " ORDER BY v.search_version LIMIT %s",
                [after, statuses, size],
            )
            return _dicts(cursor)

    return keyset_pages(fetch, start=version, key=lambda row: row["search_version"], page_size=page_size)
