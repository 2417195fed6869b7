"""Query understanding, with no server: each case of the relevance issue read out of free text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from search.fields import usd_price
from search.request import Range, VehicleQuery
from search.understanding import Vocabulary, compact, edit_distance, interpret, interpreted_query

# (make, model, listings): a slice of the real market's names, spelt as the catalog spells them.
ROWS = [
    ("Toyota", "C-HR", 572),
    ("Toyota", "RAV4", 1050),
    ("Toyota", "Hilux", 517),
    ("Toyota", "Land Cruiser", 457),
    ("Toyota", "Corolla", 795),
    ("Nissan", "X-Trail", 281),
    ("Nissan", "Navara", 259),
    ("Nissan", "Pick", 3),
    ("Ford", "F-150", 120),
    ("Ford", "F250", 2),
    ("Ford", "F", 9),
    ("Ford", "Fiesta", 6810),
    ("Ford", "Ranger", 405),
    ("BMW", "3 Series", 3672),
    ("BMW", "X5", 780),
    ("Peugeot", "3 Series", 14),
    ("Peugeot", "2008", 40),
    ("Audi", "Q5", 1068),
    ("Infiniti", "Q50", 22),
    ("Isuzu", "D-Max", 131),
    ("Mazda", "BT-50", 196),
    ("Mazda", "3", 246),
    ("Mercedes-Benz", "C-Class", 5968),
    ("Mercedes-Benz", "E-Class", 3811),
    ("Vauxhall", "Astra", 2655),
    ("Opel", "Astra", 529),
    ("Holden", "Astra", 48),
    ("Volkswagen", "Golf", 6457),
    ("SEAT", "Ibiza", 120),
]
VOCABULARY = Vocabulary.from_rows(ROWS)
RATES = {
    "USD": Decimal(1),
    "EUR": Decimal("0.96"),
    "GBP": Decimal("0.8"),
    "AUD": Decimal("1.61"),
    "NGN": Decimal(1540),
    "XOF": Decimal(630),
    "KES": Decimal("129.3"),
}


def chips(text: str, **kwargs) -> dict[str, tuple[str, ...]]:
    found = interpret(text, vocabulary=VOCABULARY, units_per_usd=RATES, **kwargs)
    out: dict[str, tuple[str, ...]] = {}
    for chip in found.chips:
        out[chip.param] = (*out.get(chip.param, ()), chip.value)
    return out


@pytest.mark.parametrize(
    ("text", "make", "model"),
    [
        ("toyota chr", "Toyota", "C-HR"),
        ("c hr", "Toyota", "C-HR"),
        ("CHR", "Toyota", "C-HR"),
        ("toyota c-hr", "Toyota", "C-HR"),
        ("nissan xtrail", "Nissan", "X-Trail"),
        ("x trail", "Nissan", "X-Trail"),
        ("rav 4", "Toyota", "RAV4"),
        ("rav-4", "Toyota", "RAV4"),
        ("ford f150", "Ford", "F-150"),
        ("f 150", "Ford", "F-150"),
        ("bmw 3series", "BMW", "3 Series"),
        ("bmw 330i", "BMW", "3 Series"),
        ("320d", "BMW", "3 Series"),
        ("audi q 5", "Audi", "Q5"),
        ("q 5", "Audi", "Q5"),
        ("isuzu dmax", "Isuzu", "D-Max"),
        ("d max", "Isuzu", "D-Max"),
        ("mazda bt50", "Mazda", "BT-50"),
        ("bt 50", "Mazda", "BT-50"),
        ("mercedes c class", "Mercedes-Benz", "C-Class"),
        ("benz c220", "Mercedes-Benz", "C-Class"),
        ("classe e", "Mercedes-Benz", "E-Class"),
    ],
)
def test_model_name_variants_are_one_model(text, make, model):
    found = chips(text)
    assert found["model"] == (model,)
    assert found["make"] == (make,)


@pytest.mark.parametrize(
    ("text", "make", "model"),
    [
        ("prado", "Toyota", "Land Cruiser"),
        ("toyota landcruiser", "Toyota", "Land Cruiser"),
        ("land cruiser prado", "Toyota", "Land Cruiser"),
        ("benz", "Mercedes-Benz", None),
        ("merc e class", "Mercedes-Benz", "E-Class"),
        ("vw golf", "Volkswagen", "Golf"),
    ],
)
def test_aliases(text, make, model):
    found = chips(text)
    assert found["make"] == (make,)
    assert found.get("model") == ((model,) if model else None)


@pytest.mark.parametrize(
    ("text", "make", "model"),
    [("toyta corola", "Toyota", "Corolla"), ("nissan navarra", "Nissan", "Navara"), ("frod rangr", "Ford", "Ranger")],
)
def test_misspelt_makes_and_models(text, make, model):
    assert chips(text) == {"make": (make,), "model": (model,)}


def test_ordinary_words_are_not_taken_for_misspelt_makes():
    # "seats" is one letter from SEAT, "cab" from nothing useful: neither is a make.
    assert chips("bmw x5 leather seats") == {"make": ("BMW",), "model": ("X5",)}
    assert "make" not in chips("leather seats")


def test_a_model_of_several_makes_selects_the_model_only():
    found = interpret("astra", vocabulary=VOCABULARY, units_per_usd=RATES)
    assert [(c.param, c.value) for c in found.chips] == [("model", "Astra")]
    assert found.chips[0].label == "Astra"


def test_a_model_mostly_of_one_make_selects_that_make_too():
    found = interpret("chr", vocabulary=VOCABULARY, units_per_usd=RATES)
    assert [(c.param, c.value, c.label) for c in found.chips] == [
        ("make", "Toyota", "Toyota"),
        ("model", "C-HR", "Toyota C-HR"),
    ]


def test_short_or_numeric_model_names_need_their_make():
    assert "model" not in chips("3")
    assert chips("mazda 3")["model"] == ("3",)
    assert chips("peugeot 2008") == {"make": ("Peugeot",), "model": ("2008",)}
    assert chips("pick up nissan") == {"make": ("Nissan",), "body": ("pickup",)}


@pytest.mark.parametrize(
    ("text", "year_min", "year_max"),
    [
        ("toyota hilux 2015", "2015", "2015"),
        ("corolla 2015-2018", "2015", "2018"),
        ("corolla 2015 to 2018", "2015", "2018"),
        ("x-trail 2014 2016", "2014", "2016"),
        ("golf after 2016", "2017", None),
        ("golf since 2016", "2016", None),
        ("golf 2017+", "2017", None),
        ("fiesta before 2010", None, "2009"),
        ("corolla après 2015", "2016", None),
    ],
)
def test_years_and_ranges(text, year_min, year_max):
    found = chips(text)
    assert found.get("year_min") == ((year_min,) if year_min else None)
    assert found.get("year_max") == ((year_max,) if year_max else None)


@pytest.mark.parametrize(
    ("text", "currency", "param", "value"),
    [
        ("audi under 10k", "USD", "price_max", "10000.00"),
        ("hilux below 5 million naira", "USD", "price_max", "3246.76"),  # 5e6 / 1540 = 3246.753.. up
        ("toyota moins de 3 000 000 FCFA", "USD", "price_max", "4761.91"),  # 4761.904.. up
        ("toyota moins de 3 000 000 FCFA", "XOF", "price_max", "3000000.00"),
        ("golf under £8000", "USD", "price_max", "10000.00"),
        ("land cruiser over $50000", "EUR", "price_min", "48000.00"),
        ("rav4 under 2 million ksh", "KES", "price_max", "2000000.00"),
        ("ranger between 20000 and 30000 aud", "AUD", "price_min", "20000.00"),
    ],
)
def test_prices_with_currencies_become_bounds_in_the_request_currency(text, currency, param, value):
    assert chips(text, currency=currency)[param] == (value,)


def test_a_bare_year_is_not_a_price_and_a_number_alone_is_neither():
    assert chips("hilux 2015") == {
        "make": ("Toyota",),
        "model": ("Hilux",),
        "year_min": ("2015",),
        "year_max": ("2015",),
    }
    assert "price_max" not in chips("hilux 7 seats")


@pytest.mark.parametrize(
    ("text", "param", "values"),
    [
        ("toyota berline", "body", ("sedan",)),
        ("break volkswagen", "body", ("wagon",)),
        ("pick-up toyota", "body", ("pickup",)),
        ("toyota 4x4", "drivetrain", ("4wd", "awd")),
        ("toyota boîte automatique", "transmission", ("automatic",)),
        ("ford boite manuelle", "transmission", ("manual",)),
        ("golf essence", "fuel", ("petrol",)),
        ("ford gazole", "fuel", ("diesel",)),
        ("ford fiesta diesel", "fuel", ("diesel",)),
        ("toyota occasion", "condition", ("used",)),
        ("toyota neuf", "condition", ("new",)),
        ("tesla électrique", "fuel", ("electric",)),
        ("monospace volkswagen", "body", ("minivan", "van")),
    ],
)
def test_attribute_words_in_english_and_french(text, param, values):
    assert chips(text)[param] == values


def test_with_a_model_the_body_word_ranks_instead_of_filtering():
    # Many listings (the UK's) have no body type: "corsa hatchback" must not lose them.
    found = interpret("ford fiesta hatchback", vocabulary=VOCABULARY, units_per_usd=RATES)
    assert "body" not in {c.param for c in found.chips}
    assert found.text == "hatchback"


def test_words_left_over_are_the_text_without_filler():
    found = interpret("looking for a cheap diesel ford fiesta manual", vocabulary=VOCABULARY, units_per_usd=RATES)
    assert found.text == "cheap"
    assert found.names_vehicle
    assert [c.label for c in found.chips] == ["Ford", "Ford Fiesta", "diesel", "manual"]


def test_parameters_sent_explicitly_win_and_their_words_stay_text():
    found = interpret("toyota diesel", vocabulary=VOCABULARY, units_per_usd=RATES, taken=["make"])
    assert [(c.param, c.value) for c in found.chips] == [("fuel", "diesel")]
    assert found.text == "toyota"
    found = interpret("golf under 5000", vocabulary=VOCABULARY, units_per_usd=RATES, taken=["price"])
    assert "price_max" not in {c.param for c in found.chips}
    assert found.text == "under 5000"


def test_nothing_understood_leaves_the_text_as_typed():
    found = interpret("sunroof leather", vocabulary=VOCABULARY, units_per_usd=RATES)
    assert found.chips == () and found.text == "sunroof leather" and not found.names_vehicle


def test_an_empty_vocabulary_still_reads_attributes_years_and_prices():
    found = interpret("toyota diesel 2015 under 10k", vocabulary=Vocabulary(), units_per_usd=RATES)
    assert {c.param for c in found.chips} == {"fuel", "year_min", "year_max", "price_max"}
    assert found.text == "toyota"


def test_interpreted_query_selects_the_chips_and_converts_prices_like_the_api():
    query = VehicleQuery(text="toyota hilux diesel moins de 3 000 000 FCFA", terms={"country": ("KE",)})
    found = interpret(query.text, vocabulary=VOCABULARY, units_per_usd=RATES, currency="KES")
    narrowed = interpreted_query(query, found, units_per_usd=RATES["KES"])
    assert narrowed.terms == {"country": ("KE",), "make": ("Toyota",), "model": ("Hilux",), "fuel": ("diesel",)}
    kes = Decimal(found.values("price_max")[0])
    assert narrowed.ranges == {"price": Range(low=None, high=usd_price(kes, RATES["KES"]))}
    # The bound, rounded outwards, never excludes a car listed at exactly 3,000,000 XOF.
    assert narrowed.ranges["price"].high >= usd_price(Decimal(3_000_000), RATES["XOF"])
    assert narrowed.text == "" and narrowed.text_ranks_only


def test_compact_and_edit_distance():
    assert compact("C-HR") == compact("c hr") == compact("CHR") == "chr"
    assert compact("Citroën C4") == "citroenc4"
    assert edit_distance("toyta", "toyota", 1) == 1
    assert edit_distance("bwm", "bmw", 1) == 1
    assert edit_distance("golf", "wolf", 0) == 1


# Places as the index holds them: cities by name, countries by ISO code.
PLACES = {"city": ["Lagos", "Dar es Salaam", "Salé", "Yaoundé", "Santa Fe"], "country": ["NG", "SN", "CI", "KE"]}
PLACED = Vocabulary.from_rows([*ROWS, ("Hyundai", "Santa Fe", 300)], PLACES)


def placed(text: str) -> dict[str, tuple[str, ...]]:
    found = interpret(text, vocabulary=PLACED, units_per_usd=RATES)
    out: dict[str, tuple[str, ...]] = {}
    for chip in found.chips:
        out[chip.param] = (*out.get(chip.param, ()), chip.value)
    return {**out, "text": found.text}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("corolla 2015 lagos", {"make": ("Toyota",), "model": ("Corolla",), "year_min": ("2015",), "city": ("Lagos",)}),
        ("hilux dar es salaam", {"model": ("Hilux",), "city": ("Dar es Salaam",)}),
        ("voiture à Yaounde", {"city": ("Yaoundé",)}),
        ("rav4 nigeria", {"model": ("RAV4",), "country": ("NG",)}),
        ("rav4 au Sénégal", {"model": ("RAV4",), "country": ("SN",)}),
        ("hilux côte d'ivoire", {"model": ("Hilux",), "country": ("CI",)}),
        ("corolla kenya", {"model": ("Corolla",), "country": ("KE",)}),
        ("corolla côte d ivoire", {"model": ("Corolla",), "country": ("CI",)}),
    ],
)
def test_a_city_or_country_the_index_holds_is_a_place_filter(text, expected):
    found = placed(text)
    for param, values in expected.items():
        assert found.get(param) == values, (text, found)


def test_places_come_only_from_the_index_and_yield_to_vehicles_and_words():
    # Without the index's places nothing is a place: the word stays text.
    assert chips("corolla lagos").get("city") is None
    # "Santa Fe" is a Hyundai before it is a city; a country the index does not hold is no filter.
    assert placed("santa fe")["model"] == ("Santa Fe",) and "city" not in placed("santa fe")
    assert "country" not in placed("corolla ghana")
    # A bare ISO code is an ordinary word ("de", "ng" in a sentence), and a city named like a word
    # that says nothing about the car ("for sale") is not read as a place.
    assert "country" not in placed("voiture de ng") and "city" not in placed("corolla for sale")


def test_a_country_chip_is_labelled_by_its_name():
    found = interpret("rav4 senegal", vocabulary=PLACED, units_per_usd=RATES)
    assert [chip.label for chip in found.chips if chip.param == "country"] == ["Senegal"]
