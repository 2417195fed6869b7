"""Synthetic vehicle documents for search benchmarks, written straight to a benchmark index.

Used when Postgres holds too few vehicles for the size asked for: the documents go through the same
`vehicle_to_document` transform as the real pipeline, only the rows are made up (seeded, so every run
indexes the same market). Nothing is written to Postgres.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from elasticsearch.helpers import parallel_bulk

from es_mappings.vehicles import vehicle_to_document
from indexers import index_admin
from search.client import get_client
from search.indexes import vehicles_alias

# make -> (share of listings, [(model, body, base USD)])
MARKET = {
    "Toyota": (
        22,
        [
            ("Corolla", "sedan", 12000),
            ("Camry", "sedan", 18000),
            ("RAV4", "suv", 24000),
            ("Hilux", "pickup", 26000),
            ("Land Cruiser", "suv", 55000),
            ("Vitz", "hatchback", 7000),
            ("Probox", "wagon", 6000),
            ("Harrier", "suv", 21000),
        ],
    ),
    "Nissan": (
        9,
        [("Navara", "pickup", 22000), ("X-Trail", "suv", 17000), ("Note", "hatchback", 6500), ("Sunny", "sedan", 8000)],
    ),
    "Honda": (7, [("Civic", "sedan", 14000), ("CR-V", "suv", 21000), ("Fit", "hatchback", 7000)]),
    "Mercedes-Benz": (6, [("C-Class", "sedan", 30000), ("E-Class", "sedan", 38000), ("GLE", "suv", 52000)]),
    "BMW": (5, [("3 Series", "sedan", 28000), ("X5", "suv", 48000), ("X3", "suv", 36000)]),
    "Volkswagen": (
        6,
        [
            ("Golf", "hatchback", 15000),
            ("Polo", "hatchback", 10000),
            ("Tiguan", "suv", 23000),
            ("Amarok", "pickup", 27000),
        ],
    ),
    "Ford": (6, [("Ranger", "pickup", 25000), ("Focus", "hatchback", 9000), ("Everest", "suv", 30000)]),
    "Mazda": (4, [("Demio", "hatchback", 6000), ("CX-5", "suv", 19000), ("Axela", "sedan", 9000)]),
    "Subaru": (3, [("Forester", "suv", 15000), ("Impreza", "sedan", 10000), ("Outback", "wagon", 17000)]),
    "Mitsubishi": (3, [("Pajero", "suv", 20000), ("L200", "pickup", 21000), ("Outlander", "suv", 18000)]),
    "Hyundai": (4, [("Tucson", "suv", 17000), ("i10", "hatchback", 6000), ("Elantra", "sedan", 11000)]),
    "Kia": (3, [("Sportage", "suv", 17000), ("Picanto", "hatchback", 5500), ("Rio", "sedan", 8000)]),
    "Chevrolet": (3, [("Silverado", "pickup", 32000), ("Tahoe", "suv", 38000), ("Cruze", "sedan", 9000)]),
    "Land Rover": (2, [("Range Rover Sport", "suv", 60000), ("Defender", "suv", 55000)]),
    "Audi": (3, [("A4", "sedan", 24000), ("Q5", "suv", 33000), ("A3", "hatchback", 17000)]),
    "Peugeot": (2, [("3008", "suv", 16000), ("208", "hatchback", 9000), ("508", "sedan", 13000)]),
    "Isuzu": (2, [("D-Max", "pickup", 23000), ("MU-X", "suv", 26000)]),
    "Citroën": (1, [("C4", "hatchback", 11000), ("C5 Aircross", "suv", 18000)]),
}
PLACES = [
    ("KE", "Mombasa", -4.04, 39.67),
    ("KE", "Nairobi", -1.29, 36.82),
    ("TZ", "Dar es Salaam", -6.79, 39.21),
    ("UG", "Kampala", 0.35, 32.58),
    ("NG", "Lagos", 6.52, 3.38),
    ("GH", "Accra", 5.6, -0.19),
    ("ZA", "Durban", -29.86, 31.03),
    ("JP", "Yokohama", 35.44, 139.64),
    ("AE", "Dubai", 25.2, 55.27),
    ("GB", "Southampton", 50.9, -1.4),
    ("DE", "Bremerhaven", 53.55, 8.58),
    ("US", "Baltimore", 39.29, -76.61),
]
# Where the synthetic dealers' cars are right-hand drive (left-driving markets).
RIGHT_HAND_DRIVE = frozenset({"KE", "TZ", "UG", "ZA", "JP", "GB"})
CURRENCIES = {"USD": 1.0, "EUR": 0.96, "GBP": 0.8, "JPY": 150.0, "KES": 129.3, "AED": 3.67, "ZAR": 18.8}
FEATURES = [
    "sunroof",
    "leather seats",
    "reverse camera",
    "navigation",
    "alloy wheels",
    "tow bar",
    "cruise control",
    "push start",
    "heated seats",
    "third row",
]
WORDS = [
    "clean",
    "one owner",
    "full service history",
    "accident free",
    "export ready",
    "low mileage",
    "new tyres",
    "inspected",
    "cold air conditioning",
    "duty paid",
    "well maintained",
    "fuel efficient",
]
DEALERS = 4000

# Destination ports with a made-up freight (USD), duty rate and oldest admitted age in years, for
# benchmark documents only: the shape (one delivered and CIF price per port, the countries that
# admit the car) is what the index and the queries see; the real figures are platform/delivery's.
SYNTHETIC_PORTS = {
    "NGLOS": ("NG", 1900, 0.70, 12),
    "CIABJ": ("CI", 1700, 0.45, 10),
    "KEMBA": ("KE", 1500, 0.55, 8),
    "TZDAR": ("TZ", 1600, 0.50, 10),
    "GHTEM": ("GH", 1800, 0.45, 10),
    "SNDKR": ("SN", 1700, 0.45, 8),
    "CMDLA": ("CM", 1900, 0.50, 10),
    "BJCOO": ("BJ", 1700, 0.40, 10),
    "TGLFW": ("TG", 1700, 0.40, 12),
    "ZADUR": ("ZA", 1400, 0.60, 25),
}


def synthetic_delivery(usd: float, year: int, this_year: int) -> dict[str, Any]:
    """Delivered and CIF prices per port and the countries admitting a car of this age."""
    cif = {port: round(usd + freight, 2) for port, (_, freight, _, _) in SYNTHETIC_PORTS.items()}
    delivered = {port: round(cif[port] * (1 + duty), 2) for port, (_, _, duty, _) in SYNTHETIC_PORTS.items()}
    admitted = sorted({country for country, _, _, oldest in SYNTHETIC_PORTS.values() if this_year - year <= oldest})
    refused = sorted(
        f"{country}:age" for country, _, _, oldest in SYNTHETIC_PORTS.values() if this_year - year > oldest
    )
    return {"cif_usd": cif, "delivered_usd": delivered, "importable_to": admitted, "import_refusals": refused}


def synthetic_rows(count: int, seed: int = 11) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    makes = list(MARKET)
    weights = [MARKET[m][0] for m in makes]
    now = datetime.now(UTC)
    for vid in range(1, count + 1):
        make = rng.choices(makes, weights)[0]
        model, body, base = rng.choice(MARKET[make][1])
        year = rng.randint(2005, 2025)
        currency = rng.choice(list(CURRENCIES))
        usd = base * (0.35 + 0.04 * (year - 2005)) * rng.lognormvariate(0, 0.2)
        dealer = rng.randrange(1, DEALERS + 1)
        country, city, lat, lon = PLACES[dealer % len(PLACES)]
        listed = now - timedelta(days=rng.randint(0, 720), seconds=rng.randint(0, 86399))
        yield {
            "id": vid,
            "vin": None,
            "make": make,
            "model": model,
            "trim": rng.choice(["", "GL", "GX", "Sport", "LX"]),
            "year": year,
            "price": Decimal(str(round(usd * CURRENCIES[currency]))),
            "currency_id": currency,
            "units_per_usd": Decimal(str(CURRENCIES[currency])),
            "mileage_km": rng.randint(0, 300000),
            "condition": rng.choice(["used"] * 6 + ["new", "certified", "demo"]),
            "body_type": body,
            "fuel": rng.choice(["petrol"] * 4 + ["diesel"] * 3 + ["hybrid", "electric"]),
            "transmission": rng.choice(["automatic"] * 3 + ["manual"]),
            "drivetrain": rng.choice(["fwd", "rwd", "awd", "4wd"]),
            # By the dealer's side of the road, without a draw: every other value stays as it was.
            "steering": "rhd" if country in RIGHT_HAND_DRIVE else "lhd",
            "engine": "",
            "exterior_color": rng.choice(["white", "black", "silver", "grey", "blue", "red", "pearl"]),
            "interior_color": "",
            "features": rng.sample(FEATURES, 3),
            "description": f"{make} {model}: " + ", ".join(rng.sample(WORDS, 4)) + ".",
            "photo_count": 0,
            "cover": None,
            # A market value spread around the price without a draw (every other value stays as it was),
            # from well below to well above: every deal rating occurs.
            "market_value_usd": round(usd * (0.8 + (vid % 41) / 100), 2),
            "market_low_usd": round(usd * (0.8 + (vid % 41) / 100) * 0.87, 2),
            "market_high_usd": round(usd * (0.8 + (vid % 41) / 100) * 1.15, 2),
            "held_reason": "",
            "country": country,
            "city": city,
            "latitude": None,
            "longitude": None,
            "status": "reserved" if rng.random() < 0.08 else "available",
            "listed_at": listed,
            "updated_at": listed,
            "search_version": vid,
            "dealer_id": dealer,
            "dealer_name": f"{city} Motors {dealer}",
            "dealer_country": country,
            "dealer_city": city,
            "dealer_rating": Decimal("4.2"),
            "dealer_verified": True,
            "dealer_latitude": lat + rng.uniform(-0.1, 0.1),
            "dealer_longitude": lon + rng.uniform(-0.1, 0.1),
            # From values already drawn: every other value stays as it was.
            "delivery": synthetic_delivery(usd, year, now.year),
        }


def indexed_count() -> int:
    es = get_client()
    if not es.indices.exists_alias(name=vehicles_alias()):
        return 0
    return es.count(index=vehicles_alias())["count"]


def build_synthetic_index(count: int, *, threads: int = 2, chunk: int = 2000) -> float:
    """A new physical index of `count` synthetic vehicles behind the (benchmark) alias. Returns docs/s."""
    es = get_client().options(request_timeout=300)
    alias = vehicles_alias()
    name = f"{alias}-synthetic-{int(time.time())}"
    index_admin.create_physical_index(es, index_admin.VEHICLES, name, bulk_loading=True)
    started = time.monotonic()
    actions = (
        {"_index": name, "_id": str(row["id"]), "_source": vehicle_to_document(row)} for row in synthetic_rows(count)
    )
    for n, (ok, item) in enumerate(parallel_bulk(es, actions, thread_count=threads, chunk_size=chunk), 1):
        if not ok:
            raise RuntimeError(f"indexing failed: {item}")
        if n % 100_000 == 0:
            print(f"  indexed {n:,} ({n / (time.monotonic() - started):,.0f} docs/s)", flush=True)
    index_admin.finish_bulk_loading(es, name)
    rate = count / (time.monotonic() - started)
    index_admin.drop_indexes(es, index_admin.swap_alias(es, index_admin.VEHICLES, name))
    return rate
