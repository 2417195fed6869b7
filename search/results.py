"""Engine responses turned into what the API returns: result cards, facet lists, page links. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from media.names import image_urls

from .deals import deal_sentence
from .facets import HISTOGRAM_FACETS, MATCHING, TERM_FACETS, bucket_width_usd
from .fields import CARD_FIELDS


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def days_between(earlier: datetime | None, now: datetime) -> int | None:
    return None if earlier is None else max(0, (now - earlier).days)


def convert_price(source: Mapping[str, Any], *, currency: str, units_per_usd: float) -> float | None:
    """The vehicle's price in the caller's currency: as listed when it matches, else through USD."""
    if source.get("currency") == currency and source.get("price") is not None:
        return source["price"]
    if source.get("price_usd") is None:
        return None
    return round(source["price_usd"] * units_per_usd, 2)


@dataclass(frozen=True)
class Destination:
    """The buyer's chosen port and its country: cards show that port's prices and that country's verdict."""

    port: str
    country: str


def port_price(
    source: Mapping[str, Any], doc_field: str, *, port: str, currency: str, units_per_usd: float
) -> float | None:
    """A per-port estimate in the caller's currency; None when the car has none for this port."""
    usd = (source.get(doc_field) or {}).get(port)
    return None if usd is None else round(usd * units_per_usd, 2)


def import_verdict(source: Mapping[str, Any], country: str) -> dict[str, Any]:
    """Whether the destination country admits the car, and why not ("age", "steering", ...)."""
    reasons = [code.split(":", 1)[1] for code in source.get("import_refusals") or [] if code.startswith(country + ":")]
    return {"country": country, "importable": country in (source.get("importable_to") or []), "reasons": reasons}


def delivery_card(
    source: Mapping[str, Any], *, destination: Destination | None, currency: str, units_per_usd: float
) -> dict[str, Any]:
    """The card's delivered price, price at the port and import verdict for the chosen port (all None without one)."""
    if destination is None:
        return {"delivered": None, "cif": None, "import": None}
    prices = {
        key: port_price(source, doc, port=destination.port, currency=currency, units_per_usd=units_per_usd)
        for key, doc in (("delivered", "delivered_usd"), ("cif", "cif_usd"))
    }
    return {
        "delivered": {"port": destination.port, "amount": prices["delivered"], "currency": currency},
        "cif": {"port": destination.port, "amount": prices["cif"], "currency": currency},
        "import": import_verdict(source, destination.country),
    }


def vehicle_card(
    source: Mapping[str, Any],
    *,
    currency: str,
    units_per_usd: float,
    now: datetime,
    highlight: Mapping[str, list[str]] | None = None,
    destination: Destination | None = None,
) -> dict[str, Any]:
    dealer = source.get("dealer") or {}
    listed_at = parse_time(source.get("listed_at"))
    return {
        "id": source["vehicle_id"],
        "title": source.get("title"),
        **{field.output_key: source.get(field.doc) for field in CARD_FIELDS},
        "trim": source.get("trim") or "",
        "price": {"amount": source.get("price"), "currency": source.get("currency")},
        "display_price": {
            "amount": convert_price(source, currency=currency, units_per_usd=units_per_usd),
            "currency": currency,
        },
        "display_market_value": {
            "amount": round(source["market_value_usd"] * units_per_usd, -1) if source.get("market_value_usd") else None,
            "currency": currency,
        },
        "deal_sentence": deal_sentence(source),
        "days_on_market": days_between(listed_at, now),
        "dealer": {key: dealer.get(key) for key in ("id", "name", "country", "city", "verified", "rating")},
        "highlight": dict(highlight or {}),
        "cover": cover_image(source.get("cover")),
        # Replaces the registry's raw per-port objects with the chosen port's prices and verdict.
        **delivery_card(source, destination=destination, currency=currency, units_per_usd=units_per_usd),
    }


def cover_image(cover: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The document's cover as addresses a page or a client can load (None: no photo yet)."""
    return image_urls(**cover) if cover else None


def vehicle_cards(
    response: Mapping[str, Any],
    *,
    currency: str,
    units_per_usd: float,
    now: datetime,
    destination: Destination | None = None,
) -> list[dict[str, Any]]:
    return [
        vehicle_card(
            hit["_source"],
            currency=currency,
            units_per_usd=units_per_usd,
            now=now,
            highlight=hit.get("highlight"),
            destination=destination,
        )
        for hit in response["hits"]["hits"]
    ]


def _term_buckets(
    name: str, agg: Mapping[str, Any], selected: tuple[str, ...], scale: float = 1.0
) -> list[dict[str, Any]]:
    facet = TERM_FACETS[name]
    chosen = {str(value).casefold() for value in selected}
    out = []
    for bucket in agg["buckets"]:
        value = int(bucket["key"]) if name == "dealer" else bucket["key"]
        item: dict[str, Any] = {
            "value": value,
            "count": _scaled(bucket["doc_count"], scale),
            "selected": str(value).casefold() in chosen,
        }
        if facet.label_field:
            labels = bucket["label"]["buckets"]
            item["label"] = labels[0]["key"] if labels else str(value)
        if facet.child:
            child_name = facet.child[0]
            item[child_name] = [
                {"value": b["key"], "count": _scaled(b["doc_count"], scale)} for b in bucket[child_name]["buckets"]
            ]
        out.append(item)
    return out


def _scaled(count: int, scale: float) -> int:
    """A count from a sample, scaled to the whole (never below one: the value does occur)."""
    return count if scale == 1.0 else max(1, round(count * scale))


def _histogram_buckets(
    name: str, agg: Mapping[str, Any], *, units_per_usd: float, scale: float = 1.0
) -> list[dict[str, Any]]:
    facet = HISTOGRAM_FACETS[name]
    width = bucket_width_usd(facet, units_per_usd)
    rate = units_per_usd if facet.in_currency else 1
    return [
        {
            "from": round(b["key"] * rate, 2),
            "to": round((b["key"] + width) * rate, 2),
            "count": _scaled(b["doc_count"], scale),
        }
        for b in agg["buckets"]
    ]


def matching_count(aggregations: Mapping[str, Any]) -> int:
    """Documents passing every selection: the result total (see search.facets.facet_aggregations)."""
    return aggregations[MATCHING]["doc_count"]


def facet_lists(
    aggregations: Mapping[str, Any],
    *,
    terms: Mapping[str, tuple[str, ...]],
    units_per_usd: float,
    scale: float = 1.0,
) -> dict[str, list[dict[str, Any]]]:
    """Facet name -> buckets. Term facets flag the values the caller selected; make nests its models.
    Counts from a sample are multiplied by `scale` (see search.facets.sample_slots)."""
    facets: dict[str, list[dict[str, Any]]] = {}
    for group in aggregations.values():
        for name, agg in group.items():
            if name in TERM_FACETS:
                facets[name] = _term_buckets(name, agg, terms.get(name, ()), scale)
            elif name in HISTOGRAM_FACETS:
                facets[name] = _histogram_buckets(name, agg, units_per_usd=units_per_usd, scale=scale)
    return facets


def lookalike_key(card: Mapping[str, Any]) -> tuple:
    """What makes two listings look like the same car offered twice (VINs are unique in the catalog,
    so a repeated car shows as one dealer's listings of equal make, model, trim, year, price, mileage)."""
    return (
        (card.get("dealer") or {}).get("id"),
        card.get("make"),
        card.get("model"),
        card.get("trim"),
        card.get("year"),
        card["price"]["amount"],
        card.get("mileage_km"),
    )


def spread_lookalikes(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page's cards with each look-alike after every distinct car, in their order otherwise.

    Only within the page: the page holds the same listings (cursors stay exact), but the first
    places go to different cars instead of one car listed three times.
    """
    seen: set[tuple] = set()
    first, repeats = [], []
    for card in cards:
        key = lookalike_key(card)
        (repeats if key in seen else first).append(card)
        seen.add(key)
    return first + repeats
