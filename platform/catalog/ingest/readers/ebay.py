"""eBay Kleinanzeigen (Germany, 2016): German category values, sellers' own titles, postal codes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from .. import normalise as norm
from ..makes import KNOWN_MAKES, canonical_make, canonical_model, model_from_title
from ..places import DE_POSTAL_ZONES
from ..records import DealerRecord, Listing, Reject
from .base import RawRow, Source, SourceFile, check_shape, group_seller, row_key

BERLIN = ZoneInfo("Europe/Berlin")
# Model values that name no model ("other", "Grand ..." of several makes) or only a series.
VAGUE_MODELS = {"andere", "", "grand"}


class Ebay(Source):
    name = "ebay"
    market = "DE"
    currency = "EUR"  # the published file shows "$", but the site priced in euros
    vintage = 2016

    def files(self, data_dir: Path) -> list[SourceFile]:
        return [SourceFile(data_dir / "ebay_autos_sample.csv", "ebay_autos_sample", encoding="cp1252")]

    def parse(self, row: RawRow, file: SourceFile) -> Listing:
        check_shape(row)
        v = row.values
        if v["offerType"].strip() != "Angebot":
            raise Reject("not_an_offer", f"offerType {v['offerType']!r} (a wanted ad)")
        title = v["name"].replace("_", " ")
        make = canonical_make(v["brand"]) or _make_from_title(title)
        model, trim = self.model(make, v["model"], title)
        created = datetime.strptime(v["dateCreated"].strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BERLIN)
        power = norm.number(v["powerPS"])
        listing = Listing(
            # Crawl times change between crawls of the same ad; everything else identifies it.
            source_key=row_key(
                self.name, *(value for key, value in v.items() if key not in ("dateCrawled", "lastSeen"))
            ),
            dealer=self.dealer(v),
            make=make,
            model=model,
            trim=trim,
            year=norm.year(v["yearOfRegistration"], latest=created.year + 1),
            price=norm.price(v["price"]),
            currency=self.currency,
            mileage_km=norm.kilometres(v["odometer"]),
            body_type=norm.body_type(v["vehicleType"]),
            fuel=norm.fuel(v["fuelType"]),
            transmission=norm.transmission(v["gearbox"]),
            engine=f"{int(power)} PS" if power and 0 < power < 2000 else "",
            features=["unrepaired damage"] if v["notRepairedDamage"].strip() == "ja" else [],
            description=norm.text(title),
            listed_at=created,
        )
        listing.body_type, rule = norm.body_for_model(
            listing.body_type, model, bus=v["vehicleType"].strip().lower() == "bus"
        )
        if rule:
            listing.note(rule, f"{v['vehicleType'].strip()} {make} {model}")
        return norm.finish(listing)

    def model(self, make: str, raw: str, title: str) -> tuple[str, str]:
        raw = raw.strip().lower()
        if raw in VAGUE_MODELS or raw.endswith("_reihe"):
            found = model_from_title(make, title)
            if found:
                return found
            if raw.endswith("_reihe"):  # "3_reihe": the series is all we know
                return canonical_model(make, raw.replace("_reihe", " series")), ""
            raise Reject("missing_model", f"model {raw or 'empty'!r}, title {title!r}")
        return canonical_model(make, raw), ""

    def dealer(self, v: dict[str, str]) -> DealerRecord:
        zone = v["postalCode"].strip().zfill(5)[:1]
        city, lat, lon = DE_POSTAL_ZONES.get(zone, ("Germany", 51.2, 10.4))
        kind = "private" if v["seller"].strip() == "privat" else "unnamed"
        return group_seller(self.name, kind, f"plz-{zone}", f"{city} (PLZ {zone})", "DE", lat, lon, city=city)


def _make_from_title(title: str) -> str:
    words = title.split()
    for n in (2, 1):
        make = canonical_make(" ".join(words[:n])) if len(words) >= n else None
        if make in KNOWN_MAKES:
            return make
    raise Reject("missing_make", f"brand 'sonstige_autos', title {title!r}")
