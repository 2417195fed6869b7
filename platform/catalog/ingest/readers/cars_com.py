"""cars.com: US dealer listings with dealer name, street address, state, VIN and seller rating."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .. import normalise as norm
from ..makes import canonical_make, join_split_make, split_model_trim
from ..places import US_STATES
from ..records import DealerRecord, Listing, Reject
from .base import RawRow, Source, SourceFile, check_shape, group_seller, row_key, slug

# Street-type words: the city is what follows the last of them ("1001 S Ben Maddox Way Visalia").
STREET_TYPES = {
    "st",
    "street",
    "ave",
    "avenue",
    "rd",
    "road",
    "blvd",
    "boulevard",
    "dr",
    "drive",
    "hwy",
    "highway",
    "pkwy",
    "parkway",
    "ln",
    "lane",
    "way",
    "pike",
    "expy",
    "expressway",
    "fwy",
    "freeway",
    "ct",
    "court",
    "pl",
    "place",
    "cir",
    "circle",
    "trl",
    "trail",
    "tpke",
    "turnpike",
    "broadway",
    "plaza",
    "loop",
    "sq",
    "square",
    "ter",
    "terrace",
    "row",
    "mall",
    "center",
    "centre",
    "crossing",
    "route",
    "rte",
}
DIRECTIONS = {"n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west"}


def city_from_street(street: str) -> str:
    """The city at the end of cars.com's one-line address, or "" when it cannot be told apart."""
    tokens = street.split()
    ends = [i for i, token in enumerate(tokens) if token.lower().rstrip(".,") in STREET_TYPES]
    if ends:
        tokens = tokens[ends[-1] + 1 :]
    elif tokens and tokens[0][:1].isdigit():
        tokens = tokens[-1:]
    while tokens and (tokens[0][:1].isdigit() or tokens[0].lower().rstrip(".") in DIRECTIONS):
        tokens = tokens[1:]
    return " ".join(tokens)


class CarsCom(Source):
    name = "cars_com"
    market = "US"
    currency = "USD"
    vintage = 2022

    def files(self, data_dir: Path) -> list[SourceFile]:
        return [SourceFile(data_dir / "cars_com_listings.csv", "cars_com_listings")]

    def parse(self, row: RawRow, file: SourceFile) -> Listing:
        check_shape(row)
        v = row.values
        make_raw, model_text = join_split_make(v["Make"], v["Model"])
        make = canonical_make(make_raw)
        if not make:
            raise Reject("missing_make", v["Make"])
        model, trim = split_model_trim(make, model_text)
        listing = Listing(
            source_key=row_key(self.name, v["VIN"], v["SellerName"], v["Zipcode"], v["Stock#"]),
            dealer=self.dealer(v),
            make=make,
            model=model,
            trim=trim,
            year=norm.year(v["Year"], latest=date.today().year + 1),
            price=norm.price(v["Price"]),
            currency=self.currency,
            vin=norm.vin(v["VIN"]),
            mileage_km=norm.kilometres(v["Mileage"], miles=True),
            condition=norm.condition(v["Used/New"]),
            fuel=norm.fuel(v["FuelType"]),
            transmission=norm.transmission(v["Transmission"]),
            drivetrain=norm.drivetrain(v["Drivetrain"]),
            engine=norm.text(v["Engine"]),
            exterior_color=norm.colour(v["ExteriorColor"]),
            interior_color=norm.colour(v["InteriorColor"]),
        )
        return norm.finish(listing)

    def dealer(self, v: dict[str, str]) -> DealerRecord:
        state = v["State"].strip().upper()
        # Addresses with a comma in them shifted the columns ("RT", "Suite"): the state is unknown.
        name_, lat, lon = US_STATES.get(state, ("", None, None))
        if v["SellerType"].strip().lower() == "private":
            return group_seller(self.name, "private", state if name_ else "", name_ or "United States", "US", lat, lon)
        name = norm.text(v["SellerName"]) or "Unnamed dealer"
        return DealerRecord(
            source_key=f"{self.name}:dealer:{state if name_ else 'unknown'}:{slug(name)}",
            name=name,
            country="US",
            city=city_from_street(v["StreetName"]) if name_ else "",
            latitude=lat,
            longitude=lon,
            rating=_rating(v["SellerRating"]),
        )


def _rating(value: str) -> Decimal | None:
    try:
        rating = Decimal(value.strip())
    except (InvalidOperation, ValueError):
        return None
    return rating if 0 <= rating <= 5 else None
