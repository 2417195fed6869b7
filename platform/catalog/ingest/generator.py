"""Millions of look-alike vehicles for benchmarks, drawn from the learned distribution.

Deterministic: vehicle n of seed s depends only on (s, n). Rows are drawn in fixed chunks of
CHUNK from a random stream seeded by (seed, chunk), so a run that stopped half-way, or a larger
--count later, produces exactly the rows a single run would have. Rows already present
(source_key "gen:<seed>:<n>") are skipped, so re-running creates nothing twice.

Rows go in by COPY (text format built here, no per-row statements): the capture triggers still
stamp versions and record one change per row, by statement, as for any other write.
"""

from __future__ import annotations

import math
import multiprocessing
import random
import time
from bisect import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from django.db import connection, connections, transaction
from tqdm import tqdm

from catalog.currencies import ensure_currencies

from . import distribution as dist
from .normalise import MAX_KM
from .places import CITIES, COUNTRIES

CHUNK = 10_000
COMMIT_EVERY = 50_000
# Listings are dated back from this day; fixed so that a seed always gives the same rows.
DEFAULT_AS_OF = date(2026, 11, 1)

# Where generated dealers are, weighted: export yards in the source markets and importers and
# resellers in the African markets the marketplace serves.
DEALER_COUNTRIES = {
    "US": 12,
    "GB": 10,
    "DE": 8,
    "AU": 5,
    "KE": 12,
    "TZ": 7,
    "UG": 6,
    "NG": 12,
    "GH": 8,
    "ZA": 10,
    "CM": 3,
    "SN": 3,
    "CI": 3,
    "RW": 2,
    "ZM": 3,
}
# Generated cars are steered for the side of the road where their dealer is (left-driving markets
# take right-hand-drive cars); real dealers say it themselves.
RIGHT_HAND_DRIVE_COUNTRIES = frozenset({"GB", "AU", "KE", "TZ", "UG", "ZA", "ZM"})
NAME_WORDS = (
    "Prime",
    "Coast",
    "Savanna",
    "Lakeside",
    "Harbour",
    "Sunrise",
    "Eagle",
    "Summit",
    "Baobab",
    "Crown",
    "Unity",
    "Atlas",
    "Pioneer",
    "Golden",
    "Express",
    "Horizon",
    "Heritage",
    "Victory",
)
NAME_KINDS = ("Motors", "Autos", "Car Export", "Auto Traders", "Motor World", "Cars", "Auto Imports")
FEATURES = (
    "air conditioning",
    "leather seats",
    "navigation",
    "sunroof",
    "reverse camera",
    "alloy wheels",
    "cruise control",
    "bluetooth",
    "third row seats",
    "tow bar",
    "heated seats",
    "keyless entry",
)
INTERIORS = (("Black", 50), ("Grey", 20), ("Beige", 15), ("Brown", 10), ("Red", 5))
STATUSES = (("available", 90), ("reserved", 3), ("sold", 5), ("withdrawn", 2))
VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O, Q

COLUMNS = (
    "source_key",
    "vin",
    "make",
    "model",
    "trim",
    "year",
    "price",
    "mileage_km",
    "condition",
    "body_type",
    "fuel",
    "transmission",
    "drivetrain",
    "engine",
    "exterior_color",
    "interior_color",
    "features",
    "description",
    "status",
    "listed_at",
    "currency_id",
    "dealer_id",
    "country",
    "city",
    "latitude",
    "longitude",
    "steering",
    "updated_at",
    "search_version",
)


COPY_SQL = f"COPY catalog_vehicle ({', '.join(COLUMNS)}) FROM STDIN"


def escape(value: str) -> str:
    """A value for COPY's text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def vin_for(seed: int, n: int) -> str:
    """17 characters, unique per (seed, n), in the VIN alphabet; "NZ" marks them as generated.

    Most significant digit first, so consecutive rows land next to each other in the VIN index.
    """
    digits = []
    for value, width in ((seed % 33**4, 4), (n, 11)):
        part = []
        for _ in range(width):
            value, digit = divmod(value, 33)
            part.append(VIN_ALPHABET[digit])
        digits += reversed(part)
    return "NZ" + "".join(digits)


class Categorical:
    """Draws from counts with one uniform number (bisect over cumulative weights)."""

    def __init__(self, counts: dict[str, int] | tuple, escaped: bool = True):
        items = list(counts.items() if isinstance(counts, dict) else counts)
        self.values = [escape(v) if escaped else v for v, _ in items] or [""]
        self.cum = list(accumulate(w for _, w in items)) or [1]
        self.total = self.cum[-1]

    def draw(self, u: float) -> str:
        # u < 1, so u * total < cum[-1] and the index stays in range.
        return self.values[bisect(self.cum, u * self.total)]


@dataclass
class Model:
    make: str
    model: str
    years: list[float]
    price_level: float
    price_spread: float
    body: Categorical
    fuel: Categorical
    transmission: Categorical
    drivetrain: Categorical
    trim: Categorical
    engine: Categorical

    def year(self, u: float) -> int:
        i = min(bisect(dist.QUANTILES, u), len(dist.QUANTILES) - 1)
        lo, hi = dist.QUANTILES[i - 1], dist.QUANTILES[i]
        y0, y1 = self.years[i - 1], self.years[i]
        return int(round(y0 + (y1 - y0) * (u - lo) / (hi - lo)))


def _models(learned: dict) -> list[Model]:
    # A model without e.g. body types in the data borrows its make's, then the whole market's.
    by_make: dict[str, dict[str, dict[str, int]]] = {}
    market: dict[str, dict[str, int]] = {}
    fields = ("body_type", "fuel", "transmission", "drivetrain")
    for entry in learned["models"]:
        for field in fields:
            for scope in (by_make.setdefault(entry["make"], {}).setdefault(field, {}), market.setdefault(field, {})):
                for value, count in entry[field].items():
                    scope[value] = scope.get(value, 0) + count

    # A body type is a property of the model, not of the make: a Vauxhall Astra borrowing Vauxhall's or
    # the market's bodies became a pickup. It borrows the same model's under another make (Opel
    # Astra), else stays unknown.
    by_model: dict[str, dict[str, int]] = {}
    for entry in learned["models"]:
        for value, count in entry["body_type"].items():
            scope = by_model.setdefault(entry["model"].lower(), {})
            scope[value] = scope.get(value, 0) + count

    def pick(entry: dict, field: str) -> Categorical:
        if field == "body_type":
            return Categorical(entry[field] or by_model.get(entry["model"].lower()) or {"": 1})
        return Categorical(entry[field] or by_make[entry["make"]][field] or market[field])

    return [
        Model(
            escape(e["make"]),
            escape(e["model"]),
            e["year"],
            *e["price_log"],
            pick(e, "body_type"),
            pick(e, "fuel"),
            pick(e, "transmission"),
            pick(e, "drivetrain"),
            Categorical(e["trim"]),
            Categorical(e["engine"]),
        )
        for e in learned["models"]
    ]


@dataclass
class Dealer:
    key: str
    name: str
    country: str
    city: str
    latitude: float
    longitude: float
    rating: float
    verified: bool
    weight: float


def make_dealers(seed: int, count: int) -> list[Dealer]:
    rng = random.Random(f"{seed}:dealers")
    countries = list(DEALER_COUNTRIES)
    weights = list(DEALER_COUNTRIES.values())
    dealers = []
    for i in range(count):
        country = rng.choices(countries, weights)[0]
        city, lat, lon = rng.choice(CITIES[country])
        dealers.append(
            Dealer(
                key=f"gen:{seed}:dealer:{i}",
                name=f"{rng.choice(NAME_WORDS)} {rng.choice(NAME_KINDS)} {city}",
                country=country,
                city=city,
                latitude=round(lat + rng.uniform(-0.08, 0.08), 5),
                longitude=round(lon + rng.uniform(-0.08, 0.08), 5),
                rating=round(rng.uniform(3.0, 5.0), 2),
                verified=rng.random() < 0.7,
                # A few large yards and many small ones.
                weight=math.exp(rng.gauss(0, 1)),
            )
        )
    return dealers


UPSERT_DEALERS_SQL = """
INSERT INTO catalog_dealer (source_key, name, country, city, latitude, longitude, rating, verified,
                            created_at, updated_at)
SELECT *, now(), now() FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::varchar[], %s::float8[],
                                   %s::float8[], %s::numeric[], %s::boolean[])
ON CONFLICT (source_key) DO NOTHING
"""


@dataclass
class Result:
    requested: int
    created: int
    skipped: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


class VehicleGenerator:
    def __init__(
        self,
        *,
        seed: int,
        dealers: int = 2000,
        as_of: date = DEFAULT_AS_OF,
        learned: dict | None = None,
        rows_per_transaction: int = COMMIT_EVERY,
        chunk: int = CHUNK,
    ):
        self.seed = seed
        # Rows per random stream: part of what defines the rows, so only tests change it.
        self.chunk = chunk
        # How much one transaction (and one COPY) carries; has no effect on the rows themselves.
        self.chunks_per_transaction = max(rows_per_transaction // chunk, 1)
        self.as_of = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
        self.learned = learned or dist.load()
        self.models = _models(self.learned)
        self.model_cum = list(accumulate(e["n"] for e in self.learned["models"]))
        self.dealers = make_dealers(seed, dealers)
        self.dealer_cum = list(accumulate(d.weight for d in self.dealers))
        self.conditions = Categorical(self.learned["condition"], escaped=False)
        self.colours = Categorical(self.learned["exterior_color"])
        self.interiors = Categorical(INTERIORS)
        self.statuses = Categorical(STATUSES)
        # Feature lists as COPY array literals, drawn whole: cheaper per row than sampling each time.
        combos = random.Random("features")
        self.feature_sets = [f"{{{','.join(combos.sample(FEATURES, combos.randrange(5)))}}}" for _ in range(512)]

    def run(self, count: int, *, progress: bool = True, workers: int = 1) -> Result:
        """Ensure vehicles gen:<seed>:0 .. count-1 exist; returns what was created and how fast."""
        started = time.monotonic()
        with connection.cursor() as cursor:
            ensure_currencies(cursor)
            cursor.execute("SELECT code, units_per_usd FROM catalog_currency")
            rates = {code: float(rate) for code, rate in cursor.fetchall()}
            dealer_parts = self._dealer_parts(cursor, rates)
            existing = self._existing(cursor)
        chunks = range(math.ceil(count / self.chunk))
        per_transaction = self.chunks_per_transaction
        groups = [chunks[first : first + per_transaction] for first in range(0, len(chunks), per_transaction)]
        created = skipped = 0
        with tqdm(total=count, unit=" rows", disable=not progress, mininterval=0.5) as bar:
            for group_created, group_skipped in self._run_groups(groups, count, dealer_parts, existing, workers):
                created += group_created
                skipped += group_skipped
                bar.update(group_created + group_skipped)
        return Result(count, created, skipped, time.monotonic() - started)

    def _run_groups(self, groups, count, dealer_parts, existing, workers):
        if workers <= 1 or len(groups) <= 1:
            for group in groups:
                yield self._copy_group(group, count, dealer_parts, existing)
            return
        # Several server backends insert at once (index upkeep and triggers dominate the cost), each
        # fed by its own forked process; the children open their own connections.
        global _FORKED_WORK
        _FORKED_WORK = (self, count, dealer_parts, existing)
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap_unordered(_copy_group_in_child, groups)

    def _copy_group(self, chunks, count, dealer_parts, existing) -> tuple[int, int]:
        """One transaction, one COPY fed chunk by chunk: the server inserts one while the next is drawn."""
        created = skipped = 0
        with transaction.atomic(), connection.cursor() as cursor, cursor.copy(COPY_SQL) as copy:
            for chunk in chunks:
                start, stop = chunk * self.chunk, min((chunk + 1) * self.chunk, count)
                lines = self._chunk(chunk, start, stop, dealer_parts, existing)
                if lines:
                    copy.write("".join(lines))
                created += len(lines)
                skipped += (stop - start) - len(lines)
        return created, skipped

    def _dealer_parts(self, cursor, rates: dict[str, float]) -> list[tuple[str, float, str]]:
        """Per dealer: (its currency, units per USD, the COPY text of the dealer columns)."""
        ds = self.dealers
        cursor.execute(
            UPSERT_DEALERS_SQL,
            [
                [d.key for d in ds],
                [d.name for d in ds],
                [d.country for d in ds],
                [d.city for d in ds],
                [d.latitude for d in ds],
                [d.longitude for d in ds],
                [d.rating for d in ds],
                [d.verified for d in ds],
            ],
        )
        cursor.execute("SELECT source_key, id FROM catalog_dealer WHERE source_key = ANY(%s)", [[d.key for d in ds]])
        ids = dict(cursor.fetchall())
        stamp = datetime.now(UTC).isoformat()
        parts = []
        for d in ds:
            currency = COUNTRIES[d.country][4]
            steering = "rhd" if d.country in RIGHT_HAND_DRIVE_COUNTRIES else "lhd"
            parts.append(
                (
                    currency,
                    rates[currency],
                    f"{currency}\t{ids[d.key]}\t{d.country}\t{escape(d.city)}\t"
                    f"{d.latitude}\t{d.longitude}\t{steering}\t{stamp}\t0\n",
                )
            )
        return parts

    def _existing(self, cursor) -> set[int]:
        prefix = f"gen:{self.seed}:"
        cursor.execute("SELECT count(*) FROM catalog_vehicle WHERE source_key LIKE %s", [prefix + "%"])
        if not cursor.fetchone()[0]:
            return set()
        cursor.execute(
            "SELECT substr(source_key, %s)::bigint FROM catalog_vehicle WHERE source_key LIKE %s",
            [len(prefix) + 1, prefix + "%"],
        )
        return {n for (n,) in cursor.fetchall()}

    def _chunk(self, chunk: int, start: int, stop: int, dealer_parts, existing: set[int]) -> list[str]:
        """COPY lines for vehicles start .. stop-1; every row's draws happen, written or not."""
        rng = random.Random(f"{self.seed}:{chunk}")
        rand, gauss = rng.random, rng.gauss
        size = stop - start
        # Always a whole chunk's worth, so that row n does not depend on where this run stops.
        models = rng.choices(self.models, cum_weights=self.model_cum, k=self.chunk)
        dealers = rng.choices(dealer_parts, cum_weights=self.dealer_cum, k=self.chunk)
        ref_year, slope = self.learned["reference_year"], self.learned["price_slope_per_year"]
        km_mu, km_sigma = self.learned["km_per_year_log"]
        vin_share = self.learned["vin_share"]
        as_of, this_year = self.as_of, self.as_of.year
        lines = []
        for i in range(size):
            n = start + i
            m = models[i]
            _, rate, dealer_text = dealers[i]
            condition = self.conditions.draw(rand())
            year = m.year(rand())
            if condition == "new":
                year, km = this_year, int(rand() * 50)
            else:
                if condition == "demo":
                    year = max(year, this_year - 1)
                age = max(ref_year - year, 0) + 0.5
                km = min(int(math.exp(gauss(km_mu, km_sigma)) * age), MAX_KM)
            usd = math.exp(m.price_level + slope * max(ref_year - year, 0) + gauss(0, m.price_spread))
            price = _round_price(max(usd, 300.0) * rate)
            trim = m.trim.draw(rand()) if rand() < 0.6 else ""
            transmission, fuel = m.transmission.draw(rand()), m.fuel.draw(rand())
            body, drivetrain, engine = m.body.draw(rand()), m.drivetrain.draw(rand()), m.engine.draw(rand())
            colour, interior = self.colours.draw(rand()), self.interiors.draw(rand())
            status = self.statuses.draw(rand())
            features = self.feature_sets[int(rand() * 512)]
            vin = vin_for(self.seed, n) if rand() < vin_share else "\\N"
            seconds_ago = int(rand() * 365 * 86400)
            if n in existing:  # drawn all the same, so the rows after it do not change
                continue
            listed = (as_of - timedelta(seconds=seconds_ago)).isoformat()
            title = f"{year} {m.make} {m.model} {trim}".rstrip()
            description = (
                f"{title}, {km:,} km, {transmission or 'gearbox not stated'}, {fuel or 'fuel not stated'}. "
                f"Ready for export; inspection and shipping on request."
            )
            lines.append(
                f"gen:{self.seed}:{n}\t{vin}\t{m.make}\t{m.model}\t{trim}\t{year}\t{price}\t{km}\t{condition}\t"
                f"{body}\t{fuel}\t{transmission}\t{drivetrain}\t{engine}\t{colour}\t{interior}\t"
                f"{features}\t{description}\t{status}\t{listed}\t{dealer_text}"
            )
        return lines


_FORKED_WORK: tuple | None = None


def _copy_group_in_child(chunks) -> tuple[int, int]:
    generator, count, dealer_parts, existing = _FORKED_WORK
    try:
        return generator._copy_group(chunks, count, dealer_parts, existing)
    finally:
        connection.close()


def _round_price(amount: float) -> str:
    """Three significant figures, as dealers price (12,300 USD; 1,590,000 KES)."""
    digits = max(int(math.floor(math.log10(amount))) - 2, 0)
    return str(int(round(amount, -digits)))
