"""What the real listings look like, as counts and a few fitted numbers, for the generator.

Learned once from the published files (through the same readers and rules as the loader, no
database) and committed as vehicle_distribution.json: counts and quantiles only, never rows.
Regenerate with `python manage.py learn_vehicle_distribution`.

Prices follow log(price in USD) = a(model) + slope * age + noise: one depreciation slope for all
models (pooled within models), one level and spread per model. Mileage is km per year of age.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from pathlib import Path

from catalog.currencies import STATIC_RATES

from .readers import SOURCES, read_rows
from .records import Reject

DISTRIBUTION_PATH = Path(__file__).with_name("vehicle_distribution.json")
# Models seen fewer times than this are typos or one-offs, not part of the market's shape.
MIN_MODEL_COUNT = 3
QUANTILES = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
# Free-text values (trims, engines) are kept only when this many listings share them: a value seen
# once or twice is a fragment of somebody's ad, not part of a distribution.
MIN_VALUE_COUNT = 3


def quantiles(values: list[float]) -> list[float]:
    values = sorted(values)
    return [round(values[min(len(values) - 1, int(q * len(values)))], 3) for q in QUANTILES]


def _top(counter: Counter, n: int | None = None, at_least: int = 1) -> dict[str, int]:
    return {key: count for key, count in counter.most_common(n) if key and count >= at_least}


def learn(data_dir: Path) -> dict:
    """Read every source's files and summarise them."""
    per_model: dict[tuple[str, str], list] = defaultdict(list)
    colours, conditions, vintages, files = Counter(), Counter(), Counter(), []
    with_vin = total = 0
    seen: set[str] = set()
    for source in (cls() for cls in SOURCES.values()):
        for file in source.files(data_dir):
            files.append(str(file.path.relative_to(data_dir)))
            for row in read_rows(file):
                try:
                    listing = source.parse(row, file)
                except Reject:
                    continue
                if listing.source_key in seen:  # the same listing published twice
                    continue
                seen.add(listing.source_key)
                vintage = listing.listed_at.year if listing.listed_at else source.vintage
                usd = float(listing.price) / float(STATIC_RATES[listing.currency][1])
                per_model[(listing.make, listing.model)].append((listing, max(vintage - listing.year, 0), usd))
                colours[listing.exterior_color] += 1
                vintages[vintage] += 1
                conditions[listing.condition] += 1
                with_vin += bool(listing.vin)
                total += 1
    kept = {key: rows for key, rows in per_model.items() if len(rows) >= MIN_MODEL_COUNT}
    slope = _pooled_slope(kept)
    per_year_km = [
        listing.mileage_km / age
        for rows in kept.values()
        for listing, age, _ in rows
        if listing.mileage_km and age >= 1
    ]
    log_km = [math.log(km) for km in per_year_km if km > 100]
    return {
        "about": "Learned from the published listings by catalog.ingest.distribution; counts only.",
        "files": files,
        "listings": total,
        "vin_share": round(with_vin / max(total, 1), 4),
        # The mean year the listings were collected: the generator counts ages from it.
        "reference_year": round(sum(year * n for year, n in vintages.items()) / max(total, 1)),
        "price_slope_per_year": round(slope, 5),
        "km_per_year_log": [round(_mean(log_km), 4), round(_std(log_km), 4)],
        "condition": _top(conditions),
        "exterior_color": _top(colours, 16),
        "models": [
            _model_entry(make, model, rows, slope)
            for (make, model), rows in sorted(kept.items(), key=lambda item: (-len(item[1]), item[0]))
        ],
    }


def _model_entry(make: str, model: str, rows: list, slope: float) -> dict:
    levels = [math.log(usd) - slope * age for _, age, usd in rows]
    listings = [listing for listing, _, _ in rows]
    return {
        "make": make,
        "model": model,
        "n": len(rows),
        "year": quantiles([listing.year for listing in listings]),
        # Price level at age 0 and spread, both in log USD.
        "price_log": [round(_mean(levels), 4), round(max(_std(levels), 0.1), 4)],
        "body_type": _top(Counter(listing.body_type for listing in listings)),
        "fuel": _top(Counter(listing.fuel for listing in listings)),
        "transmission": _top(Counter(listing.transmission for listing in listings)),
        "drivetrain": _top(Counter(listing.drivetrain for listing in listings)),
        "trim": _top(Counter(listing.trim for listing in listings), 3, MIN_VALUE_COUNT),
        "engine": _top(Counter(listing.engine for listing in listings), 2, MIN_VALUE_COUNT),
    }


def _pooled_slope(groups: dict[tuple[str, str], list]) -> float:
    """Depreciation in log USD per year of age, from the variation of age within each model."""
    num = den = 0.0
    for rows in groups.values():
        ages = [age for _, age, _ in rows]
        logs = [math.log(usd) for _, _, usd in rows]
        mean_age, mean_log = _mean(ages), _mean(logs)
        num += sum((a - mean_age) * (p - mean_log) for a, p in zip(ages, logs))
        den += sum((a - mean_age) ** 2 for a in ages)
    return num / den if den else 0.0


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def _std(values) -> float:
    values = list(values)
    mean = _mean(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) if values else 0.0


def write(distribution: dict, path: Path = DISTRIBUTION_PATH) -> None:
    # One model per line: small, and a regeneration shows up as a readable diff.
    head = {key: value for key, value in distribution.items() if key != "models"}
    lines = [json.dumps(head, ensure_ascii=False, sort_keys=True)[:-1] + ', "models": [']
    lines += [json.dumps(model, ensure_ascii=False) + "," for model in distribution["models"]]
    lines[-1] = lines[-1].rstrip(",")
    path.write_text("\n".join(lines) + "\n]}\n", encoding="utf-8")


def load(path: Path = DISTRIBUTION_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
