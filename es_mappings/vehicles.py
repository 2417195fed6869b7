"""The vehicle search document: its mapping, its index settings, and the row → document transform.

Pure: nothing here talks to the cluster. Code always addresses the index by its alias
(`vehicles_alias()`); physical indexes behind it are named `<alias>-<timestamp>` by the rebuilder.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
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

from search.fields import SYNC_BUCKETS, usd_price

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


class VehicleDocument(Document):
    vehicle_id = Long()
    vin = Keyword()
    title = Text(analyzer=vehicle_text, search_analyzer=vehicle_text_search)
    make = _text_with_keyword(facet=True)
    model = _text_with_keyword(compact=True, facet=True)
    trim = _text_with_keyword()
    make_model = Keyword(
        fields={
            "sayt": SearchAsYouType(analyzer=vehicle_text),
            "compact_prefix": Text(analyzer=vehicle_compact_prefix, search_analyzer=vehicle_compact),
        }
    )
    year = Integer()
    price = Double()
    currency = Keyword()
    price_usd = Double()
    mileage_km = Integer()
    condition = _facet_keyword()
    body_type = _facet_keyword(fields={"text": Text(analyzer=vehicle_text, search_analyzer=vehicle_text_search)})
    fuel = _facet_keyword()
    transmission = _facet_keyword()
    drivetrain = _facet_keyword()
    engine = Text(analyzer=vehicle_text, fields={"raw": Keyword()})
    exterior_color = _facet_keyword(fields={"folded": Keyword(normalizer=folded_keyword)})
    interior_color = Keyword(fields={"folded": Keyword(normalizer=folded_keyword)})
    features = Keyword(fields={"text": Text(analyzer=vehicle_text, search_analyzer=vehicle_text_search)})
    description = Text(analyzer=vehicle_text, search_analyzer=vehicle_text_search)
    photo = Keyword(index=False)
    dealer = Object(DealerInner)
    country = _facet_keyword()
    city = Keyword(fields={"folded": Keyword(normalizer=folded_keyword)})
    location = GeoPoint()
    status = _facet_keyword()
    listed_at = Date()
    updated_at = Date()
    # Typeahead: completion over make, model and "make model", weighted by listing count at index time.
    suggest = Completion(analyzer=vehicle_prefix_search, preserve_separators=False, max_input_length=60)
    # The row's search_version, also the document's external version; with sync_bucket, it lets
    # reconciliation checksum the index per bucket with one aggregation.
    sync_version = Long()
    sync_bucket = Integer()


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


def vehicle_index_body() -> dict[str, Any]:
    """Settings (with analyzers) and mappings for a new physical vehicle index."""
    body = vehicle_index("unused").to_dict()
    body["mappings"]["dynamic"] = "strict"
    return body


def _num(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def vehicle_to_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """Turn one joined vehicle row (see indexers.rows) into its search document. Pure."""
    make, model, trim = row["make"], row["model"], row["trim"] or ""
    title = " ".join(str(part) for part in (row["year"], make, model, trim) if part)
    units_per_usd = row["units_per_usd"]
    price_usd = usd_price(row["price"], units_per_usd) if units_per_usd else None
    location = None
    if row["latitude"] is not None and row["longitude"] is not None:
        location = {"lat": row["latitude"], "lon": row["longitude"]}
    elif row["dealer_latitude"] is not None and row["dealer_longitude"] is not None:
        location = {"lat": row["dealer_latitude"], "lon": row["dealer_longitude"]}
    return {
        "vehicle_id": row["id"],
        "vin": row["vin"],
        "title": title,
        "make": make,
        "model": model,
        "trim": trim,
        "make_model": f"{make} {model}",
        "year": row["year"],
        "price": _num(row["price"]),
        "currency": row["currency_id"],
        "price_usd": price_usd,
        "mileage_km": row["mileage_km"],
        "condition": row["condition"],
        "body_type": row["body_type"] or None,
        "fuel": row["fuel"] or None,
        "transmission": row["transmission"] or None,
        "drivetrain": row["drivetrain"] or None,
        "engine": row["engine"] or None,
        "exterior_color": row["exterior_color"] or None,
        "interior_color": row["interior_color"] or None,
        "features": list(row["features"] or []),
        "description": row["description"] or "",
        "photo": (row["photos"] or [None])[0],
        "dealer": {
            "id": row["dealer_id"],
            "name": row["dealer_name"],
            "country": row["dealer_country"],
            "city": row["dealer_city"] or None,
            "rating": _num(row["dealer_rating"]),
            "verified": row["dealer_verified"],
        },
        "country": row["country"],
        "city": row["city"] or None,
        "location": location,
        "status": row["status"],
        "listed_at": _iso(row["listed_at"]),
        "updated_at": _iso(row["updated_at"]),
        "suggest": {"input": [make, model, f"{make} {model}"]},
        "sync_version": row["search_version"],
        "sync_bucket": row["id"] % SYNC_BUCKETS,
    }
