"""Market value: features, refusals, deal ratings, holds and the sentence. No server."""

from __future__ import annotations

import math

import pytest

from pricing.features import Car, ImpossibleValue, check, engine_parts, features, segment
from pricing.ratings import deal_rating, hold_reason, price_gap
from search.deals import about_km, deal_sentence

VALUE, LOW, HIGH = 10000.0, 10000 * math.exp(-0.15), 10000 * math.exp(0.15)


@pytest.mark.parametrize(
    ("price", "rating"),
    [(8000, "great"), (9200, "good"), (10000, "fair"), (11000, "high"), (12000, "overpriced")],
)
def test_a_price_is_rated_by_its_place_in_the_interval(price, rating):
    assert deal_rating(price, VALUE, LOW, HIGH) == rating


def test_no_value_means_not_enough_data_never_a_made_up_rating():
    assert deal_rating(9000, None, None, None) == "unknown"
    assert price_gap(9000, None) is None


@pytest.mark.parametrize(
    ("field", "car"),
    [
        ("year", Car("Toyota", "Hilux", 1800, "GB")),
        ("mileage_km", Car("Toyota", "Hilux", 2016, "GB", mileage_km=-5)),
        ("model", Car("Toyota", "", 2016, "GB")),
    ],
)
def test_impossible_values_are_refused_with_the_field_named(field, car):
    with pytest.raises(ImpossibleValue) as refused:
        check(car, as_of=2026)
    assert refused.value.field == field


def test_engine_size_cylinders_and_power_are_read_from_every_source_spelling():
    assert engine_parts("2.0L I4 16V GDI DOHC Turbo") == (2.0, 4.0, None)
    assert engine_parts("4 cyl, 2.2 L") == (2.2, 4.0, None)
    assert engine_parts("150 PS") == (None, None, 150.0)


def test_features_count_age_from_when_the_price_was_asked():
    row = features(Car("Toyota", "Hilux", 2016, "GB", mileage_km=120000), as_of=2020)
    assert row["age"] == 4 and row["km_per_year"] == 30000 and row["make_model"] == "toyota|hilux"
    assert segment("US", "private") == "US private" and segment("KE", "dealer") == "*"


def test_implausible_listings_are_held_with_their_reason():
    common = {"age": 5, "mileage_km": 80000, "value": VALUE, "low": LOW, "high": HIGH}
    assert hold_reason(model="Astra", body_type="pickup", price_usd=9000, **common) == "body_ruled_out"
    assert hold_reason(model="C-Class", body_type="sedan", price_usd=100, **common) == "price_far_below"
    assert hold_reason(model="C-Class", body_type="sedan", price_usd=90000, **common) == "price_far_above"
    assert hold_reason(model="C-Class", body_type="sedan", price_usd=9000, **common) == ""
    too_far = {**common, "mileage_km": 900000}
    assert hold_reason(model="Hilux", body_type="pickup", price_usd=9000, **too_far) == "mileage_impossible"


def test_the_sentence_says_how_far_from_similar_cars():
    source = {
        "deal_gap": -0.12,
        "market_value_usd": 20000,
        "year": 2016,
        "make": "Toyota",
        "model": "Hilux",
        "mileage_km": 118500,
        "country": "GB",
    }
    assert deal_sentence(source) == "12 % below similar 2016 Toyota Hilux with about 120,000 km in United Kingdom"
    assert about_km(12400) == 12000
    assert "Not enough" in deal_sentence({"deal_gap": None})


def test_every_hold_reason_has_its_sentence_for_the_dealer():
    from pricing.ratings import HOLD_REASONS
    from web.dealers.holds import HOLD_REASON_TEXT

    assert set(HOLD_REASON_TEXT) == set(HOLD_REASONS)
