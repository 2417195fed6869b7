"""Look-alike listings (one dealer's same car listed twice) rank apart on a page, with no server."""

from search.results import spread_lookalikes


def card(vid, *, dealer=1, model="Fiesta", price=5000.0, mileage=42000):
    return {
        "id": vid,
        "dealer": {"id": dealer},
        "make": "Ford",
        "model": model,
        "trim": "Zetec",
        "year": 2016,
        "price": {"amount": price, "currency": "GBP"},
        "mileage_km": mileage,
    }


def test_repeats_of_one_car_move_behind_the_distinct_cars_in_order():
    cards = [card(1), card(2), card(3), card(4, price=5100.0), card(5, dealer=2), card(6, mileage=1)]
    assert [c["id"] for c in spread_lookalikes(cards)] == [1, 4, 5, 6, 2, 3]


def test_distinct_cars_keep_their_order():
    cards = [card(1), card(2, model="Focus"), card(3, dealer=3)]
    assert spread_lookalikes(cards) == cards
