"""Valuing the platform's listings with the serving model and storing the result on the vehicle row.

The row is the only way out: writing the value, interval and hold re-stamps the row (the capture
triggers), and the ordinary drain carries it to search. The deal rating is derived from the stored
value and the current price when the document is built, so a price change re-rates the listing
within the usual sync lag; the sweep then values it again (its hold may change).
"""

from __future__ import annotations

import functools
import logging
import time
from datetime import date
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from .features import FEATURES, Car, ImpossibleValue, check, features, segment
from .model import MarketModel
from .models import MarketValueModel
from .ratings import hold_reason

log = logging.getLogger(__name__)

ROWS_SQL = """
SELECT v.id, v.make, v.model, v.trim, v.year, v.mileage_km, v.fuel, v.transmission, v.body_type,
       v.drivetrain, v.condition, v.engine, v.country, v.price, v.price_confirmed, v.updated_at,
       v.source_key, v.listed_at, c.units_per_usd, d.source_key AS dealer_key
  FROM catalog_vehicle v
  JOIN catalog_currency c ON c.code = v.currency_id
  JOIN catalog_dealer d ON d.id = v.dealer_id
"""
WRITE_SQL = """
UPDATE catalog_vehicle v
   SET market_value_usd = u.value, market_low_usd = u.low, market_high_usd = u.high,
       market_model_id = u.model_id, market_valued_at = u.valued_at, held_reason = u.held
  FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], %s::numeric[], %s::int[], %s::timestamptz[],
              %s::text[]) AS u(id, value, low, high, model_id, valued_at, held)
 WHERE v.id = u.id AND v.updated_at = u.valued_at
"""


@functools.cache
def _price_years() -> dict[str, int]:
    """The year imported and generated listings' prices were asked in, by source-key prefix."""
    from catalog.ingest import distribution
    from catalog.ingest.readers import SOURCES

    years = {name: source.vintage for name, source in SOURCES.items()}
    years["gen"] = distribution.load()["reference_year"]  # the generator draws prices at that year's levels
    return years


def price_year(row: dict) -> int:
    """When the price was asked: a published data set's collection year, else the listing's own date.

    A 2019 car priced in 2020 (the UK file) is a one-year-old car, not a seven-year-old one.
    """
    prefix = (row.get("source_key") or "").split(":", 1)[0]
    years = _price_years()
    if prefix in years:
        return years[prefix]
    return row["listed_at"].year if row.get("listed_at") else date.today().year


def car_from_row(row: dict) -> Car:
    seller = "private" if row["dealer_key"] and ":private:" in row["dealer_key"] else "dealer"
    return Car(
        make=row["make"],
        model=row["model"],
        year=row["year"],
        market=row["country"],
        seller=seller,
        trim=row["trim"],
        mileage_km=row["mileage_km"],
        fuel=row["fuel"],
        transmission=row["transmission"],
        body_type=row["body_type"],
        drivetrain=row["drivetrain"],
        condition=row["condition"],
        engine=row["engine"],
    )


def valuations(rows: list[dict], model: MarketModel | None) -> list[tuple]:
    """(id, value, low, high, held_reason, valued_at) per row; value None = not enough data."""
    years = [price_year(row) for row in rows]
    cars, usable = [], []
    for row, as_of in zip(rows, years):
        car = car_from_row(row)
        try:
            check(car, as_of=as_of)
        except ImpossibleValue:
            car = None
        cars.append(car)
        usable.append(car is not None and car.mileage_km is not None and model is not None)
    predicted = np.full((len(rows), 3), np.nan)
    idx = [i for i, ok in enumerate(usable) if ok]
    if idx:
        X = np.array([[features(cars[i], as_of=years[i])[f] for f in FEATURES] for i in idx], dtype=object)
        segments = [segment(cars[i].market, cars[i].seller) for i in idx]
        predicted[idx] = np.column_stack(model.predict(X, segments))
    out = []
    for row, as_of, (value, low, high) in zip(rows, years, predicted.tolist()):
        known = not np.isnan(value)
        price_usd = float(row["price"]) / float(row["units_per_usd"])
        held = hold_reason(
            model=row["model"],
            body_type=row["body_type"],
            age=as_of - row["year"],
            mileage_km=row["mileage_km"],
            price_usd=price_usd,
            value=value if known else None,
            low=low if known else None,
            high=high if known else None,
        )
        if held and row["price_confirmed"] is not None and row["price_confirmed"] == row["price"]:
            held = ""  # the dealer confirmed this price (and the data) as meant
        money = (lambda x: Decimal(str(round(x, 2)))) if known else (lambda x: None)
        out.append((row["id"], money(value), money(low), money(high), held, row["updated_at"]))
    return out


def write(values: list[tuple], model_id: int | None) -> int:
    """Store valuations; a row written since it was read keeps its newer state for the next sweep."""
    if not values:
        return 0
    ids, value, low, high, held, valued_at = (list(column) for column in zip(*values))
    with connection.cursor() as cursor:
        cursor.execute(WRITE_SQL, [ids, value, low, high, [model_id] * len(ids), valued_at, held])
        return cursor.rowcount


def serving_model() -> tuple[MarketValueModel | None, MarketModel | None]:
    from .registry import artefact, current_model

    entry = current_model()
    return entry, (artefact(entry) if entry else None)


def value_changed(*, batch_size: int | None = None, budget_seconds: float = 20.0) -> int:
    """Value the rows written since their last valuation (any write path), batch by batch."""
    batch_size = batch_size or settings.MARKET_VALUE_BATCH_SIZE
    entry, model = serving_model()
    done, started = 0, time.monotonic()
    while time.monotonic() - started < budget_seconds:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                ROWS_SQL + " WHERE v.market_valued_at IS DISTINCT FROM v.updated_at ORDER BY v.id LIMIT %s "
                "FOR UPDATE OF v SKIP LOCKED",
                [batch_size],
            )
            rows = _dicts(cursor)
            if not rows:
                break
            done += write(valuations(rows, model), entry.pk if entry else None)
    return done


def restamp_all(*, batch_size: int | None = None) -> int:
    """Value every listing again with the serving model (after a promotion), one transaction per batch."""
    batch_size = batch_size or settings.MARKET_VALUE_BATCH_SIZE
    entry, model = serving_model()
    after, done = 0, 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(ROWS_SQL + " WHERE v.id > %s ORDER BY v.id LIMIT %s FOR UPDATE OF v", [after, batch_size])
            rows = _dicts(cursor)
            if not rows:
                return done
            done += write(valuations(rows, model), entry.pk if entry else None)
            after = rows[-1]["id"]


def _dicts(cursor) -> list[dict]:
    names = [col.name for col in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
