"""The field registry (search/fields.py) and everything derived from it stay in step: each test here
fails when one of the derived lists drifts from the declarations or a declaration is incomplete."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from es_mappings.vehicles import vehicle_index_body, vehicle_to_document
from indexers.rows import VEHICLE_ROW_SQL
from search import fields
from search.facets import FACET_NAMES, HISTOGRAM_FACETS, TERM_FACETS, facet_aggregations
from search.filters import RANGE_FILTER_FIELDS, TERM_FILTER_FIELDS, range_filter, term_filter
from search.params import SEARCH_LOG_TERMS, VehicleFilterParams, VehicleSearchParams
from search.request import Range
from search.understanding import TERM_CHIPS
from search.vehicles import HIT_SOURCE
from search.zero_results import DROP_ORDER
from web.labels import FACET_TITLES, VALUES


def a_row(**overrides) -> dict:
    """A joined vehicle row as indexers.rows reads it: every column it selects, filled."""
    row = dict.fromkeys(re.findall(r"\bv\.(\w+)", VEHICLE_ROW_SQL), "x")
    row.update(
        id=7,
        year=2019,
        price=Decimal("12500.00"),
        units_per_usd=Decimal(1),
        mileage_km=80000,
        features=["ac"],
        photo_count=1,
        cover={
            "variants": {"base": "photos/ab/ab/r1", "widths": [160, 320], "formats": ["webp"]},
            "placeholder": "data:image/webp;base64,AA",
            "width": 800,
            "height": 600,
            "illustration": False,
        },
        latitude=None,
        longitude=None,
        listed_at=datetime(2026, 1, 1, tzinfo=UTC),
        updated_at=datetime(2026, 1, 2, tzinfo=UTC),
        search_version=3,
        market_value_usd=Decimal("14000.00"),
        market_low_usd=Decimal("12000.00"),
        market_high_usd=Decimal("16500.00"),
        held_reason="",
        dealer_id=1,
        dealer_name="Coast Motors",
        dealer_country="KE",
        dealer_city="Mombasa",
        dealer_rating=None,
        dealer_verified=True,
        dealer_latitude=-4.05,
        dealer_longitude=39.67,
    )
    row.update(overrides)
    return row


def test_the_mapping_holds_exactly_the_fields_the_transform_writes():
    mapped = set(vehicle_index_body()["mappings"]["properties"])
    assert set(vehicle_to_document(a_row())) == mapped == {field.doc for field in fields.FIELDS}


def test_per_port_fields_are_mapped_by_template_and_filtered_on_the_chosen_port():
    body = vehicle_index_body()["mappings"]
    templates = {next(iter(t.values()))["path_match"] for t in body["dynamic_templates"]}
    assert templates == {f"{field.doc}.*" for field in fields.PER_PORT_FIELDS}
    for name in fields.PER_PORT_RANGES:
        field = fields.BY_NAME[name]
        assert body["properties"][field.doc] == {"type": "object", "dynamic": True}
        assert range_filter(name, Range(1, 2), "KEMBA").to_dict() == {
            "range": {f"{field.range_on}.KEMBA": {"gte": 1, "lte": 2}}
        }
        with pytest.raises(ValueError):
            range_filter(name, Range(1, 2))


def test_the_transform_copies_the_delivery_fields_the_indexer_computed():
    delivery = {
        "cif_usd": {"KEMBA": 1.0},
        "delivered_usd": {"KEMBA": 2.0},
        "importable_to": ["KE"],
        "import_refusals": ["GH:steering"],
    }
    document = vehicle_to_document(a_row(delivery=delivery))
    assert {key: document[key] for key in delivery} == delivery
    assert vehicle_to_document(a_row())["delivered_usd"] == {}


def test_the_row_sql_reads_every_column_the_registry_copies():
    selected = set(re.findall(r"\bv\.(\w+)", VEHICLE_ROW_SQL))
    assert {field.column for field in fields.COPIED_FIELDS} <= selected


def test_every_facet_has_a_filter_a_parameter_and_a_title():
    params = set(VehicleSearchParams().fields)
    for name in FACET_NAMES:
        assert name in TERM_FILTER_FIELDS or name in RANGE_FILTER_FIELDS, name
        assert name in params or set(fields.range_params(name)) <= params, name
        assert name in FACET_TITLES, name


def test_selecting_any_facet_builds_its_filter_and_its_disjunctive_counts():
    # Was: a facet without a filter entry raised KeyError (HTTP 500) once a buyer selected it.
    for name in TERM_FACETS:
        selected = {name: term_filter(name, ("a",))}
        assert facet_aggregations(selected, names=FACET_NAMES)
    for name in HISTOGRAM_FACETS:
        assert range_filter(name, Range(1, 2)).to_dict()


def test_every_selection_has_a_relaxation_rank_and_every_chip_an_order():
    # Was: a facet missing from DROP_ORDER was the first relaxed; a chip missing from CHIP_ORDER a ValueError.
    for field in (*fields.TERM_FIELDS, *fields.RANGE_FIELDS):
        assert field.name in DROP_ORDER
    chip_params = {param for param, _codes in fields.ATTRIBUTE_WORDS.values()} | {"make", "model"}
    assert chip_params <= set(TERM_CHIPS)
    for field in fields.RANGE_FIELDS:
        if field.chip_rank is not None:
            assert set(fields.range_params(field.name)) <= set(fields.CHIP_ORDER)


def test_words_select_declared_values_of_filterable_fields():
    for phrase, (param, codes) in fields.ATTRIBUTE_WORDS.items():
        field = fields.BY_NAME[param]
        assert field.terms_on, phrase
        assert set(codes) <= set(field.value_codes), phrase


def test_hit_source_and_cards_read_document_fields():
    documents = {field.doc for field in fields.FIELDS}
    assert set(HIT_SOURCE) <= documents
    assert {field.doc for field in fields.CARD_FIELDS} <= documents


def test_search_log_terms_are_selection_parameters():
    assert set(SEARCH_LOG_TERMS) <= set(fields.TERM_PARAMS)


def test_every_parameter_is_declared_once():
    # `port`, like `currency`, says how prices are read, not which cars: it is no field's parameter.
    selections = set(VehicleFilterParams().fields) - {"q", "currency", "lat", "lon", "radius_km", "port"}
    declared = set(fields.TERM_PARAMS) | {p for name in fields.RANGES for p in fields.range_params(name)}
    assert selections == declared


def _french_catalog() -> dict:
    with translation.override("fr"):
        return trans_real.translation("fr")._catalog


@pytest.mark.parametrize("field", [f for f in fields.FIELDS if f.label], ids=lambda f: f.name)
def test_every_label_and_value_has_french(field):
    catalog = _french_catalog()
    for text in (field.label, *(value.label for value in field.values)):
        with translation.override(None):
            msgid = str(text)
        assert catalog.get(msgid), msgid


def test_value_labels_come_from_the_registry():
    assert VALUES["steering"] == {
        "lhd": fields.BY_NAME["steering"].values[0].label,
        "rhd": fields.BY_NAME["steering"].values[1].label,
    }
    with translation.override("fr"):
        assert str(VALUES["steering"]["rhd"]) == "Conduite à droite"
