"""The currencies every database starts with, and their static reference rates.

Vehicles are priced in their market's currency (USD, AUD, GBP, EUR for the imported markets) and
buyers in Africa compare them in their own, so all of these must exist before any import. The rates
are a fixed snapshot, good enough for display and demo data; a rate feed replaces them in production
and the seeding below never overwrites a rate that is already there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

# When the rates below were taken; stored as rate_updated_at so nobody mistakes them for live rates.
RATES_TAKEN_AT = datetime(2025, 1, 2, tzinfo=UTC)

# code: (name, units per USD)
STATIC_RATES: dict[str, tuple[str, Decimal]] = {
    "USD": ("US dollar", Decimal("1")),
    "EUR": ("Euro", Decimal("0.96")),
    "GBP": ("Pound sterling", Decimal("0.80")),
    "AUD": ("Australian dollar", Decimal("1.61")),
    "KES": ("Kenyan shilling", Decimal("129.3")),
    "TZS": ("Tanzanian shilling", Decimal("2480")),
    "UGX": ("Ugandan shilling", Decimal("3680")),
    "NGN": ("Nigerian naira", Decimal("1540")),
    "GHS": ("Ghanaian cedi", Decimal("14.7")),
    "ZAR": ("South African rand", Decimal("18.8")),
    "XAF": ("Central African CFA franc", Decimal("630")),
    "XOF": ("West African CFA franc", Decimal("630")),
    "RWF": ("Rwandan franc", Decimal("1385")),
    "ZMW": ("Zambian kwacha", Decimal("27.9")),
}

INSERT_MISSING_SQL = """
INSERT INTO catalog_currency (code, name, units_per_usd, rate_updated_at)
SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::numeric[], %s::timestamptz[])
ON CONFLICT (code) DO NOTHING
"""


def ensure_currencies(cursor) -> None:
    """Insert the currencies that are missing; existing rows (and their rates) are left alone."""
    codes = list(STATIC_RATES)
    cursor.execute(
        INSERT_MISSING_SQL,
        [
            codes,
            [STATIC_RATES[c][0] for c in codes],
            [STATIC_RATES[c][1] for c in codes],
            [RATES_TAKEN_AT] * len(codes),
        ],
    )
