"""The published listings (../shared/data) as market-value training rows, and a split a reviewer accepts.

Rows are read through the loader's own readers (catalog.ingest.readers), so the model learns from
the values buyers will see, normalised the same way. Prices are converted to US dollars at the
catalog's static rates. Exact repeats (same source, car and price) are dropped before the split,
and near-duplicates (the same car relisted, or listed by two dealers: same source, make, model, year
and mileage within 5,000 km) are kept on one side of it: a group goes wholly to training,
calibration or test by a hash of its key.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from catalog.currencies import STATIC_RATES
from catalog.ingest.readers import SOURCES, read_rows
from catalog.ingest.records import Listing, Reject

from .features import FEATURES, Car, features

# Segments the metrics are reported for: a market, split by who sells where the data tells.
SEGMENTS = {  # source -> segment (features.segment gives the same for a live car)
    "cars_com": "US dealers",
    "craigslist": "US private",
    "australia": "Australia",
    "uk_used_cars": "UK",
    "ebay": "Germany",
}
# Share of near-duplicate groups in each part, by hash: train, calibration (intervals), test.
PARTS = (("train", 0.70), ("calibration", 0.15), ("test", 0.15))
NEAR_KM = 5000


@dataclass
class Dataset:
    X: np.ndarray  # object array, columns = FEATURES
    price_usd: np.ndarray
    segment: np.ndarray  # segment label per row
    part: np.ndarray  # "train" | "calibration" | "test"
    report: dict = field(default_factory=dict)

    def where(self, part: str) -> np.ndarray:
        return self.part == part

    def digest(self) -> str:
        """SHA-256 of the rows and prices, recorded with the model."""
        h = hashlib.sha256()
        h.update(repr(self.X.tolist()).encode())
        h.update(self.price_usd.tobytes())
        return h.hexdigest()


def car_from_listing(listing: Listing) -> Car:
    return Car(
        make=listing.make,
        model=listing.model,
        year=listing.year,
        market=listing.dealer.country,
        seller="private" if ":private:" in listing.dealer.source_key else "dealer",
        trim=listing.trim,
        mileage_km=listing.mileage_km,
        fuel=listing.fuel,
        transmission=listing.transmission,
        body_type=listing.body_type,
        drivetrain=listing.drivetrain,
        condition=listing.condition,
        engine=listing.engine,
    )


def _part(key: str) -> str:
    u = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    total = 0.0
    for name, share in PARTS:
        total += share
        if u < total:
            return name
    return PARTS[-1][0]


def near_duplicate_key(source: str, listing: Listing) -> str:
    km = "?" if listing.mileage_km is None else str(listing.mileage_km // NEAR_KM)
    return f"{source}|{listing.make}|{listing.model}|{listing.year}|{km}".lower()


def read_listings(data_dir: Path, *, sample: float = 1.0) -> Dataset:
    """Every usable published listing as a row; `sample` < 1 keeps that share of groups (quick checks)."""
    rows, prices, segments, parts = [], [], [], []
    counts: Counter = Counter()
    seen: set[tuple] = set()
    for name, source_class in SOURCES.items():
        if name not in SEGMENTS:
            continue
        source = source_class()
        for file in source.files(data_dir):
            for raw in read_rows(file):
                counts["read"] += 1
                try:
                    listing = source.parse(raw, file)
                except Reject:
                    counts["rejected by the loader"] += 1
                    continue
                exact = (
                    name,
                    listing.make,
                    listing.model,
                    listing.trim,
                    listing.year,
                    listing.mileage_km,
                    listing.fuel,
                    listing.transmission,
                    listing.price,
                )
                if exact in seen:
                    counts["exact repeats dropped"] += 1
                    continue
                seen.add(exact)
                group = near_duplicate_key(name, listing)
                if sample < 1 and int(hashlib.md5(group.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF >= sample:
                    continue
                rate = STATIC_RATES[listing.currency][1]
                feats = features(car_from_listing(listing), as_of=source.vintage)
                rows.append([feats[f] for f in FEATURES])
                prices.append(float(listing.price) / float(rate))
                segments.append(SEGMENTS[name])
                parts.append(_part(group))
                counts["used"] += 1
    return Dataset(
        X=np.array(rows, dtype=object),
        price_usd=np.array(prices),
        segment=np.array(segments),
        part=np.array(parts),
        report=dict(counts),
    )
