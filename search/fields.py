"""Facts about vehicle document fields shared by the index and the queries. Pure."""

from __future__ import annotations

from decimal import Decimal

# Documents are spread over this many buckets for reconciliation checksums (id % buckets).
SYNC_BUCKETS = 1024


def usd_price(price: Decimal | float, units_per_usd: Decimal | float) -> float:
    """A price in US dollars as the document holds it (`price_usd`): rounded to the cent.

    Price filters convert their bounds with this same function, so a car listed at exactly the
    bound, in any currency, lands on exactly the bound's value and stays inside the range.
    """
    return round(float(price) / float(units_per_usd), 2)
