"""Query builders and result shaping, through .to_dict() and plain dicts: no engine, no database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timezone

import pytest

from search.analytics import days_on_market_search, listings_over_time_search, price_statistics_search
from search.cursors import InvalidCursor, decode_cursor, encode_cursor
from search.facets import FACET_NAMES, facet_aggregations, facet_groups
from search.filters import selection_filters
from search.request import GeoCircle, Page, Range, Scope, VehicleQuery
from search.results import facet_lists, vehicle_card
from search.similar import Target, similar_vehicles_search, similarity_reasons
from search.sorting import sort_clause
from search.suggest import suggestions_search, typeahead_vehicles_search
from search.vehicles import narrow_group_facets_searches, vehicle_facets_search, vehicle_hits_search

PUBLIC = Scope(statuses=("available", "reserved"))
SELECTED = VehicleQuery(
    text="toyota",
    terms={"make": ("Toyota", "Honda"), "body": ("suv",)},
    ranges={"price": Range(5000, 20000), "year": Range(2015, None)},
)


def find(tree, key):
    """Every value stored under `key` anywhere in a nested dict/list."""
    found = []
    if isinstance(tree, dict):
        for k, v in tree.items():
            if k == key:
                found.append(v)
            found.extend(find(v, key))
    elif isinstance(tree, list):
        for item in tree:
            found.extend(find(item, key))
    return found


def filters_by_facet(selected: VehicleQuery) -> dict[str, tuple[set[str], set[str]]]:
    """Facet name -> (fields filtered on, names of the facets sharing that filter)."""
    aggs = {n: a.to_dict() for n, a in facet_aggregations(selection_filters(selected)).items()}
    out = {}
    for key, agg in aggs.items():
        fields = {next(iter(next(iter(c.values())))) for c in agg["filter"]["bool"].get("filter", [])}
        members = set(agg.get("aggs", {}))
        for name in members | {key}:
            out[name] = (fields, members)
    return out


def test_each_facet_is_filtered_by_the_other_selections_only():
    groups = filters_by_facet(SELECTED)
    assert set(FACET_NAMES) <= set(groups)
    # make ignores make and model (hierarchical); keeps body, price, year.
    assert groups["make"][0] == {"body_type", "price_usd", "year"}
    assert groups["body"][0] == {"make.folded", "price_usd", "year"}
    assert groups["price"][0] == {"make.folded", "body_type", "year"}
    assert groups["fuel"][0] == {"make.folded", "body_type", "price_usd", "year"}
    assert groups["all_selections"][0] == {"make.folded", "body_type", "price_usd", "year"}


def test_facets_sharing_their_selections_share_one_filter():
    aggs = {n: a.to_dict() for n, a in facet_aggregations(selection_filters(SELECTED)).items()}
    # 4 selected facets (make, body, price, year) -> 4 "without" groups + the one with all selections.
    assert set(aggs) == {"all_selections", "without_make", "without_body", "without_price", "without_year"}
    assert {"fuel", "model", "status", "dealer", "mileage"} <= set(aggs["all_selections"]["aggs"])
    assert aggs["without_make"]["aggs"]["make"]["aggs"]["models"]["terms"]["field"] == "model.raw"
    plain = {n: a.to_dict() for n, a in facet_aggregations({}).items()}
    assert list(plain) == ["all_selections"] and plain["all_selections"]["filter"] == {"bool": {}}


def test_selections_filter_the_hits_without_scoring_and_the_scope_is_in_the_query():
    body = vehicle_hits_search(SELECTED, scope=PUBLIC, sort="relevance", page=Page()).to_dict()
    assert "post_filter" not in body
    selections = json.dumps(body["query"]["bool"]["filter"])
    assert "make.folded" in selections and "body_type" in selections and "price_usd" in selections
    (scored,) = body["query"]["bool"]["must"]
    assert "make.folded" not in json.dumps(scored) and "price_usd" not in json.dumps(scored)
    assert '{"bool": {"must_not": [{"terms": {"status": ["sold", "withdrawn"]}}]}}' in json.dumps(scored)
    assert body["sort"][-1] == {"vehicle_id": "asc"}
    assert body["track_total_hits"] is False
    assert "highlight" in body


def test_text_query_is_fuzzy_with_boosts():
    body = vehicle_hits_search(VehicleQuery(text="Toyoya Camri"), scope=PUBLIC, sort="relevance", page=Page()).to_dict()
    multi = find(body, "multi_match")
    assert any(m.get("fuzziness") == "AUTO" for m in multi)
    assert any("make^4" in m["fields"] for m in multi)
    assert find(body, "function_score"), "relevance blends freshness and availability"


def test_no_text_means_no_highlight_and_no_scoring():
    body = vehicle_hits_search(VehicleQuery(), scope=PUBLIC, sort="newest", page=Page(size=5, number=3)).to_dict()
    assert "highlight" not in body and not find(body, "function_score")
    assert body["from"] == 10 and body["size"] == 5
    assert body["sort"][0] == {"listed_at": {"order": "desc", "missing": "_last"}}


def test_cursor_page_uses_search_after_not_from():
    page = Page(size=10, search_after=(12.5, 99))
    body = vehicle_hits_search(VehicleQuery(), scope=PUBLIC, sort="price_asc", page=page).to_dict()
    assert body["search_after"] == [12.5, 99] and "from" not in body


def test_dealer_scope_and_geo_filter():
    query = VehicleQuery(near=GeoCircle(lat=-4.0, lon=39.6, radius_km=50))
    body = vehicle_facets_search(query, scope=Scope(statuses=("available",), dealer_id=7)).to_dict()
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"dealer.id": 7}} in filters
    assert {"geo_distance": {"distance": "50km", "location": {"lat": -4.0, "lon": 39.6}}} in filters
    assert body["size"] == 0 and body["track_total_hits"] is True


def test_distance_sort_needs_a_point():
    with pytest.raises(ValueError):
        sort_clause("distance")
    clause = sort_clause("distance", near=GeoCircle(1, 2, 3))
    assert clause[0]["_geo_distance"]["location"] == {"lat": 1, "lon": 2}


def test_price_histogram_buckets_follow_the_callers_currency():
    aggs = facet_aggregations({}, names=("price",), units_per_usd=129.5)
    assert aggs["all_selections"].to_dict()["aggs"]["price"]["histogram"]["interval"] == pytest.approx(5000 / 129.5)
    shaped = facet_lists(
        {"all_selections": {"doc_count": 3, "price": {"buckets": [{"key": 5000 / 129.5, "doc_count": 3}]}}},
        terms={},
        units_per_usd=129.5,
    )
    assert shaped["price"] == [{"from": 5000.0, "to": 10000.0, "count": 3}]


def test_term_facets_flag_selected_values_and_nest_models():
    raw = {
        "without_make": {
            "doc_count": 6,
            "make": {
                "buckets": [
                    {"key": "Toyota", "doc_count": 4, "models": {"buckets": [{"key": "Camry", "doc_count": 4}]}},
                    {"key": "Honda", "doc_count": 2, "models": {"buckets": []}},
                ]
            },
        }
    }
    shaped = facet_lists(raw, terms={"make": ("toyota",)}, units_per_usd=1)
    assert shaped["make"][0] == {
        "value": "Toyota",
        "count": 4,
        "selected": True,
        "models": [{"value": "Camry", "count": 4}],
    }
    assert shaped["make"][1]["selected"] is False


def test_cursor_round_trip_and_rejections():
    token = encode_cursor([3.5, 17], fingerprint="abc")
    assert decode_cursor(token, fingerprint="abc") == (3.5, 17)
    with pytest.raises(InvalidCursor):
        decode_cursor(token, fingerprint="other-query")
    with pytest.raises(InvalidCursor):
        decode_cursor(token[:-3] + "xyz", fingerprint="abc")
    with pytest.raises(InvalidCursor):
        decode_cursor("garbage", fingerprint="abc")


def test_fingerprint_ignores_value_order_but_not_values():
    a = VehicleQuery(terms={"make": ("Toyota", "Honda")})
    b = VehicleQuery(terms={"make": ("Honda", "Toyota")})
    c = VehicleQuery(terms={"make": ("Honda",)})
    assert a.fingerprint("newest") == b.fingerprint("newest") != c.fingerprint("newest")
    assert a.fingerprint("newest") != a.fingerprint("price_asc")


TARGET = Target(
    vehicle_id=5,
    make="Toyota",
    model="Camry",
    body_type="sedan",
    year=2018,
    price_usd=20000.0,
    text="Toyota Camry sedan sunroof",
)


def test_similar_excludes_itself_and_keeps_only_available():
    body = similar_vehicles_search(TARGET, size=10).to_dict()
    inner = body["query"]["function_score"]["query"]["bool"]
    assert inner["must_not"] == [{"term": {"vehicle_id": 5}}]
    assert inner["filter"] == [{"term": {"status": "available"}}]
    gauss = [f["gauss"] for f in body["query"]["function_score"]["functions"] if "gauss" in f]
    assert {"price_usd": {"origin": 20000.0, "scale": 2000.0, "offset": 400.0, "decay": 0.5}} in gauss
    assert find(body, "more_like_this")[0]["like"] == TARGET.text


def test_similarity_reasons_in_words():
    reasons = similarity_reasons(
        TARGET, {"make": "Toyota", "model": "Corolla", "body_type": "sedan", "price_usd": 21500, "year": 2017}, ["text"]
    )
    assert reasons == ["Same make", "Same body type", "Similar price (±10%)", "Within 1 year", "Similar description"]
    assert "Same model" in similarity_reasons(TARGET, {"make": "Toyota", "model": "Camry"}, [])


def test_typeahead_requests_are_cheap():
    sugg = suggestions_search("toyp", size=8).to_dict()
    assert sugg["track_total_hits"] is False and sugg["size"] == 8
    assert any(m.get("text.prefix", {}).get("fuzziness") == "AUTO" for m in find(sugg, "match"))
    vehicles = typeahead_vehicles_search("toyota ca", scope=PUBLIC, size=3).to_dict()
    assert vehicles["size"] == 3 and "aggs" not in vehicles
    assert find(vehicles, "multi_match")[0]["type"] == "bool_prefix"


def test_analytics_builders_apply_every_filter():
    body = price_statistics_search(SELECTED, scope=PUBLIC, group_by="model", size=5).to_dict()
    assert body["size"] == 0
    filters = json.dumps(body["query"]["bool"]["filter"])
    assert "make.folded" in filters and "price_usd" in filters and "status" in filters
    assert body["aggs"]["groups"]["terms"]["field"] == "make_model"
    assert body["aggs"]["price_percentiles"]["percentiles"]["percents"] == [5, 25, 50, 75, 95]
    assert (
        listings_over_time_search(VehicleQuery(), scope=PUBLIC, interval="week").to_dict()["aggs"]["over_time"][
            "date_histogram"
        ]["calendar_interval"]
        == "week"
    )
    assert "listed" in days_on_market_search(VehicleQuery(), scope=PUBLIC, group_by=None, size=5).to_dict()["aggs"]


def test_vehicle_card_converts_prices_and_counts_days():
    now = datetime(2025, 3, 11, tzinfo=UTC)
    card = vehicle_card(
        {
            "vehicle_id": 1,
            "price": 10000.0,
            "currency": "EUR",
            "price_usd": 10869.57,
            "listed_at": "2025-03-01T00:00:00+00:00",
            "dealer": {"id": 2},
        },
        currency="KES",
        units_per_usd=129.5,
        now=now,
    )
    assert card["display_price"] == {"amount": round(10869.57 * 129.5, 2), "currency": "KES"}
    assert card["price"] == {"amount": 10000.0, "currency": "EUR"}
    assert card["days_on_market"] == 10


def test_a_narrow_group_is_counted_over_its_own_documents():
    # Its selections are in the query (the engine walks only the group's documents); its facets are
    # plain aggregations, the same as under the market-wide request's filter aggregation.
    query = VehicleQuery(terms={"make": ("Toyota",), "body": ("suv",)})
    groups = facet_groups(selection_filters(query), names=("make", "fuel"))
    assert set(groups) == {"all_selections", "without_make"} and groups["without_make"].facets == ("make",)
    (search,) = narrow_group_facets_searches(
        query, scope=PUBLIC, groups=("without_make",), facets=("make", "fuel"), units_per_usd=1.0
    )
    body = search.to_dict()
    filters = json.dumps(body["query"]["bool"]["filter"])
    assert "body_type" in filters and "make.folded" not in filters
    wide = facet_aggregations(selection_filters(query), names=("make", "fuel"))["without_make"].to_dict()
    assert body["aggs"] == wide["aggs"] and body["size"] == 0
