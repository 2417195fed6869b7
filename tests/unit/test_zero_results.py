"""Relaxing a search that found nothing, with no server: which constraints go first."""

from __future__ import annotations

from search.request import Range, VehicleQuery
from search.zero_results import did_you_mean, param_names, relaxations


def test_details_go_one_at_a_time_then_all_of_them_and_the_make_last():
    query = VehicleQuery(
        text="sunroof",
        terms={"make": ("Ferrari",), "fuel": ("diesel",), "body": ("pickup",)},
        ranges={"price": Range(high=1000.0)},
    )
    order = [dropped for dropped, _ in relaxations(query)]
    assert order == [["price"], ["fuel"], ["body"], ["q"], ["price", "fuel", "body", "q"], ["make"]]
    relaxed = {tuple(d): q for d, q in relaxations(query)}[("price", "fuel", "body", "q")]
    assert relaxed.terms == {"make": ("Ferrari",)} and relaxed.ranges == {} and relaxed.text == ""


def test_a_single_constraint_is_not_relaxed_away():
    assert relaxations(VehicleQuery(text="qwxyz")) == []
    assert relaxations(VehicleQuery(terms={"make": ("Ferrari",)})) == []


def test_dropped_ranges_are_named_by_the_parameters_sent():
    query = VehicleQuery(ranges={"price": Range(low=10.0, high=20.0), "year": Range(high=2010)})
    assert param_names(query, ["price", "year", "fuel"]) == ["price_min", "price_max", "year_max", "fuel"]


def test_did_you_mean_corrects_the_unknown_words_only():
    response = {"suggest": {"words": [{"text": "sunroff", "options": [{"text": "sunroof"}]}]}}
    assert did_you_mean("Toyota Hilux sunroff", response) == "toyota hilux sunroof"
    assert did_you_mean("toyota", {"suggest": {"words": [{"text": "toyota", "options": []}]}}) is None
