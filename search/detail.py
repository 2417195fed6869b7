"""One vehicle for its page and the API: every spec from Postgres (the system of record), the price in the
caller's currency (the same conversion as the result cards), the dealer, and similar vehicles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.text import slugify

from catalog.models import Vehicle

from .currency import currency_rates, to_usd
from .fields import DETAIL_FIELDS
from .results import convert_price
from .selectors import similar_vehicles


def slug_for(year, make: str, model: str, trim: str = "") -> str:
    """The readable part of a vehicle's page address, e.g. 2019-toyota-camry-le."""
    return slugify(f"{year} {make} {model} {trim or ''}") or "vehicle"


def vehicle_slug(vehicle: Vehicle) -> str:
    return slug_for(vehicle.year, vehicle.make, vehicle.model, vehicle.trim)


def vehicle_detail(*, vehicle_id: int, currency: str = "USD", similar: int = 6) -> dict[str, Any]:
    """The vehicle page's content; raises Vehicle.DoesNotExist. Sold or withdrawn ones say so
    (`available` false) and still come with similar vehicles that are on sale."""
    vehicle = Vehicle.objects.select_related("dealer", "currency").get(pk=vehicle_id)
    rates = currency_rates()
    price_usd = round(to_usd(vehicle.price, vehicle.currency.units_per_usd), 2)
    source = {"price": float(vehicle.price), "currency": vehicle.currency_id, "price_usd": price_usd}
    dealer = vehicle.dealer
    return {
        "id": vehicle.pk,
        "slug": vehicle_slug(vehicle),
        "title": " ".join(str(part) for part in (vehicle.year, vehicle.make, vehicle.model, vehicle.trim) if part),
        "make": vehicle.make,
        "model": vehicle.model,
        "trim": vehicle.trim,
        "year": vehicle.year,
        "status": vehicle.status,
        "available": vehicle.status in settings.SEARCHABLE_STATUSES,
        "price": {"amount": float(vehicle.price), "currency": vehicle.currency_id},
        "display_price": {
            "amount": convert_price(source, currency=currency, units_per_usd=float(rates[currency])),
            "currency": currency,
        },
        "price_usd": price_usd,
        "specs": {
            **{field.output_key: getattr(vehicle, field.column) for field in DETAIL_FIELDS},
            "vin": vehicle.vin or "",
        },
        "features": list(vehicle.features or []),
        "description": vehicle.description,
        "photos": list(vehicle.photos or []),
        "country": vehicle.country,
        "city": vehicle.city,
        "listed_at": vehicle.listed_at,
        "dealer": {
            "id": dealer.pk,
            "name": dealer.name,
            "country": dealer.country,
            "city": dealer.city,
            "verified": dealer.verified,
            "rating": None if dealer.rating is None else float(dealer.rating),
            # The dealer's verified WhatsApp number (E.164) unless they hid it; empty: no WhatsApp button.
            "whatsapp": dealer.whatsapp_number,
            # Printed on the page only where the dealer chose to show it.
            "phone": dealer.shown_phone,
        },
        "similar": similar_vehicles(vehicle_id=vehicle.pk, size=similar, currency=currency)["results"]
        if similar
        else [],
    }
