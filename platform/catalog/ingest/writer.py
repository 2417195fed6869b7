"""Batched upserts of dealers and vehicles, keyed by `source_key`.

One batch is one transaction: its rows go into a temporary table by COPY and from there into
catalog_vehicle with a single INSERT ... ON CONFLICT (source_key) DO UPDATE. The update only
happens WHERE the imported columns differ, so a re-run writes nothing: no new versions, no change
records for the indexers, no churn. The capture triggers see exactly what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from django.db import connection, transaction

from catalog.currencies import ensure_currencies
from search.fields import SPEC_FIELDS

from .readers.base import RawRow
from .records import DealerRecord, Listing
from .report import FileReport

# Columns an import owns, their staging type and where a listing holds them, in one place. Status
# and the listing date belong to the marketplace once a vehicle exists (photos live in media_photo),
# so a re-import never resets them.
_VEHICLE_COLUMNS: tuple[tuple[str, str, Callable[[Listing], object]], ...] = (
    ("vin", "text", attrgetter("vin")),
    ("make", "text", attrgetter("make")),
    ("model", "text", attrgetter("model")),
    ("trim", "text", attrgetter("trim")),
    ("year", "integer", attrgetter("year")),
    ("price", "numeric", attrgetter("price")),
    ("currency_id", "text", attrgetter("currency")),
    ("mileage_km", "integer", attrgetter("mileage_km")),
    ("condition", "text", attrgetter("condition")),
    ("body_type", "text", attrgetter("body_type")),
    ("fuel", "text", attrgetter("fuel")),
    ("transmission", "text", attrgetter("transmission")),
    ("drivetrain", "text", attrgetter("drivetrain")),
    ("engine", "text", attrgetter("engine")),
    ("exterior_color", "text", attrgetter("exterior_color")),
    ("interior_color", "text", attrgetter("interior_color")),
    ("features", "text[]", attrgetter("features")),
    ("description", "text", attrgetter("description")),
    ("country", "text", attrgetter("dealer.country")),
    ("city", "text", attrgetter("dealer.city")),
    ("latitude", "float8", attrgetter("dealer.latitude")),
    ("longitude", "float8", attrgetter("dealer.longitude")),
    *(
        (declared.column, "text", lambda listing, name=declared.name: listing.specs.get(name, ""))
        for declared in SPEC_FIELDS
    ),
)
IMPORTED = (*(name for name, _type, _get in _VEHICLE_COLUMNS), "dealer_id")
STAGING_SQL = f"""
CREATE TEMP TABLE IF NOT EXISTS ingest_vehicle (
    source_key text, {", ".join(f"{name} {type_}" for name, type_, _get in _VEHICLE_COLUMNS)},
    dealer_id bigint, listed_at timestamptz
)
"""
STAGED = ("source_key", *IMPORTED, "listed_at")


def _update_if_changed(alias: str, columns: tuple[str, ...]) -> str:
    """The ON CONFLICT clause that rewrites a row only when one of `columns` differs."""
    return (
        f"ON CONFLICT (source_key) DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in columns)}, "
        f"updated_at = now() WHERE ({', '.join(f'{alias}.{c}' for c in columns)}) "
        f"IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in columns)})"
    )


UPSERT_VEHICLES_SQL = f"""
INSERT INTO catalog_vehicle AS v (source_key, {", ".join(IMPORTED)}, status, listed_at, updated_at,
                                  search_version)
SELECT source_key, {", ".join(IMPORTED)}, 'available', coalesce(listed_at, now()), now(), 0
  FROM ingest_vehicle
{_update_if_changed("v", IMPORTED)}
RETURNING (xmax = 0) AS created
"""

DEALER_COLUMNS = ("name", "country", "city", "latitude", "longitude", "rating")
UPSERT_DEALERS_SQL = f"""
INSERT INTO catalog_dealer AS d (source_key, {", ".join(DEALER_COLUMNS)}, verified, created_at, updated_at)
SELECT *, false, now(), now()
  FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::varchar[], %s::float8[], %s::float8[],
              %s::numeric[])
{_update_if_changed("d", DEALER_COLUMNS)}
"""


class ListingWriter:
    """Writes batches of listings for one run; remembers dealers and VINs across batches."""

    def __init__(self):
        self.dealer_ids: dict[str, int] = {}
        # VIN -> the listing that claimed it first in this run; later claimants lose it.
        self.vin_owner: dict[str, str] = {}
        with connection.cursor() as cursor:
            ensure_currencies(cursor)

    def write(self, batch: list[tuple[RawRow, Listing]], report: FileReport) -> None:
        if not batch:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            self._upsert_dealers(cursor, [listing.dealer for _, listing in batch])
            self._release_duplicate_vins(cursor, batch)
            for row, listing in batch:
                for code, detail in listing.notes:
                    report.note(row, code, detail)
            cursor.execute(STAGING_SQL)
            cursor.execute("TRUNCATE ingest_vehicle")
            with cursor.copy(f"COPY ingest_vehicle ({', '.join(STAGED)}) FROM STDIN") as copy:
                for _, listing in batch:
                    copy.write_row(self._staged_row(listing))
            cursor.execute(UPSERT_VEHICLES_SQL)
            created = sum(1 for (was_created,) in cursor.fetchall() if was_created)
            changed = cursor.rowcount
        report.created += created
        report.updated += changed - created
        report.unchanged += len(batch) - changed

    def _staged_row(self, listing: Listing) -> tuple:
        return (
            listing.source_key,
            *(get(listing) for _name, _type, get in _VEHICLE_COLUMNS),
            self.dealer_ids[listing.dealer.source_key],
            listing.listed_at,
        )

    def _upsert_dealers(self, cursor, dealers: list[DealerRecord]) -> None:
        # The first record of a dealer in a run wins; later rows of the same dealer reuse its id.
        new = {d.source_key: d for d in reversed(dealers) if d.source_key not in self.dealer_ids}
        if not new:
            return
        columns = [list(new), *([getattr(d, c) for d in new.values()] for c in DEALER_COLUMNS)]
        cursor.execute(UPSERT_DEALERS_SQL, columns)
        cursor.execute("SELECT source_key, id FROM catalog_dealer WHERE source_key = ANY(%s)", [list(new)])
        self.dealer_ids.update(cursor.fetchall())

    def _release_duplicate_vins(self, cursor, batch: list[tuple[RawRow, Listing]]) -> None:
        """A VIN identifies one car: a second listing claiming it keeps its row but loses the VIN."""
        vins = [listing.vin for _, listing in batch if listing.vin]
        cursor.execute("SELECT vin, source_key FROM catalog_vehicle WHERE vin = ANY(%s)", [vins])
        held = dict(cursor.fetchall())
        for _, listing in batch:
            if not listing.vin:
                continue
            owner = self.vin_owner.setdefault(listing.vin, held.get(listing.vin, listing.source_key))
            if owner != listing.source_key:
                listing.note("duplicate_vin", f"{listing.vin} already belongs to {owner}")
                listing.vin = None
