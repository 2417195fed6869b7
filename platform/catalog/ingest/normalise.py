"""Normalisation rules for listing values: controlled vocabularies, units, prices, years, VINs.

Pure functions of the raw value, so they are tested without a database and shared by every source
reader and by the generator's distribution learner. A value that cannot be read becomes "" or None
(unknown); only the fields a listing cannot exist without (make, model, year, price) reject a row.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from catalog.models import Vehicle

from .records import Listing, Reject

# Spellings of "no value" across the sources (pandas' "nan", cars.com's en dash, AU's "- / -").
MISSING = {"", "nan", "none", "null", "n/a", "na", "-", "–", "—", "- / -", "not priced", "poa", "?"}

BODY_TYPES = (
    "sedan",
    "hatchback",
    "suv",
    "wagon",
    "coupe",
    "convertible",
    "pickup",
    "van",
    "minivan",
    "truck",
    "other",
)
FUELS = ("petrol", "diesel", "hybrid", "electric", "lpg", "other")
TRANSMISSIONS = ("automatic", "manual")
DRIVETRAINS = ("fwd", "rwd", "awd", "4wd")

_BODY = {
    "sedan": "sedan",
    "saloon": "sedan",
    "limousine": "sedan",  # German "Limousine" is a saloon
    "hatchback": "hatchback",
    "hatch": "hatchback",
    "kleinwagen": "hatchback",
    "suv": "suv",
    "sport utility": "suv",
    "crossover": "suv",
    "4x4": "suv",
    "wagon": "wagon",
    "estate": "wagon",
    "kombi": "wagon",
    "coupe": "coupe",
    "coupé": "coupe",
    "convertible": "convertible",
    "cabrio": "convertible",
    "cabriolet": "convertible",
    "roadster": "convertible",
    "pickup": "pickup",
    "pick-up": "pickup",
    "ute / tray": "pickup",
    "ute": "pickup",
    "van": "van",
    "commercial": "van",
    # German "Bus" is a van or a minibus for a van model, a compact MPV (Golf Plus, Corolla Verso,
    # C-Max) for any other: see body_for_model, which reads it with the model.
    "bus": "van",
    "minivan": "minivan",
    "mini-van": "minivan",
    "people mover": "minivan",
    "mpv": "minivan",
    "truck": "truck",
    "other": "other",
    "andere": "other",
}
_FUEL = {
    "petrol": "petrol",
    "gasoline": "petrol",
    "gasoline fuel": "petrol",
    "gas": "petrol",
    "unleaded": "petrol",
    "premium": "petrol",
    "leaded": "petrol",
    "benzin": "petrol",
    # Flex-fuel cars run on petrol wherever E85 is not sold, which is everywhere we export to.
    "e85 flex fuel": "petrol",
    "flex fuel capability": "petrol",
    "flexible fuel": "petrol",
    "diesel": "diesel",
    "diesel fuel": "diesel",
    "hybrid": "hybrid",
    "gasoline/mild electric hybrid": "hybrid",
    "plug-in electric/gas": "hybrid",
    "electric": "electric",
    "electric fuel system": "electric",
    "elektro": "electric",
    "lpg": "lpg",
    "cng": "other",
    "other": "other",
    "andere": "other",
}
_CONDITION = {
    "new": "new",
    "used": "used",
    "demo": "demo",
    "certified": "certified",
    # Craigslist's condition grades are all used cars.
    "good": "used",
    "excellent": "used",
    "like new": "used",
    "fair": "used",
    "salvage": "used",
}


def text(value: str | None) -> str:
    """Trimmed single-spaced text; the "no value" spellings become ""."""
    if value is None:
        return ""
    value = " ".join(value.replace("\x00", "").split())
    return "" if value.lower() in MISSING else value


def _lookup(table: dict[str, str], value: str | None) -> str:
    return table.get(text(value).lower(), "")


def body_type(value: str | None) -> str:
    return _lookup(_BODY, value)


# Models built as vans or minibuses (and nothing else), folded. Anything else that a source calls a
# "Bus" or a "Van" is a people carrier (minivan).
VAN_MODELS = frozenset(
    [
        "transporter",
        "multivan",
        "caravelle",
        "california",
        "crafter",
        "caddy",
        "sprinter",
        "vito",
        "viano",
        "v-class",
        "vaneo",
        "citan",
        "transit",
        "tourneo",
        "vivaro",
        "movano",
        "combo",
        "trafic",
        "master",
        "kangoo",
        "jumper",
        "boxer",
        "expert",
        "partner",
        "berlingo",
        "ducato",
        "doblo",
        "scudo",
        "jumpy",
        "nv200",
        "primastar",
        "interstar",
        "hiace",
        "previa",
        "h-1",
        "h1",
        "starex",
        "t4",
        "t5",
        "t6",
        "bus",
    ]
)
# Models that are saloons, hatchbacks or estates only, in every generation: a "pickup" or "van"
# label on them is a misreading. Checked by body_for_model and by the market-value plausibility check.
CAR_ONLY_MODELS = frozenset(
    [
        "astra",
        "corsa",
        "insignia",
        "vectra",
        "corolla",
        "yaris",
        "auris",
        "prius",
        "camry",
        "fiesta",
        "focus",
        "mondeo",
        "golf",
        "polo",
        "passat",
        "jetta",
        "a3",
        "a4",
        "a6",
        "1 series",
        "3 series",
        "5 series",
        "c-class",
        "e-class",
        "a-class",
        "civic",
        "accord",
        "clio",
        "megane",
        "octavia",
        "fabia",
        "superb",
        "i10",
        "i20",
        "i30",
        "elantra",
    ]
)


def body_for_model(body: str, model: str, *, bus: bool = False) -> tuple[str, str]:
    """The body type read with the model it belongs to, and a note code when the rule changed it.

    A "Bus" (German) is a van only for a van model; otherwise an MPV. A pickup or a van label on a
    model that was never built as one ("Astra" pickup, "Corolla" van) is not believed: unknown.
    """
    name = model.lower()
    if bus and body == "van" and name not in VAN_MODELS:
        return "minivan", "body_bus_is_minivan"
    if body in ("pickup", "van", "truck") and name in CAR_ONLY_MODELS:
        return "", "body_ruled_out_by_model"
    return body, ""


def fuel(value: str | None) -> str:
    return _lookup(_FUEL, value)


def condition(value: str | None) -> str:
    """new / used / demo / certified; "<Make> Certified" (cars.com) is certified pre-owned."""
    value = text(value).lower()
    if value.endswith("certified"):
        return "certified"
    return _CONDITION.get(value, "used")


def transmission(value: str | None) -> str:
    """automatic or manual from "8-Speed Automatic", "Semi-Auto", "M/T", "manuell", "CVT", ..."""
    value = text(value).lower()
    if not value or value in ("other", "andere"):
        return ""
    # "Automated manual" gearboxes shift themselves: automatic for a buyer.
    if re.search(r"auto|cvt|variable|a/t|tiptronic|steptronic|dual shift|shift|dct|dsg|^a$", value):
        return "automatic"
    if re.search(r"manu|m/t|^m$", value):
        return "manual"
    return ""


def drivetrain(value: str | None) -> str:
    value = text(value).lower().replace("-", " ")
    if re.search(r"\ball wheel|\bawd\b", value):
        return "awd"
    if re.search(r"four wheel|\b4wd\b|4x4", value):
        return "4wd"
    if re.search(r"front|\bfwd\b", value):
        return "fwd"
    if re.search(r"rear|\brwd\b", value):
        return "rwd"
    return ""


# Markets whose cars are certain to have one steering side: those that drive on the left sell
# right-hand-drive cars (GB, AU), those that drive on the right left-hand-drive ones (US, DE). Other
# markets mix imports of both, so their listings stay unknown until the dealer says.
MARKET_STEERING = {"GB": "rhd", "AU": "rhd", "US": "lhd", "DE": "lhd"}


def colour(value: str | None) -> str:
    value = text(value)
    return value.capitalize() if value.islower() else value


def number(value: str | None) -> Decimal | None:
    """A number from "$39,998 ", "150,000km", "12774.0", "29500"; None if there is none."""
    value = text(value)
    match = re.search(r"-?\d[\d,]*(\.\d+)?", value)
    if not match:
        return None
    try:
        return Decimal(match.group(0).replace(",", ""))
    except InvalidOperation:
        return None


MIN_PRICE, MAX_PRICE = Decimal("100"), Decimal("5000000")


def price(value: str | None) -> Decimal:
    """The asking price; placeholders (0, 1, "POA", "Not Priced") and absurd values reject the row."""
    amount = number(value)
    if amount is None or amount == 0:
        raise Reject("missing_price", text(value) or "empty")
    if not MIN_PRICE <= amount <= MAX_PRICE:
        raise Reject("implausible_price", str(value).strip())
    return amount.quantize(Decimal("0.01"))


def year(value: str | None, *, latest: int) -> int:
    """Model year; after `latest` (the listing's year + 1) or before 1900 rejects the row."""
    amount = number(value)
    if amount is None:
        raise Reject("missing_year", text(value) or "empty")
    result = int(amount)
    if not 1900 <= result <= latest:
        raise Reject("implausible_year", str(value).strip())
    return result


MILES_TO_KM = Decimal("1.609344")
# Above this a reading is a typo or a placeholder (999999), not a car's life.
MAX_KM = 2_000_000


def kilometres(value: str | None, *, miles: bool = False) -> int | None:
    amount = number(value)
    if amount is None:
        return None
    return int((amount * MILES_TO_KM if miles else amount).to_integral_value())


VIN_PATTERN = re.compile(r"^[A-HJ-NPR-Z0-9]{11,17}$")  # the catalog_vehicle check constraint


def vin(value: str | None) -> str:
    return text(value).upper().replace(" ", "")


def _field_limits() -> dict[str, int]:
    return {
        f.name: f.max_length
        for f in Vehicle._meta.get_fields()
        if getattr(f, "max_length", None) and f.get_internal_type() == "CharField"
    }


FIELD_LIMITS = _field_limits()


def finish(listing: Listing) -> Listing:
    """Rules every source shares, applied last: repairs are noted on the listing, never fatal."""
    if listing.vin and not VIN_PATTERN.match(listing.vin):
        listing.note("invalid_vin", listing.vin)
        listing.vin = None
    listing.vin = listing.vin or None
    listing.specs.setdefault("steering", MARKET_STEERING.get(listing.dealer.country, ""))
    if listing.mileage_km is not None and not 0 <= listing.mileage_km <= MAX_KM:
        listing.note("implausible_mileage", str(listing.mileage_km))
        listing.mileage_km = None
    for name, limit in FIELD_LIMITS.items():
        value = getattr(listing, name, None)
        if isinstance(value, str) and len(value) > limit:
            setattr(listing, name, value[:limit].rstrip())
    listing.features = [f[:80] for f in listing.features if f]
    if not listing.make:
        raise Reject("missing_make")
    if not listing.model:
        raise Reject("missing_model")
    return listing
