"""Deal ratings and implausible listings, from a price and its market value with interval. Pure.

Positions are measured in log space relative to the interval (value x exp(q10) .. value x exp(q90)),
so a rating means the same in a tight market (the UK) and a loose one (private sales in Germany):
great = below the interval's low end (cheaper than 9 in 10 similar listings), good = between it and
halfway to the value, fair = within halfway either side, high = up to the high end, overpriced = above.
"""

from __future__ import annotations

import math

from catalog.ingest.normalise import CAR_ONLY_MODELS

RATINGS = ("great", "good", "fair", "high", "overpriced", "unknown")
# Listings priced this many interval half-widths away from the value (and at least half or 2.5 times
# it) are held: a typo, a deposit or monthly payment, a wrong currency, or a lure.
FAR = 3.0
FAR_BELOW, FAR_ABOVE = math.log(0.5), math.log(2.5)
# km a year no car keeps up, beyond a first year's allowance (delivery, demo use).
MAX_KM_PER_YEAR, FIRST_YEAR_KM = 70_000, 60_000
HOLD_REASONS = ("price_far_below", "price_far_above", "body_ruled_out", "mileage_impossible")


def _position(price_usd: float, value: float, low: float, high: float) -> tuple[float, float, float]:
    return math.log(price_usd / value), math.log(low / value), math.log(high / value)


def deal_rating(price_usd: float | None, value: float | None, low: float | None, high: float | None) -> str:
    if not (price_usd and value and low and high) or price_usd <= 0:
        return "unknown"
    at, lo, hi = _position(price_usd, value, low, high)
    if at <= lo:
        return "great"
    if at <= lo / 2:
        return "good"
    if at <= hi / 2:
        return "fair"
    if at <= hi:
        return "high"
    return "overpriced"


def price_gap(price_usd: float | None, value: float | None) -> float | None:
    """Price against value: -0.12 is 12 % below."""
    if not (price_usd and value):
        return None
    return round(price_usd / value - 1, 4)


def hold_reason(
    *,
    model: str,
    body_type: str,
    age: int,
    mileage_km: int | None,
    price_usd: float,
    value: float | None,
    low: float | None,
    high: float | None,
) -> str:
    """Why buyers should not see this listing until its dealer confirms it ("" = nothing wrong)."""
    if body_type in ("pickup", "van", "truck") and model.lower() in CAR_ONLY_MODELS:
        return "body_ruled_out"
    if mileage_km is not None and mileage_km > FIRST_YEAR_KM + MAX_KM_PER_YEAR * max(age, 0):
        return "mileage_impossible"
    if value and low and high and price_usd > 0:
        at, lo, hi = _position(price_usd, value, low, high)
        if at < min(FAR * lo, FAR_BELOW):
            return "price_far_below"
        if at > max(FAR * hi, FAR_ABOVE):
            return "price_far_above"
    return ""
