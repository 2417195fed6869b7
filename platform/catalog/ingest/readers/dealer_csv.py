"""A dealer's own inventory file, uploaded in the dealers' console: the columns the console exports.

Every row belongs to the uploading dealer, whatever it says. A row is identified by the dealer's
`reference` (their stock number; the VIN when it is blank), namespaced by the dealer, so one dealer's
file can never touch another dealer's vehicles. A row carrying the `id` of one of this dealer's
vehicles (as the export writes it) updates that vehicle, whatever key it was first listed under.
Status is not imported: it belongs to the marketplace once a vehicle is listed.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from nzila.spreadsheet_csv import restore
from nzila.text_input import whole_number
from search.fields import CSV_FIELDS, SPEC_FIELDS, controlled_value

from ...prices import allowed_price
from .. import normalise as norm
from ..makes import canonical_make, canonical_model
from ..records import DealerRecord, Listing, Reject
from .base import RawRow, Source, SourceFile, check_shape

# The export's columns, as the field registry declares them, with the dealer's reference first and
# the vehicle's id last (a file exported and imported again updates the same vehicles).
EXPORT_COLUMNS = ("reference", *(field.csv for field in CSV_FIELDS), "id")
# What buyers did with each vehicle, after the columns above in the export; an import ignores them.
EXPORT_FIGURES = ("photos", "views", "inquiries", "leads")
FEATURE_SEPARATOR = ";"
REQUIRED_COLUMNS = ("make", "model", "year", "price", "currency")
MAX_REFERENCE = 80


def dealer_record(dealer) -> DealerRecord:
    return DealerRecord(
        source_key=dealer.source_key or f"dealer:{dealer.pk}",
        name=dealer.name,
        country=dealer.country,
        city=dealer.city,
        latitude=dealer.latitude,
        longitude=dealer.longitude,
        rating=dealer.rating,
    )


def reference_of(vehicle) -> str:
    """The reference the export shows for a vehicle: the one it was imported or added under, if any."""
    prefix = DealerCsv.prefix(vehicle.dealer_id)
    if vehicle.source_key and vehicle.source_key.startswith(prefix):
        return vehicle.source_key[len(prefix) :]
    return vehicle.vin or ""


class DealerCsv(Source):
    name = "dealer_csv"

    def __init__(self, dealer, path: Path, *, report_name: str = "inventory", delimiter: str = ","):
        from catalog.models import Currency, Vehicle

        self.dealer = dealer
        self.path = path
        self.delimiter = delimiter
        self.report_name = report_name
        self.record = dealer_record(dealer)
        self.currencies = set(Currency.objects.values_list("code", flat=True))
        # This dealer's vehicles by id, so an exported file re-imported updates rather than duplicates.
        self.own_keys = dict(Vehicle.objects.filter(dealer_id=dealer.pk).values_list("pk", "source_key"))

    @staticmethod
    def prefix(dealer_id: int) -> str:
        return f"dealer:{dealer_id}:"

    @classmethod
    def key_for(cls, dealer_id: int, reference: str) -> str:
        return f"{cls.prefix(dealer_id)}{reference}"

    @staticmethod
    def ids_in(path: Path, delimiter: str = ",") -> set[int]:
        """The vehicle ids a file names in its `id` column (as the export writes them)."""
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            rows = csv.DictReader(handle, delimiter=delimiter)
            ids = (whole_number((row.get("id") or "").strip()) for row in rows)
            return {vehicle_id for vehicle_id in ids if vehicle_id is not None}

    @staticmethod
    def id_key(dealer_id: int, vehicle_id: int) -> str:
        """The key a vehicle listed without one gets when its dealer's file first names it by id."""
        return DealerCsv.key_for(dealer_id, f"id-{vehicle_id}")

    def files(self, data_dir: Path) -> list[SourceFile]:
        return [SourceFile(self.path, self.report_name, encoding="utf-8-sig", delimiter=self.delimiter)]

    def parse(self, row: RawRow, file: SourceFile) -> Listing:
        """The row as a listing; a row with faults is rejected with every one of them (the dealer fixes
        the file once, not once per fault)."""
        check_shape(row)
        # The export quoted cells a spreadsheet would run as formulas (nzila.spreadsheet_csv): unquoted here.
        v = {key.strip().lower(): restore(value) for key, value in row.values.items() if key}
        missing = [name for name in REQUIRED_COLUMNS if name not in v]
        if missing:
            raise Reject("missing_column", ", ".join(missing))
        faults: list[tuple[str, str]] = []

        def checked(check, *args):
            try:
                return check(*args)
            except Reject as reject:
                faults.extend(reject.faults)
                return None

        vin = norm.vin(v.get("vin"))
        if vin and not norm.VIN_PATTERN.match(vin):
            faults.append(("invalid_vin", vin))
        make = canonical_make(v["make"] or "")
        if not make:
            faults.append(("missing_make", ""))
        if not norm.text(v["model"]):
            faults.append(("missing_model", ""))
        currency = norm.text(v["currency"]).upper()
        if currency not in self.currencies:
            faults.append(("unknown_currency", currency))
        key = checked(self._key, v, vin)
        price = checked(self._price, v["price"])
        year = checked(lambda raw: norm.year(raw, latest=date.today().year + 1), v["year"])
        if faults:
            raise Reject.all_of(faults)
        listing = Listing(
            source_key=key,
            dealer=self.record,
            make=make,
            model=canonical_model(make, v["model"] or ""),
            trim=norm.text(v.get("trim")),
            year=year,
            price=price,
            currency=currency,
            vin=vin or None,
            mileage_km=norm.kilometres(v.get("mileage_km")),
            condition=norm.condition(v.get("condition")),
            body_type=norm.body_type(v.get("body_type")) or norm.text(v.get("body_type")),
            fuel=norm.fuel(v.get("fuel")) or norm.text(v.get("fuel")),
            transmission=norm.transmission(v.get("transmission")),
            drivetrain=norm.drivetrain(v.get("drivetrain")),
            engine=norm.text(v.get("engine")),
            # The dealer's own spelling: a file exported and imported again changes nothing.
            exterior_color=norm.text(v.get("exterior_color")),
            interior_color=norm.text(v.get("interior_color")),
            features=[f.strip() for f in (v.get("features") or "").split(FEATURE_SEPARATOR) if f.strip()],
            description=(v.get("description") or "").strip(),
            # What the dealer's file says, never guessed from the market: words it cannot read are unknown.
            specs={declared.name: controlled_value(declared, v.get(declared.csv)) or "" for declared in SPEC_FIELDS},
        )
        return norm.finish(listing)

    @staticmethod
    def _price(value: str | None) -> Decimal:
        amount = norm.number(value)
        if amount is None or amount <= 0:
            raise Reject("missing_price", norm.text(value))
        # A dealer prices in their own currency (KES, NGN run to millions): the platform's one price
        # rule (catalog/prices.py), as in the console and the API.
        price = allowed_price(amount)
        if price is None:
            raise Reject("implausible_price", norm.text(value))
        return price

    def _key(self, v: dict, vin: str) -> str:
        raw_id = norm.text(v.get("id"))
        if raw_id:
            vehicle_id = whole_number(raw_id)
            if vehicle_id not in self.own_keys:
                raise Reject("unknown_vehicle_id", raw_id)
            return self.own_keys[vehicle_id] or self.id_key(self.dealer.pk, vehicle_id)
        reference = norm.text(v.get("reference")) or vin
        if not reference:
            raise Reject("missing_reference")
        if len(reference) > MAX_REFERENCE:
            raise Reject("invalid_reference", reference[:20] + "…")
        return self.key_for(self.dealer.pk, reference)
