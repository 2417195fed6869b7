"""One vehicle for its page and the API: every spec from Postgres (the system of record), the price in the
caller's currency (the same conversion as the result cards), the dealer, and similar vehicles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.text import slugify

from catalog.models import Vehicle
from delivery.estimate import Breakdown, Car, age_years, breakdown, refusals
from delivery.reference import load_reference
from media.selectors import gallery
from pricing.ratings import deal_rating, price_gap

from .currency import currency_rates, to_usd
from .deals import deal_sentence
from .fields import DETAIL_FIELDS
from .results import convert_price
from .selectors import similar_vehicles


def slug_for(year, make: str, model: str, trim: str = "") -> str:
    """The readable part of a vehicle's page address, e.g. 2019-toyota-camry-le."""
    return slugify(f"{year} {make} {model} {trim or ''}") or "vehicle"


def vehicle_slug(vehicle: Vehicle) -> str:
    return slug_for(vehicle.year, vehicle.make, vehicle.model, vehicle.trim)


def _money(amount: float | None, units: float, currency: str) -> dict[str, Any]:
    return {"amount": None if amount is None else round(amount * units, 2), "currency": currency}


def _breakdown_dict(result: Breakdown, *, port, units: float, currency: str) -> dict[str, Any]:
    lines = (
        "fob",
        "inland",
        "freight",
        "insurance",
        "cif",
        "duty",
        "excise",
        "surcharge",
        "vat",
        "levies",
    )
    return {
        "port": port.code,
        "port_name": port.name,
        "country": port.country,
        "local": result.local,
        "missing": result.missing,
        "export_port": result.export_port,
        "freight_method": result.freight_method,
        "lines": {line: _money(getattr(result, line), units, currency) for line in lines},
        "landed": _money(result.landed, units, currency),
        "rates_as_of": result.rates_as_of,
        "has_estimates": result.has_estimates,
        "sources": [
            {"kind": s.kind, "status": s.status, "title": s.title, "url": s.url, "checked_on": s.checked_on}
            for s in result.sources
        ],
    }


def delivery_detail(vehicle: Vehicle, price_usd: float, *, port: str, currency: str) -> dict[str, Any]:
    """Per port the landed estimate, and for the chosen port its breakdown (FOB, freight, insurance,
    CIF, each tax) and its country's verdict with the rule and its source; computed from Postgres with
    the rates in force today, as the indexer does (so the page and the cards agree)."""
    reference = load_reference()
    units = float(currency_rates()[currency])
    car = Car(price_usd, vehicle.year, vehicle.steering, vehicle.condition, vehicle.body_type, vehicle.country)
    chosen = reference.port(port) if port else None
    ports = [
        {
            "port": p.code,
            "name": p.name,
            "country": p.country,
            "landed": _money(breakdown(reference, car, p).landed, units, currency),
        }
        for p in reference.ports
    ]
    out: dict[str, Any] = {"ports": ports, "chosen": None, "verdict": None, "age_years": age_years(car, reference.day)}
    if chosen is None:
        return out
    out["chosen"] = _breakdown_dict(breakdown(reference, car, chosen), port=chosen, units=units, currency=currency)
    rule = reference.rules.get(chosen.country)
    reasons = [] if car.country == chosen.country else refusals(car, rule, reference.day)
    out["verdict"] = {
        "country": chosen.country,
        "country_name": chosen.country_name,
        "country_name_fr": chosen.country_name_fr,
        "importable": not reasons,
        "reasons": reasons,
        "local": car.country == chosen.country,
        "rule": None
        if rule is None
        else {
            "max_age_years": rule.max_age_years,
            "steering": rule.steering,
            "used_allowed": rule.used_allowed,
            "source": {
                "status": rule.source.status,
                "title": rule.source.title,
                "url": rule.source.url,
                "checked_on": rule.source.checked_on,
                "effective_from": rule.source.effective_from,
            },
        },
    }
    return out


def deal_detail(vehicle: Vehicle, price_usd: float, *, currency: str, units: float) -> dict[str, Any]:
    """The rating, the market value and its 80 % interval in the buyer's currency, and the sentence;
    rating "unknown" (not enough data) when the listing has no value. Derived as the indexer derives
    the card's (es_mappings.vehicles), from the stored valuation and the current price."""
    value, low, high = (
        None if amount is None else float(amount)
        for amount in (vehicle.market_value_usd, vehicle.market_low_usd, vehicle.market_high_usd)
    )
    gap = price_gap(price_usd, value)
    sentence = deal_sentence(
        {
            "deal_gap": gap,
            "market_value_usd": value,
            "country": vehicle.country,
            "year": vehicle.year,
            "make": vehicle.make,
            "model": vehicle.model,
            "mileage_km": vehicle.mileage_km,
        }
    )

    def shown(amount: float | None) -> dict[str, Any]:
        # Rounded to tens as on the cards: a market value is an estimate, not a quote.
        return {"amount": None if amount is None else round(amount * units, -1), "currency": currency}

    return {
        "rating": deal_rating(price_usd, value, low, high),
        "gap": gap,
        "value": shown(value),
        "low": shown(low),
        "high": shown(high),
        "sentence": sentence,
    }


def vehicle_detail(*, vehicle_id: int, currency: str = "USD", similar: int = 6, port: str = "") -> dict[str, Any]:
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
        "deal": deal_detail(vehicle, price_usd, currency=currency, units=float(rates[currency])),
        "specs": {
            **{field.output_key: getattr(vehicle, field.column) for field in DETAIL_FIELDS},
            "vin": vehicle.vin or "",
        },
        "features": list(vehicle.features or []),
        "description": vehicle.description,
        "photos": gallery(vehicle.pk),
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
        "delivery": delivery_detail(vehicle, price_usd, port=port, currency=currency),
        "similar": similar_vehicles(vehicle_id=vehicle.pk, size=similar, currency=currency)["results"]
        if similar
        else [],
    }
