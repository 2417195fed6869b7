"""UK used-car listings: one file per make, model/year/price/mileage/fuel, no seller or place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .. import normalise as norm
from ..makes import canonical_make, canonical_model
from ..places import COUNTRIES
from ..records import Listing, Reject
from .base import RawRow, Source, SourceFile, check_shape, group_seller, row_key


class UkUsedCars(Source):
    name = "uk_used_cars"
    market = "GB"
    currency = "GBP"
    vintage = 2020

    def files(self, data_dir: Path) -> list[SourceFile]:
        folder = data_dir / "uk_used_cars"
        return [SourceFile(path, f"uk_used_cars-{path.stem}") for path in sorted(folder.glob("*.csv"))]

    def parse(self, row: RawRow, file: SourceFile) -> Listing:
        check_shape(row)
        v = row.values
        make = canonical_make(v["make"])
        if not make:
            raise Reject("missing_make", v["make"])
        engine = norm.number(v["engineSize"])
        name, lat, lon = COUNTRIES["GB"][:3]
        listing = Listing(
            # No listing id and no seller: the whole row is the identity (file name included).
            source_key=row_key(self.name, file.path.stem, *v.values()),
            # The data names no seller; one dealer stands for them all.
            dealer=group_seller(self.name, "unnamed", "gb", name, "GB", lat, lon),
            make=make,
            model=canonical_model(make, v["model"]),
            year=norm.year(v["year"], latest=date.today().year + 1),
            price=norm.price(v["price"]),
            currency=self.currency,
            mileage_km=norm.kilometres(v["mileage"], miles=True),
            fuel=norm.fuel(v["fuelType"]),
            transmission=norm.transmission(v["transmission"]),
            engine=f"{engine.normalize():f} L" if engine and engine > 0 else "",
        )
        return norm.finish(listing)
