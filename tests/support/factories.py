"""Factories for catalog rows (a valid dealer or vehicle in one call, any field overridable) and search log lines."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from catalog.models import Currency, Dealer, Vehicle
from insights.models import SearchLog

_sequence = itertools.count(1)

# Units per USD; enough for tests that convert prices.
TEST_RATES = {"USD": "1", "EUR": "0.92", "GBP": "0.79", "AUD": "1.52", "KES": "129.5", "NGN": "1550"}


def ensure_delivery_reference() -> None:
    """The ports, rates and rules of delivery.seed (a data migration), back after a test flushed them."""
    from django.apps import apps

    from delivery import seed
    from delivery.models import Port
    from delivery.reference import forget_ports

    if not Port.objects.exists():
        seed.load(apps)
    forget_ports()


def ensure_currencies() -> None:
    now = timezone.now()
    for code, rate in TEST_RATES.items():
        Currency.objects.get_or_create(
            code=code, defaults={"name": code, "units_per_usd": Decimal(rate), "rate_updated_at": now}
        )


def make_dealer(**overrides) -> Dealer:
    n = next(_sequence)
    fields = {
        "name": f"Dealer {n}",
        "country": "KE",
        "city": "Mombasa",
        "latitude": -4.04,
        "longitude": 39.67,
        "rating": Decimal("4.50"),
        "verified": True,
    }
    fields.update(overrides)
    return Dealer.objects.create(**fields)


def vehicle_fields(dealer: Dealer | None = None, **overrides) -> dict:
    ensure_currencies()
    n = next(_sequence)
    dealer = dealer or make_dealer()
    fields = {
        "make": "Toyota",
        "model": "Corolla",
        "trim": "GLi",
        "year": 2018,
        "price": Decimal("12500.00"),
        "currency_id": "USD",
        "mileage_km": 60000 + n,
        "condition": "used",
        "body_type": "sedan",
        "fuel": "petrol",
        "transmission": "automatic",
        "drivetrain": "fwd",
        "engine": "1.8L I4",
        "exterior_color": "white",
        "interior_color": "black",
        "features": ["air conditioning"],
        "description": "Clean, one owner, ready for export.",
        "dealer": dealer,
        "country": dealer.country,
        "city": dealer.city,
        "status": "available",
        "listed_at": timezone.now() - timedelta(days=n % 90),
    }
    fields.update(overrides)
    return fields


def make_vehicle(dealer: Dealer | None = None, **overrides) -> Vehicle:
    return Vehicle.objects.create(**vehicle_fields(dealer, **overrides))


def log_searches(text: str, results: int, *, times: int = 1, days_ago: int = 1, network: str = "") -> None:
    """`times` first-page vehicle searches for `text` (logged as typed) that found `results`, from as many
    networks on alternate days from `days_ago` (or all from `network`): what popularity counts."""
    for n in range(times):
        SearchLog.objects.create(
            searched_at=timezone.now() - timedelta(days=days_ago + n % 2, minutes=n),
            network=network or f"net{n}",
            endpoint="vehicles",
            query_text=text,
            normalized_query=text,
            filters={"terms": {}, "ranges": {}, "near": None},
            sort="relevance",
            result_count=results,
            latency_ms=1,
            engine_ms=1,
        )
