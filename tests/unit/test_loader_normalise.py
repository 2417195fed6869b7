"""The listing loader's normalisation rules: pure functions, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.ingest import normalise as norm
from catalog.ingest.makes import canonical_make, canonical_model, join_split_make, model_from_title, split_model_trim
from catalog.ingest.records import DealerRecord, Listing, Reject
from search.fields import BY_NAME, controlled_value

# --- normalisation rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("mercedes_benz", "Mercedes-Benz"),
        ("Mercedes-Benz", "Mercedes-Benz"),
        ("merc", "Mercedes-Benz"),
        ("mercedes", "Mercedes-Benz"),
        ("vw", "Volkswagen"),
        ("volkswagen", "Volkswagen"),
        ("land_rover", "Land Rover"),
        ("INFINITI", "Infiniti"),
        ("hyundi", "Hyundai"),
        ("KIA", "Kia"),
        ("RAM", "Ram"),
        ("bmw", "BMW"),
        ("alfa_romeo", "Alfa Romeo"),
        ("Ssangyong", "SsangYong"),
        ("toyota", "Toyota"),
        ("sonstige_autos", None),
    ],
)
def test_canonical_make(raw, expected):
    assert canonical_make(raw) == expected


def test_two_word_make_split_across_columns_is_rejoined():
    assert join_split_make("Land", "Rover Range Rover Evoque SE") == ("Land Rover", "Range Rover Evoque SE")
    assert join_split_make("Alfa", "Romeo Giulia Ti") == ("Alfa Romeo", "Giulia Ti")
    assert join_split_make("Toyota", "Land Cruiser") == ("Toyota", "Land Cruiser")


@pytest.mark.parametrize(
    "make, text, expected",
    [
        ("Mercedes-Benz", "C-Class C 300", ("C-Class", "C 300")),
        ("Mercedes-Benz", "GLC 300 4MATIC", ("GLC-Class", "GLC 300 4MATIC")),
        ("Mercedes-Benz", "C200 Avantgarde", ("C-Class", "C200 Avantgarde")),
        ("Mercedes-Benz", "AMG GLE 53", ("GLE-Class", "AMG GLE 53")),
        ("BMW", "330 i xDrive", ("3 Series", "330 i xDrive")),
        ("BMW", "X5 xDrive40i", ("X5", "xDrive40i")),
        ("Jeep", "Grand Cherokee Limited 4x4", ("Grand Cherokee", "Limited 4x4")),
        ("Chevrolet", "Silverado 1500 LT", ("Silverado 1500", "LT")),
        ("Tesla", "Model 3 Long Range", ("Model 3", "Long Range")),
        ("Toyota", "RAV4 XLE", ("RAV4", "XLE")),
    ],
)
def test_split_model_and_trim(make, text, expected):
    assert split_model_trim(make, text) == expected


@pytest.mark.parametrize(
    "make, raw, expected",
    [
        ("Mercedes-Benz", " C Class", "C-Class"),
        ("Mercedes-Benz", "c_klasse", "C-Class"),
        ("Mercedes-Benz", "c-class", "C-Class"),
        ("Mercedes-Benz", " SL CLASS", "SL-Class"),
        ("Mercedes-Benz", "ml", "M-Class"),
        ("BMW", "3er", "3 Series"),
        ("BMW", " 3 Series", "3 Series"),
        ("Volkswagen", "golf", "Golf"),
        ("Nissan", "x_trail", "X-Trail"),
        ("Hyundai", " I10", "i10"),
        ("Toyota", " PROACE VERSO", "Proace Verso"),
        ("Audi", "a4", "A4"),
        ("Vauxhall", " GTC", "GTC"),
        ("Ford", " EcoSport", "EcoSport"),
        ("Ford", "c_max", "C-MAX"),
    ],
)
def test_canonical_model(make, raw, expected):
    assert canonical_model(make, raw) == expected


def test_model_from_title():
    assert model_from_title("Land Rover", "2017 Land Rover Range Rover Evoque TD4 180") == (
        "Range Rover Evoque",
        "TD4 180",
    )
    assert model_from_title("Volkswagen", "VW Golf 1.6 United") == ("Golf", "1.6 United")
    assert model_from_title("Volkswagen", "Golf IV 1.9 TDI") is None  # no make in front: not trusted


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("limousine", "sedan"),
        ("kleinwagen", "hatchback"),
        ("kombi", "wagon"),
        ("cabrio", "convertible"),
        ("Ute / Tray", "pickup"),
        ("People Mover", "minivan"),
        ("SUV", "suv"),
        ("mini-van", "minivan"),
        ("bus", "van"),
        ("Commercial", "van"),
        ("truck", "truck"),
        ("andere", "other"),
        ("", ""),
        ("nan", ""),
    ],
)
def test_body_type(raw, expected):
    assert norm.body_type(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Gasoline", "petrol"),
        ("Unleaded", "petrol"),
        ("Premium", "petrol"),
        ("benzin", "petrol"),
        ("gas", "petrol"),
        ("E85 Flex Fuel", "petrol"),
        ("Diesel Fuel", "diesel"),
        ("elektro", "electric"),
        ("Electric", "electric"),
        ("Plug-In Electric/Gas", "hybrid"),
        ("Hybrid", "hybrid"),
        ("LPG", "lpg"),
        ("cng", "other"),
        ("–", ""),
    ],
)
def test_fuel(raw, expected):
    assert norm.fuel(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("8-Speed Automatic", "automatic"),
        ("Semi-Auto", "automatic"),
        ("Automatic CVT", "automatic"),
        ("A/T", "automatic"),
        ("automatik", "automatic"),
        ("CVT", "automatic"),
        ("6-Speed Manual", "manual"),
        ("M/T", "manual"),
        ("manuell", "manual"),
        ("Other", ""),
        ("-", ""),
    ],
)
def test_transmission(raw, expected):
    assert norm.transmission(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("All-wheel Drive", "awd"),
        ("AWD", "awd"),
        ("Front-wheel Drive", "fwd"),
        ("Front", "fwd"),
        ("Four-wheel Drive", "4wd"),
        ("4WD", "4wd"),
        ("Rear", "rwd"),
        ("rwd", "rwd"),
        ("Other", ""),
        ("–", ""),
    ],
)
def test_drivetrain(raw, expected):
    assert norm.drivetrain(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Used", "used"),
        ("BMW Certified", "certified"),
        ("DEMO", "demo"),
        ("NEW", "new"),
        ("like new", "used"),
        ("salvage", "used"),
    ],
)
def test_condition(raw, expected):
    assert norm.condition(raw) == expected


def test_prices_parse_or_reject_with_a_reason():
    assert norm.price("$39,998 ") == Decimal("39998.00")
    assert norm.price("29500") == Decimal("29500.00")
    assert norm.price("$5,000") == Decimal("5000.00")
    for raw, reason in (
        ("Not Priced", "missing_price"),
        ("POA", "missing_price"),
        ("$0", "missing_price"),
        ("", "missing_price"),
        ("$1", "implausible_price"),
        ("3024942282", "implausible_price"),
    ):
        with pytest.raises(Reject) as caught:
            norm.price(raw)
        assert caught.value.reason == reason, raw


def test_years_and_units():
    assert norm.year("2019", latest=2027) == 2019
    assert norm.year("2018.0", latest=2027) == 2018
    with pytest.raises(Reject, match="implausible_year"):
        norm.year("2060", latest=2027)
    with pytest.raises(Reject, match="missing_year"):
        norm.year("nan", latest=2027)
    assert norm.kilometres("150,000km") == 150_000
    assert norm.kilometres("12774.0", miles=True) == 20_558  # 12,774 mi
    assert norm.kilometres("- / -") is None


def _listing(**fields) -> Listing:
    dealer = DealerRecord(source_key="t:d", name="D", country="US")
    values = {
        "source_key": "t:1",
        "dealer": dealer,
        "make": "Toyota",
        "model": "Corolla",
        "year": 2018,
        "price": Decimal("100"),
        "currency": "USD",
    }
    values.update(fields)
    return Listing(**values)


def test_finish_repairs_values_with_notes_and_rejects_what_is_missing():
    listing = norm.finish(_listing(vin="WDDHF5KBODA766765", mileage_km=9_999_999))
    assert listing.vin is None and listing.mileage_km is None
    assert [code for code, _ in listing.notes] == ["invalid_vin", "implausible_mileage"]
    assert norm.finish(_listing(vin="5TDXZ3DC2KS015402")).vin == "5TDXZ3DC2KS015402"
    with pytest.raises(Reject, match="missing_model"):
        norm.finish(_listing(model=""))


@pytest.mark.parametrize(
    ("country", "given", "expected"),
    [
        ("GB", {}, "rhd"),
        ("AU", {}, "rhd"),
        ("US", {}, "lhd"),
        ("DE", {}, "lhd"),
        # Markets that mix imports of both sides stay unknown; what a source says always wins.
        ("KE", {}, ""),
        ("NG", {}, ""),
        ("GB", {"steering": "lhd"}, "lhd"),
        ("US", {"steering": ""}, ""),
    ],
)
def test_steering_follows_the_source_market_only_where_it_is_certain(country, given, expected):
    listing = _listing(dealer=DealerRecord(source_key="t:d", name="D", country=country), specs=dict(given))
    assert norm.finish(listing).specs["steering"] == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("RHD", "rhd"), ("Right-hand drive", "rhd"), ("conduite à droite", "rhd"), ("lhd", "lhd")]
    + [("", ""), (None, ""), ("4x4", None), ("sideways", None)],
)
def test_a_written_value_is_read_with_the_registrys_words(raw, expected):
    assert controlled_value(BY_NAME["steering"], raw) == expected


def test_a_german_bus_is_a_van_only_for_a_van_model():
    from catalog.ingest.normalise import body_for_model

    assert body_for_model("van", "Golf", bus=True) == ("minivan", "body_bus_is_minivan")
    assert body_for_model("van", "Transporter", bus=True) == ("van", "")
    assert body_for_model("van", "Transporter") == ("van", "")


def test_a_body_the_model_rules_out_becomes_unknown_with_a_note():
    from catalog.ingest.normalise import body_for_model

    assert body_for_model("pickup", "Astra") == ("", "body_ruled_out_by_model")
    assert body_for_model("van", "Corolla") == ("", "body_ruled_out_by_model")
    assert body_for_model("pickup", "Hilux") == ("pickup", "")
    assert body_for_model("hatchback", "Astra") == ("hatchback", "")


def test_place_never_reads_none():
    from web.templatetags.web_extras import place

    assert place({"city": None, "country": "US"}) == "US"
    assert place({"city": "Nairobi", "country": "KE"}) == "Nairobi, KE"
