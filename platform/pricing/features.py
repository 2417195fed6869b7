"""A listing's market-value features, the same from a published file's row (training) and from a
catalog_vehicle row (serving). Pure: no database.

Age is counted from when the price was asked: the year a data set was collected for the published
files, this year for the platform's own listings. A car's value depends on its age, not its model year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# Categories the model reads natively (few values each).
CATEGORICAL = ("make", "fuel", "transmission", "body_type", "drivetrain", "condition", "market", "seller")
# Many values: the model reads them target-encoded (mean log price, cross-fitted).
ENCODED = ("make_model", "make_model_trim")
NUMERIC = ("age", "mileage_km", "km_per_year", "engine_l", "cylinders", "power_ps")
FEATURES = (*CATEGORICAL, *ENCODED, *NUMERIC)

MIN_YEAR = 1950
MAX_KM = 1_500_000


class ImpossibleValue(ValueError):
    """A value no car has (year 1800, negative mileage): the request is refused, naming the field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Car:
    """What the model knows of one listing."""

    make: str
    model: str
    year: int
    market: str
    # "private" or "dealer": private sellers ask less for the same car.
    seller: str = "dealer"
    trim: str = ""
    mileage_km: int | None = None
    fuel: str = ""
    transmission: str = ""
    body_type: str = ""
    drivetrain: str = ""
    condition: str = "used"
    engine: str = ""


_LITRES = re.compile(r"(\d+(?:\.\d+)?)\s*L\b", re.I)
_CYLINDERS = re.compile(r"(\d{1,2})\s*cyl|\b[IVHW](\d{1,2})\b", re.I)
_PS = re.compile(r"(\d{2,4})\s*PS\b")


def engine_parts(engine: str) -> tuple[float | None, float | None, float | None]:
    """(litres, cylinders, PS) from "2.0L I4 16V GDI", "4 cyl, 2.2 L", "1.5 L", "150 PS", "6 cyl"."""
    litres = _LITRES.search(engine or "")
    cylinders = _CYLINDERS.search(engine or "")
    power = _PS.search(engine or "")
    value = float(litres.group(1)) if litres else None
    return (
        value if value and 0.5 <= value <= 9 else None,
        float(cylinders.group(1) or cylinders.group(2)) if cylinders else None,
        float(power.group(1)) if power else None,
    )


def check(car: Car, *, as_of: int | None = None) -> None:
    """Refuse values no real car has, naming the field."""
    as_of = as_of or date.today().year
    if not car.make:
        raise ImpossibleValue("make", "required")
    if not car.model:
        raise ImpossibleValue("model", "required")
    if not MIN_YEAR <= car.year <= as_of + 1:
        raise ImpossibleValue("year", f"must be between {MIN_YEAR} and {as_of + 1}")
    if car.mileage_km is not None and not 0 <= car.mileage_km <= MAX_KM:
        raise ImpossibleValue("mileage_km", f"must be between 0 and {MAX_KM}")


def features(car: Car, *, as_of: int) -> dict[str, object]:
    """The model's inputs for one car whose price was asked in the year `as_of`."""
    age = max(as_of - car.year, 0)
    litres, cylinders, power = engine_parts(car.engine)
    km = car.mileage_km
    key = f"{car.make}|{car.model}".lower()
    return {
        "make": car.make.lower(),
        "fuel": car.fuel or None,
        "transmission": car.transmission or None,
        "body_type": car.body_type or None,
        "drivetrain": car.drivetrain or None,
        "condition": car.condition or None,
        "market": car.market or None,
        "seller": car.seller,
        "make_model": key,
        "make_model_trim": f"{key}|{car.trim.lower()}" if car.trim else key,
        "age": float(age),
        "mileage_km": float(km) if km is not None else None,
        "km_per_year": float(km) / max(age, 0.5) if km is not None else None,
        "engine_l": litres,
        "cylinders": cylinders,
        "power_ps": power,
    }


def segment(market: str, seller: str) -> str:
    """The segment whose interval width a car gets: its market, split by seller where the data does."""
    if market == "US":
        return "US private" if seller == "private" else "US dealers"
    return {"AU": "Australia", "GB": "UK", "DE": "Germany"}.get(market, "*")
