"""Writes to a dealer's inventory: edit, add, bulk actions, CSV import and export.

Every write goes to Postgres only. The capture triggers record each change in the same transaction,
so edits reach the search index through the normal sync (never by calling the engine from here), and
price changes reach the price history through the price-change job.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from django.db import IntegrityError, transaction
from django.db.models import F, Func
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import confirmations
from notifications.models import Channel, ContactConfirmation
from notifications.phones import InvalidPhone, normalise_phone
from nzila.spreadsheet_csv import SpreadsheetWriter
from nzila.text_input import unstorable_character, whole_number
from search.fields import BY_NAME, CSV_FIELDS, EDITABLE_FIELDS, SPEC_FIELDS, VehicleField

from . import prices
from .currencies import ensure_currencies
from .ingest.loader import load_source
from .ingest.readers.dealer_csv import (
    EXPORT_COLUMNS,
    EXPORT_FIGURES,
    FEATURE_SEPARATOR,
    REQUIRED_COLUMNS,
    DealerCsv,
    dealer_record,
    reference_of,
)
from .ingest.report import FileReport
from .ingest.upload import UnreadableUpload, upload_text
from .ingest.writer import ListingWriter
from .models import Currency, Dealer, Vehicle
from .prices import allowed_price, to_cents

# A modern (1981+) VIN: 17 characters, never I, O or Q (they read as 1 and 0).
VIN_PATTERN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
# A bulk price change beyond this is more likely a typo (50 for 5) than a decision.
MAX_PRICE_CHANGE_PCT = Decimal(90)
MAX_BULK = 500


class InventoryInputError(Exception):
    """A value a dealer sent that cannot be written; `field` names it (the form or API reports it)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def normalise_vin(value: str) -> str:
    vin = re.sub(r"[\s-]", "", value or "").upper()
    if not VIN_PATTERN.match(vin):
        raise InventoryInputError("vin", "A VIN has 17 letters and digits, never I, O or Q.")
    return vin


def _price(value) -> Decimal:
    if to_cents(value) is None:
        raise InventoryInputError("price", _("Enter a number."))
    price = allowed_price(value)
    if price is None:
        raise InventoryInputError("price", prices.RULE)
    return price


def latest_year() -> int:
    """The newest model year a listing may have: next year's models are sold from mid-year."""
    return timezone.now().year + 1


def _year(value) -> int:
    if not (1900 <= int(value) <= latest_year()):
        raise InventoryInputError("year", _("A year from 1900 to %(latest)d.") % {"latest": latest_year()})
    return int(value)


def _code(declared: VehicleField, name: str, value) -> str:
    codes = ", ".join(declared.value_codes)
    if declared.editable.optional and value not in ("", *declared.value_codes):
        raise InventoryInputError(name, _("One of: %(codes)s, or empty if not known.") % {"codes": codes})
    if not declared.editable.optional and value not in declared.value_codes:
        raise InventoryInputError(name, _("One of: %(codes)s.") % {"codes": codes})
    return value


def _dealer_set_columns(specs: Mapping[str, str]) -> dict[str, str]:
    """Column -> value of the coded fields given by name (search.fields.SPEC_FIELDS), each one of its
    field's codes or "" for not known."""
    columns = {}
    for name, value in specs.items():
        declared = BY_NAME.get(name)
        if declared is None or declared not in SPEC_FIELDS:
            raise InventoryInputError(name, _("Not a field a dealer sets."))
        columns[declared.column] = _code(declared, name, value)
    return columns


def split_dealer_set(values: Mapping[str, object]) -> tuple[dict, dict]:
    """(the coded fields' values by name, everything else): how an input becomes `specs`."""
    names = {declared.name for declared in SPEC_FIELDS}
    return {k: v for k, v in values.items() if k in names}, {k: v for k, v in values.items() if k not in names}


EDITABLE_BY_COLUMN: dict[str, VehicleField] = {declared.column: declared for declared in EDITABLE_FIELDS}


def edited_value(column: str, value):
    """`value` as the `column` of a listed vehicle stores it, by the field's declaration
    (search.fields.DealerInput) and the platform's rules (prices, model years); InventoryInputError
    naming the column otherwise. The API's serializer reads the same declaration, so a value it
    passes is refused here only by a rule it cannot know (the price rule, next year)."""
    declared = EDITABLE_BY_COLUMN.get(column)
    if declared is None:
        raise InventoryInputError(column, _("Not a field a dealer sets."))
    rule = declared.editable
    if rule.kind == "amount":
        return _price(value)
    if rule.kind == "code":
        return _code(declared, column, value)
    if rule.kind == "whole":
        if value is None and rule.optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not (rule.low <= value <= rule.high):
            raise InventoryInputError(
                column, _("A whole number from %(low)d to %(high)d.") % {"low": rule.low, "high": rule.high}
            )
        return _year(value) if column == "year" else value
    text = str(value or "").strip()
    if len(text) > rule.max_length:
        raise InventoryInputError(column, _("At most %(n)d characters.") % {"n": rule.max_length})
    if unstorable_character(text):
        raise InventoryInputError(column, _("Contains a character that cannot be stored."))
    return text


def dealer_vehicle(dealer_id: int, vehicle_id: int, *, lock: bool = False) -> Vehicle:
    """The dealer's own vehicle; another dealer's vehicle is as absent as a missing one."""
    rows = Vehicle.objects.select_for_update() if lock else Vehicle.objects
    return rows.select_related("currency").get(pk=vehicle_id, dealer_id=dealer_id)


@dataclass(frozen=True)
class VehicleEdit:
    """What a dealer changes on a listed vehicle; what is left out stays as it is."""

    status: str | None = None
    # The fields the dealer sets (search.fields.EDITABLE_FIELDS) to change, by column.
    values: Mapping[str, object] = field(default_factory=dict)


def set_dealer_phone(dealer: Dealer, raw: str) -> Dealer:
    """Store the dealer's phone (and WhatsApp) number in E.164; an empty value removes it.

    A number without a country code is read as one of the dealer's own country ("0712 345678" of a
    Kenyan dealer is +254712345678).
    """
    phone = ""
    if raw and raw.strip():
        try:
            phone = normalise_phone(raw, default_region=dealer.country)
        except InvalidPhone:
            raise InventoryInputError(
                "phone", "Not a valid phone number; include the country code, e.g. +254712345678."
            ) from None
    if phone != dealer.phone:
        # A new number is unproven: no WhatsApp button until its code comes back.
        dealer.phone, dealer.phone_verified_at = phone, None
        dealer.save(update_fields=["phone", "phone_verified_at", "updated_at"])
    return dealer


def set_dealer_phone_shown(dealer: Dealer, shown: str) -> Dealer:
    if shown not in Dealer.PhoneShown.values:
        raise InventoryInputError("phone_shown", "Choose where buyers see your number.")
    if shown != dealer.phone_shown:
        dealer.phone_shown = shown
        dealer.save(update_fields=["phone_shown", "updated_at"])
    return dealer


def send_dealer_phone_code(dealer: Dealer, *, user_id: int):
    """Send a code to the dealer's number on WhatsApp (confirmations.TooManyCodes when sent too often)."""
    if not dealer.phone:
        raise InventoryInputError("phone", "Enter a number first.")
    return confirmations.send_code(
        purpose=ContactConfirmation.Purpose.DEALER_PHONE,
        channel=Channel.WHATSAPP,
        address=dealer.phone,
        subject_id=dealer.pk,
        user_id=user_id,
    )


def confirm_dealer_phone(dealer: Dealer, code: str) -> confirmations.CheckResult:
    """The code the dealer typed; right, and still for the number on file: the number is verified."""
    result = confirmations.check_code(purpose=ContactConfirmation.Purpose.DEALER_PHONE, subject_id=dealer.pk, code=code)
    if result.ok:
        sent_to = (
            ContactConfirmation.objects.filter(purpose=ContactConfirmation.Purpose.DEALER_PHONE, subject_id=dealer.pk)
            .exclude(confirmed_at=None)
            .order_by("-confirmed_at")
            .values_list("address", flat=True)
            .first()
        )
        updated = Dealer.objects.filter(pk=dealer.pk, phone=sent_to).update(phone_verified_at=timezone.now())
        if not updated:  # the number changed since the code was sent
            return confirmations.CheckResult(False, "expired")
        dealer.refresh_from_db(fields=["phone_verified_at"])
    return result


# Fictional numbers for demo dealers: 555-0100 to 555-0199 is reserved for fiction in every North
# American area code, so a demo WhatsApp button can never reach a real person.
DEMO_AREA_CODES = ("202", "212", "213", "305", "312", "415", "617", "702", "713", "808")


def give_demo_dealers_numbers(dealers) -> int:
    """A verified fictional number for each of these dealers that has none (idempotent)."""
    given = 0
    now = timezone.now()
    for i, dealer in enumerate(dealers.order_by("pk")[: 100 * len(DEMO_AREA_CODES)]):
        if dealer.phone:
            continue
        number = f"+1{DEMO_AREA_CODES[i // 100]}55501{i % 100:02d}"
        Dealer.objects.filter(pk=dealer.pk, phone="").update(phone=number, phone_verified_at=now)
        given += 1
    return given


def update_vehicle(dealer_id: int, vehicle_id: int, edit: VehicleEdit) -> Vehicle:
    """Write the edit, or nothing: the first value refused raises InventoryInputError naming it."""
    with transaction.atomic():
        vehicle = dealer_vehicle(dealer_id, vehicle_id, lock=True)
        changed = []
        if edit.status is not None:
            if edit.status not in Vehicle.Status.values:
                raise InventoryInputError(
                    "status", _("One of: %(codes)s.") % {"codes": ", ".join(Vehicle.Status.values)}
                )
            if edit.status != vehicle.status:
                vehicle.status = edit.status
                changed.append("status")
        for column, given in edit.values.items():
            value = edited_value(column, given)
            if value != getattr(vehicle, column):
                setattr(vehicle, column, value)
                changed.append(column)
        if changed:
            vehicle.save(update_fields=[*changed, "updated_at"])
        return vehicle


@dataclass(frozen=True)
class NewVehicle:
    vin: str
    make: str
    model: str
    year: int
    price: Decimal | str
    currency: str
    trim: str = ""
    mileage_km: int | None = None
    condition: str = Vehicle.Condition.USED
    body_type: str = ""
    fuel: str = ""
    transmission: str = ""
    exterior_color: str = ""
    description: str = ""
    specs: Mapping[str, str] = field(default_factory=dict)


def add_vehicle(dealer: Dealer, new: NewVehicle) -> Vehicle:
    vin = normalise_vin(new.vin)
    if not Currency.objects.filter(pk=new.currency).exists():
        raise InventoryInputError("currency", f"Unknown currency {new.currency!r}.")
    _year(new.year)
    if new.condition not in Vehicle.Condition.values:
        raise InventoryInputError("condition", f"One of: {', '.join(Vehicle.Condition.values)}.")
    if Vehicle.objects.filter(vin=vin).exists():
        raise InventoryInputError("vin", "A vehicle with this VIN is already listed.")
    try:
        with transaction.atomic():
            return Vehicle.objects.create(
                dealer=dealer,
                # The same key a CSV import of this vehicle would give it, so a re-import updates it.
                source_key=DealerCsv.key_for(dealer.pk, vin),
                vin=vin,
                make=new.make.strip(),
                model=new.model.strip(),
                trim=new.trim.strip(),
                year=int(new.year),
                price=_price(new.price),
                currency_id=new.currency,
                mileage_km=new.mileage_km,
                condition=new.condition,
                body_type=new.body_type,
                fuel=new.fuel,
                transmission=new.transmission,
                exterior_color=new.exterior_color,
                **_dealer_set_columns(new.specs),
                description=new.description,
                country=dealer.country,
                city=dealer.city,
                latitude=dealer.latitude,
                longitude=dealer.longitude,
                listed_at=timezone.now(),
            )
    except IntegrityError:
        # Two adds of the same VIN at once: the unique index decides, the loser hears why.
        raise InventoryInputError("vin", "A vehicle with this VIN is already listed.") from None


def _bulk_ids(vehicle_ids) -> list[int]:
    read = [i if isinstance(i, int) else whole_number(str(i)) for i in vehicle_ids]
    if None in read:
        raise InventoryInputError("vehicles", "Vehicle ids are whole numbers (0-9).")
    ids = sorted(set(read))
    if not ids:
        raise InventoryInputError("vehicles", "Select at least one vehicle.")
    if len(ids) > MAX_BULK:
        raise InventoryInputError("vehicles", f"At most {MAX_BULK} vehicles at once.")
    return ids


def mark_sold(dealer_id: int, vehicle_ids) -> int:
    """Mark the dealer's selected vehicles sold (others' ids are ignored); returns how many changed."""
    ids = _bulk_ids(vehicle_ids)
    return (
        Vehicle.objects.filter(dealer_id=dealer_id, pk__in=ids)
        .exclude(status=Vehicle.Status.SOLD)
        .update(status=Vehicle.Status.SOLD, updated_at=timezone.now())
    )


class _Round2(Func):
    function = "ROUND"
    template = "%(function)s(%(expressions)s, 2)"


def change_prices(dealer_id: int, vehicle_ids, percent) -> int:
    """Raise (or, negative, lower) the selected vehicles' prices by `percent`, to the cent."""
    ids = _bulk_ids(vehicle_ids)
    try:
        pct = Decimal(str(percent))
    except (InvalidOperation, ValueError):
        raise InventoryInputError("percent", "Enter a number, e.g. -5 or 2.5.") from None
    if pct == 0 or abs(pct) > MAX_PRICE_CHANGE_PCT:
        raise InventoryInputError("percent", f"A change between -{MAX_PRICE_CHANGE_PCT}% and +{MAX_PRICE_CHANGE_PCT}%.")
    factor = (1 + pct / 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    with transaction.atomic():
        selected = Vehicle.objects.select_for_update().filter(dealer_id=dealer_id, pk__in=ids)
        # The price rule holds for every selected vehicle, or nothing changes: each new price is the
        # one the UPDATE below writes (to the cent, half up, like Postgres ROUND).
        refused = [price for price in selected.values_list("price", flat=True) if allowed_price(price * factor) is None]
        if refused:
            raise InventoryInputError(
                "percent",
                f"{pct}% would take {len(refused)} of the selected prices (e.g. {refused[0]}) out of range. "
                f"{prices.RULE}",
            )
        return selected.update(price=_Round2(F("price") * factor), updated_at=timezone.now())


def import_inventory(dealer: Dealer, upload: IO[bytes], *, name: str = "inventory") -> FileReport:
    """Load a dealer's CSV through the listing loader and return its report (rejected rows with every
    fault of each included). Every row lands under this dealer, whatever it says. A file that cannot
    be read as an inventory (a workbook, binary, empty, header only) is InventoryInputError("file")."""
    try:
        text, delimiter = upload_text(upload.read(), required=REQUIRED_COLUMNS)
    except UnreadableUpload as exc:
        raise InventoryInputError("file", exc.message) from None
    with tempfile.TemporaryDirectory(prefix=f"dealer-{dealer.pk}-import-") as folder:
        work = Path(folder)
        path = work / "upload.csv"
        path.write_text(text, encoding="utf-8", newline="")
        _adopt_unkeyed(dealer.pk, DealerCsv.ids_in(path, delimiter))
        source = DealerCsv(dealer, path, report_name=name, delimiter=delimiter)
        writer = ListingWriter()
        # The dealer exists: the loader must not create or rename one from the file.
        writer.dealer_ids[dealer_record(dealer).source_key] = dealer.pk
        (report,) = load_source(source, work, writer=writer, report_dir=work, progress=False)
    return report


def _adopt_unkeyed(dealer_id: int, vehicle_ids: set[int]) -> None:
    """Vehicles listed without a key (e.g. added before keys existed) get the key their id gives them,
    so the loader's upsert updates them instead of adding a copy."""
    for vehicle_id in Vehicle.objects.filter(
        dealer_id=dealer_id, pk__in=vehicle_ids, source_key__isnull=True
    ).values_list("pk", flat=True):
        Vehicle.objects.filter(pk=vehicle_id, source_key__isnull=True).update(
            source_key=DealerCsv.id_key(dealer_id, vehicle_id)
        )


def _csv_cell(vehicle: Vehicle, declared: VehicleField):
    value = getattr(vehicle, declared.column)
    if isinstance(value, list):
        return FEATURE_SEPARATOR.join(value)
    return "" if value is None else value


def export_inventory(dealer_id: int, writer: SpreadsheetWriter, *, vehicle_ids: list[int] | None = None) -> int:
    """The dealer's inventory as CSV in the import's columns, then what buyers did with each vehicle
    (photos, views, inquiries, leads: the import ignores them); every vehicle of every status, or those
    of `vehicle_ids` (the console's current filters). Returns the rows written."""
    from sales.listing_activity import with_activity

    writer.writerow([*EXPORT_COLUMNS, *EXPORT_FIGURES])
    rows = 0
    vehicles = Vehicle.objects.filter(dealer_id=dealer_id)
    if vehicle_ids is not None:
        vehicles = vehicles.filter(pk__in=vehicle_ids)
    for vehicle in with_activity(vehicles.order_by("pk")).iterator(chunk_size=2000):
        writer.writerow(
            [
                reference_of(vehicle),
                *(_csv_cell(vehicle, declared) for declared in CSV_FIELDS),
                vehicle.pk,
                *(getattr(vehicle, f"{figure}_count") for figure in EXPORT_FIGURES),
            ]
        )
        rows += 1
    return rows


def known_currencies() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        ensure_currencies(cursor)
    return list(Currency.objects.order_by("code").values_list("code", flat=True))
