"""Batched upserts of dealers and vehicles, keyed by `source_key`.

One batch is one transaction: its rows go into a temporary table by COPY and from there into
catalog_vehicle with a single INSERT ... ON CONFLICT (source_key) DO UPDATE. The update only
happens WHERE the imported columns differ, so a re-run writes nothing: no new versions, no change
records for the indexers, no churn. The capture triggers see exactly what changed.
"""

from __future__ import annotations

from django.db import connection, transaction

from catalog.currencies import ensure_currencies

from .readers.base import RawRow
from .records import DealerRecord, Listing
from .report import FileReport

# Columns an import owns. Status, photos and the listing date belong to the marketplace once a
# vehicle exists, so a re-import never resets them.
IMPORTED = (
    "vin",
    "make",
    "model",
    "trim",
    "year",
    "price",
    "currency_id",
    "mileage_km",
    "condition",
    "body_type",
    "fuel",
    "transmission",
    "drivetrain",
    "engine",
    "exterior_color",
    "interior_color",
    "features",
    "description",
    "dealer_id",
    "country",
    "city",
    "latitude",
    "longitude",
)

STAGING_SQL = """
CREATE TEMP TABLE IF NOT EXISTS ingest_vehicle (
    source_key text, vin text, make text, model text, trim text, year integer, price numeric,
    currency_id text, mileage_km integer, condition text, body_type text, fuel text, transmission text,
    drivetrain text, engine text, exterior_color text, interior_color text, features text[],
    description text, dealer_id bigint, country text, city text, latitude float8, longitude float8,
    listed_at timestamptz
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
INSERT INTO catalog_vehicle AS v (source_key, {", ".join(IMPORTED)}, photos, status, listed_at, updated_at,
                                  search_version)
SELECT source_key, {", ".join(IMPORTED)}, '{{}}', 'available', coalesce(listed_at, now()), now(), 0
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
        dealer = listing.dealer
        return (
            listing.source_key,
            listing.vin,
            listing.make,
            listing.model,
            listing.trim,
            listing.year,
            listing.price,
            listing.currency,
            listing.mileage_km,
            listing.condition,
            listing.body_type,
            listing.fuel,
            listing.transmission,
            listing.drivetrain,
            listing.engine,
            listing.exterior_color,
            listing.interior_color,
            listing.features,
            listing.description,
            self.dealer_ids[dealer.source_key],
            dealer.country,
            dealer.city,
            dealer.latitude,
            dealer.longitude,
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
