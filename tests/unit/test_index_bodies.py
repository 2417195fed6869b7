"""The index admin's table and the bodies it creates indexes from: pure, no server."""

from __future__ import annotations

from es_mappings.saved_searches import PERCOLATOR_FIELDS, saved_search_index_body
from es_mappings.vehicles import vehicle_index_body
from indexers import index_admin


def test_the_percolator_parses_vehicles_exactly_as_the_vehicle_index_does():
    vehicle, percolator = vehicle_index_body(), saved_search_index_body()
    assert percolator["settings"] == vehicle["settings"], "same analyzers, shards and replicas"
    assert percolator["mappings"]["dynamic"] == "strict"
    properties = percolator["mappings"]["properties"]
    assert not set(PERCOLATOR_FIELDS) & set(vehicle["mappings"]["properties"]), "no vehicle field is shadowed"
    assert properties == {**vehicle["mappings"]["properties"], **PERCOLATOR_FIELDS}
    assert properties["query"] == {"type": "percolator"}


def test_building_the_percolator_body_leaves_the_vehicle_body_alone():
    saved_search_index_body()["mappings"]["properties"]["extra"] = {"type": "keyword"}
    assert "query" not in vehicle_index_body()["mappings"]["properties"]
    assert "extra" not in saved_search_index_body()["mappings"]["properties"]


def test_every_index_kind_has_its_own_alias_and_a_strict_body(settings):
    settings.SEARCH_INDEX_PREFIX = "unit"
    aliases = [kind.alias() for kind in index_admin.INDEX_KINDS]
    assert aliases == ["unit-vehicles", "unit-suggestions", "unit-saved-searches"]
    for kind in index_admin.INDEX_KINDS:
        assert kind.body()["mappings"]["dynamic"] == "strict", kind.name
        assert index_admin.new_physical_name(kind).startswith(f"{kind.alias()}-")
    # Physical names are listed by `<alias>-*`: no alias may be a prefix of another's pattern.
    assert not any(a != b and a.startswith(f"{b}-") for a in aliases for b in aliases)
