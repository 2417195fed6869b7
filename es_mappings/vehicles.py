"""The vehicle search document: its mapping, its index settings, and the row → document transform.

Pure: nothing here talks to the cluster. Code always addresses the index by its alias
(`vehicles_alias()`); physical indexes behind it are named `<alias>-<timestamp>` by the rebuilder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    Document,
    Double,
    Float,
    GeoPoint,
    Index,
    InnerDoc,
    Integer,
    Keyword,
    Long,
    Object,
    SearchAsYouType,
    Text,
)

from pricing.ratings import deal_rating, price_gap
from search.fields import COPIED_FIELDS, FIELDS, PER_PORT_FIELDS, SYNC_BUCKETS, usd_price

from .analysis import (
    folded_keyword,
    vehicle_compact,
    vehicle_compact_prefix,
    vehicle_compact_search,
    vehicle_prefix,
    vehicle_prefix_search,
    vehicle_text,
    vehicle_text_search,
)


def _facet_keyword(**extra) -> Keyword:
    """A keyword counted by a facet on (nearly) every search page. Its global ordinals are built at
    refresh, not by the first search after it: the index refreshes every second under writes."""
    return Keyword(eager_global_ordinals=True, **extra)


def _text_with_keyword(*, compact: bool = False, facet: bool = False, **extra) -> Text:
    """Full text for matching, `.raw` for exact filters and facets, `.folded` for typed filters.

    With `compact`, also the name as one token (`.compact`, matched by joined query words) and its
    prefixes (`.compact_prefix`, for typeahead): "c hr", "chr" and "C-HR" all find the C-HR.
    """
    fields = {
        "raw": Keyword(eager_global_ordinals=facet),
        "folded": Keyword(normalizer=folded_keyword),
        "prefix": Text(analyzer=vehicle_prefix, search_analyzer=vehicle_prefix_search),
    }
    if compact:
        fields["compact"] = Text(analyzer=vehicle_compact, search_analyzer=vehicle_compact_search)
        fields["compact_prefix"] = Text(analyzer=vehicle_compact_prefix, search_analyzer=vehicle_compact)
    return Text(analyzer=vehicle_text, search_analyzer=vehicle_text_search, fields=fields, **extra)


class DealerInner(InnerDoc):
    # `.key` holds the id as a keyword: terms aggregations (the dealer facet, per-dealer analytics)
    # use global ordinals on it and run several times faster than on the long itself.
    id = Long(fields={"key": Keyword()})
    name = _text_with_keyword()
    country = Keyword()
    city = Keyword()
    rating = Float()
    verified = Boolean()


def _completion() -> Completion:
    # Typeahead: completion over make, model and "make model", weighted by listing count at index time.
    return Completion(analyzer=vehicle_prefix_search, preserve_separators=False, max_input_length=60)


def _make_model() -> Keyword:
    return Keyword(
        fields={
            "sayt": SearchAsYouType(analyzer=vehicle_text),
            "compact_prefix": Text(analyzer=vehicle_compact_prefix, search_analyzer=vehicle_compact),
        }
    )


def _full_text(**extra) -> Text:
    return Text(analyzer=vehicle_text, search_analyzer=vehicle_text_search, **extra)


def _folded() -> dict[str, Keyword]:
    return {"folded": Keyword(normalizer=folded_keyword)}


# Each mapping kind of the field registry (search.fields.MappingKind) as an engine field.
MAPPING_KINDS: dict[str, Callable[[], Any]] = {
    "keyword": Keyword,
    "facet_keyword": _facet_keyword,
    "typed_keyword": lambda: Keyword(fields=_folded()),
    "facet_typed_keyword": lambda: _facet_keyword(fields=_folded()),
    "name": _text_with_keyword,
    "model_name": lambda: _text_with_keyword(compact=True, facet=True),
    "facet_name": lambda: _text_with_keyword(facet=True),
    "text": _full_text,
    "text_keyword": lambda: Text(analyzer=vehicle_text, fields={"raw": Keyword()}),
    "keyword_text": lambda: Keyword(fields={"text": _full_text()}),
    "facet_keyword_text": lambda: _facet_keyword(fields={"text": _full_text()}),
    "make_model": _make_model,
    "integer": Integer,
    "long": Long,
    "double": Double,
    "date": Date,
    "geo_point": GeoPoint,
    "unindexed": lambda: Keyword(index=False),
    "image": lambda: Object(enabled=False),
    "dealer": lambda: Object(DealerInner),
    # One double per port, added as documents bring them (PER_PORT_TEMPLATES): ports are reference
    # data staff add in the admin, so the index takes a new port's prices without a rebuild.
    "per_port_price": lambda: Object(dynamic=True),
    "completion": _completion,
}

# The document class, one engine field per registry entry.
VehicleDocument = type("VehicleDocument", (Document,), {field.doc: MAPPING_KINDS[field.mapping]() for field in FIELDS})


INDEX_SETTINGS: dict[str, Any] = {
    # Delete tombstones outlive any rebuild or late retry, so an old version can never resurrect a
    # document deleted at a newer one (the default is 60 s).
    "gc_deletes": "2h",
    "max_result_window": 10000,
}


def vehicle_index(name: str) -> Index:
    index = Index(name)
    # Shards, replicas and freshness are the deployment's choice (one node locally, replicas on a cluster).
    index.settings(
        number_of_shards=settings.SEARCH_INDEX_SHARDS,
        number_of_replicas=settings.SEARCH_INDEX_REPLICAS,
        refresh_interval=settings.SEARCH_INDEX_REFRESH_INTERVAL,
        **INDEX_SETTINGS,
    )
    index.document(VehicleDocument)
    return index


def port_price_mapping(field_doc: str) -> dict[str, Any]:
    # Doubles with doc values: sorted and range-filtered like price_usd.
    return {"type": "double"}


# Every per-port object's members are doubles, whatever port they are named after.
PER_PORT_TEMPLATES = [
    {f"{field.doc}_by_port": {"path_match": f"{field.doc}.*", "mapping": port_price_mapping(field.doc)}}
    for field in PER_PORT_FIELDS
]


def port_fields_mapping(ports: list[str]) -> dict[str, Any]:
    """The per-port members for these ports, for a `put_mapping` (the percolator must know a field
    before it registers a query on it, where the vehicle index learns it from the first document)."""
    return {
        field.doc: {"properties": {port: port_price_mapping(field.doc) for port in ports}} for field in PER_PORT_FIELDS
    }


def vehicle_index_body() -> dict[str, Any]:
    """Settings (with analyzers) and mappings for a new physical vehicle index."""
    body = vehicle_index("unused").to_dict()
    body["mappings"]["dynamic"] = "strict"
    body["mappings"]["dynamic_templates"] = PER_PORT_TEMPLATES
    return body


def _json(value: str | dict | None) -> dict | None:
    # Django reads jsonb as text (its JSONField decodes it): the row's cover arrives as a string.
    return json.loads(value) if isinstance(value, str) else value


# A row read without reference data (no ports): no delivered prices, importable nowhere.
NO_DELIVERY = {"cif_usd": {}, "delivered_usd": {}, "importable_to": [], "import_refusals": []}


def _num(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


# How a registry field's column becomes its document value (search.fields.VehicleField.convert).
CONVERSIONS: dict[str, Callable[[Any], Any]] = {
    "as_is": lambda value: value,
    "text": lambda value: value or None,
    "blank": lambda value: value or "",
    "number": _num,
    "list": lambda value: list(value or []),
    "iso": lambda value: value.isoformat() if value else None,
}


def vehicle_to_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """Turn one joined vehicle row (see indexers.rows) into its search document. Pure.

    Columns declared in the field registry are copied (and converted) as declared; the fields below
    are derived from several columns.
    """
    doc = {field.doc: CONVERSIONS[field.convert](row[field.column]) for field in COPIED_FIELDS}
    make, model = row["make"], row["model"]
    units_per_usd = row["units_per_usd"]
    location = None
    if row["latitude"] is not None and row["longitude"] is not None:
        location = {"lat": row["latitude"], "lon": row["longitude"]}
    elif row["dealer_latitude"] is not None and row["dealer_longitude"] is not None:
        location = {"lat": row["dealer_latitude"], "lon": row["dealer_longitude"]}
    doc.update(
        {
            "vehicle_id": row["id"],
            "title": " ".join(str(part) for part in (row["year"], make, model, row["trim"]) if part),
            "make_model": f"{make} {model}",
            "price_usd": usd_price(row["price"], units_per_usd) if units_per_usd else None,
            "cover": _json(row["cover"]),
            "photo_count": row["photo_count"] or 0,
            "dealer": {
                "id": row["dealer_id"],
                "name": row["dealer_name"],
                "country": row["dealer_country"],
                "city": row["dealer_city"] or None,
                "rating": _num(row["dealer_rating"]),
                "verified": row["dealer_verified"],
            },
            "dealer_rating": _num(row["dealer_rating"]),
            "location": location,
            "suggest": {"input": [make, model, f"{make} {model}"]},
            "sync_version": row["search_version"],
            "sync_bucket": row["id"] % SYNC_BUCKETS,
        }
    )
    # Delivered prices and eligibility, computed by indexers.rows from the reference data in force.
    doc.update(row.get("delivery") or NO_DELIVERY)
    price_usd, value = doc["price_usd"], doc["market_value_usd"]
    doc["deal_rating"] = deal_rating(price_usd, value, doc["market_low_usd"], doc["market_high_usd"])
    doc["deal_gap"] = price_gap(price_usd, value)
    doc["listing_quality"] = listing_quality(row, doc["deal_rating"])
    return doc


# What a complete listing tells a buyer; each one given counts towards its quality.
COMPLETENESS_COLUMNS = (
    "trim",
    "mileage_km",
    "fuel",
    "transmission",
    "body_type",
    "drivetrain",
    "engine",
    "exterior_color",
    "description",
    "vin",
)
DEAL_QUALITY = {"great": 1.0, "good": 0.8, "fair": 0.6, "unknown": 0.4, "high": 0.3, "overpriced": 0.0}


def listing_quality(row: Mapping[str, Any], rating: str) -> float:
    """0-1: completeness 35 %, photos (up to five) 20 %, deal rating 25 %, dealer standing 20 %.

    The "Recommended" order: a complete, photographed, fairly priced listing of a verified, well-rated
    dealer first, however recent; rounded so that recency orders listings of the same quality.
    """
    complete = sum(1 for column in COMPLETENESS_COLUMNS if row[column]) / len(COMPLETENESS_COLUMNS)
    photos = min(row["photo_count"] or 0, 5) / 5
    rating_of_dealer = float(row["dealer_rating"]) / 5 if row["dealer_rating"] is not None else 0.5
    dealer = 0.5 * bool(row["dealer_verified"]) + 0.5 * rating_of_dealer
    return round(0.35 * complete + 0.2 * photos + 0.25 * DEAL_QUALITY[rating] + 0.2 * dealer, 2)
