"""Exchange rates for price filters and display, read from catalog.Currency and kept briefly in memory.

Rates change a few times a day; reading them on every keystroke would put Postgres on the search path.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

from catalog.models import Currency

BASE_CURRENCY = "USD"
_TTL_SECONDS = 60.0
_lock = threading.Lock()
_cache: tuple[float, dict[str, Decimal]] | None = None


def currency_rates() -> dict[str, Decimal]:
    """Currency code -> units per US dollar."""
    global _cache
    now = time.monotonic()
    cached = _cache
    if cached is not None and now - cached[0] < _TTL_SECONDS:
        return cached[1]
    with _lock:
        rates = dict(Currency.objects.values_list("code", "units_per_usd"))
        rates.setdefault(BASE_CURRENCY, Decimal(1))
        _cache = (now, rates)
        return rates


def forget_rates() -> None:
    """Drop the cached rates (tests and rate updates)."""
    global _cache
    _cache = None


def to_usd(amount: Decimal | float, units_per_usd: Decimal | float) -> float:
    return float(Decimal(str(amount)) / Decimal(str(units_per_usd)))
