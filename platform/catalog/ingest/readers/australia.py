"""Australian listings: a title, a seller name hidden in the "Car/Suv" column, suburb and state."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from .. import normalise as norm
from ..makes import canonical_make, join_split_make, model_from_title, split_model_trim
from ..places import AU_STATES, COUNTRIES
from ..records import DealerRecord, Listing, Reject
from .base import RawRow, Source, SourceFile, check_shape, group_seller, row_key, slug

# "Car/Suv" holds the seller's name, except when it holds a body type or one of these ad labels.
AD_LABELS = re.compile(r"^(new|used|demo)\b|available to order|in stock|dealer ad", re.I)
# A masked phone number ("02 **** ****") is how the site shows a private seller.
MASKED_PHONE = re.compile(r"^\d{2} \*+")


class Australia(Source):
    name = "australia"
    market = "AU"
    currency = "AUD"
    vintage = 2023

    def files(self, data_dir: Path) -> list[SourceFile]:
        return [SourceFile(data_dir / "australian_vehicle_prices.csv", "australian_vehicle_prices")]

    def parse(self, row: RawRow, file: SourceFile) -> Listing:
        check_shape(row)
        v = row.values
        make_raw, model_text = join_split_make(v["Brand"], v["Model"])
        make = canonical_make(make_raw)
        if not make:
            raise Reject("missing_make", v["Brand"])
        # The Model column is cut to one word ("Grand" for Grand Cherokee); the title is whole.
        model, trim = model_from_title(make, v["Title"]) or split_model_trim(make, model_text)
        exterior, interior = _colours(v["ColourExtInt"])
        listing = Listing(
            source_key=row_key(self.name, *v.values()),
            dealer=self.dealer(v),
            make=make,
            model=model,
            trim=trim,
            year=norm.year(v["Year"], latest=date.today().year + 1),
            price=norm.price(v["Price"]),
            currency=self.currency,
            mileage_km=norm.kilometres(v["Kilometres"]),
            condition=norm.condition(v["UsedOrNew"]),
            body_type=norm.body_type(v["BodyType"]) or norm.body_type(v["Car/Suv"]),
            fuel=norm.fuel(v["FuelType"]),
            transmission=norm.transmission(v["Transmission"]),
            drivetrain=norm.drivetrain(v["DriveType"]),
            engine=norm.text(v["Engine"]),
            exterior_color=exterior,
            interior_color=interior,
            features=[f.lower() for f in (norm.text(v["Doors"]), norm.text(v["Seats"])) if f],
            description=norm.text(v["Title"]),
        )
        listing.body_type, rule = norm.body_for_model(listing.body_type, model)
        if rule:
            listing.note(rule, f"{v['BodyType'].strip()} {make} {model}")
        return norm.finish(listing)

    def dealer(self, v: dict[str, str]) -> DealerRecord:
        suburb, _, state = norm.text(v["Location"]).rpartition(",")
        suburb, state = suburb.strip(), state.strip().upper().removeprefix("AU-")
        if state in AU_STATES:
            region, lat, lon = AU_STATES[state]
        else:
            state, suburb = "", ""
            region, lat, lon = COUNTRIES["AU"][:3]
        seller = norm.text(v["Car/Suv"])
        if MASKED_PHONE.match(seller):
            return group_seller(self.name, "private", state, region, "AU", lat, lon)
        if not seller or norm.body_type(seller) or AD_LABELS.search(seller):
            return group_seller(self.name, "unnamed", state, region, "AU", lat, lon)
        return DealerRecord(
            source_key=f"{self.name}:dealer:{slug(seller)}:{slug(suburb)}:{state.lower() or 'unknown'}",
            name=seller,
            country="AU",
            city=suburb,
            latitude=lat,
            longitude=lon,
        )


def _colours(value: str) -> tuple[str, str]:
    value = norm.text(value)
    if "year" in value.lower() or "km" in value.lower():
        return "", ""  # a warranty ("5 years / Unlimited km") that slid into the colour column
    exterior, _, interior = value.partition("/")
    return norm.colour(exterior), norm.colour(interior)
