"""The console's CSV: the export holds what the inventory page lists under the same parameters, with
photos, views, inquiries and leads; the import reads what spreadsheets save (UTF-16 included), says
plainly what it cannot read, and lists every fault of a rejected row in words, in the dealer's language."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.test import Client

from buyers.models import Buyer, VehicleView
from catalog.models import Vehicle
from media.models import Photo
from sales.models import Lead
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def console(market):
    client = Client()
    client.force_login(market.member)
    return client


def exported(client, dealer, query: str = "") -> list[dict]:
    response = client.get(f"/dealer/{dealer.pk}/export.csv" + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def upload(client, dealer, data: bytes, name: str = "stock.csv"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(f"/dealer/{dealer.pk}/import", {"file": file})


def file_error(response) -> str:
    return unescape(re.search(r'<span class="error" role="alert">(.*?)</span>', response.content.decode()).group(1))


def test_the_export_follows_the_console_s_filters(console, market):
    dealer = market.dealers[0]
    mine = Vehicle.objects.filter(dealer=dealer)
    make = mine.filter(status="available").values_list("make", flat=True).first()
    on_market = set(mine.filter(status__in=("available", "reserved"), make=make).values_list("pk", flat=True))
    page = console.get(f"/dealer/{dealer.pk}/", {"make": make})
    assert int(page.context["result"]["total"]) == len(on_market)
    assert f'href="/dealer/{dealer.pk}/export.csv?make={make}"' in page.content.decode()
    assert {int(row["id"]) for row in exported(console, dealer, f"make={make}")} == on_market

    newest = mine.filter(status__in=("available", "reserved")).order_by("-year").first().year
    query = f"year_min={newest}&year_max={newest}&q={make}"
    expected = set(
        mine.filter(status__in=("available", "reserved"), year=newest, make=make).values_list("pk", flat=True)
    )
    assert {int(row["id"]) for row in exported(console, dealer, query)} == expected

    sold = set(mine.filter(status="sold").values_list("pk", flat=True))
    assert sold and {int(row["id"]) for row in exported(console, dealer, "status=sold")} == sold
    # No parameters: the whole inventory, every status (what an import round trip needs).
    assert len(exported(console, dealer)) == mine.count()
    # A parameter the page refuses, the export refuses the same way (naming it), never a 500.
    bad = console.get(f"/dealer/{dealer.pk}/export.csv", {"year_min": "soon"})
    assert bad.status_code == 400 and "year_min" in bad.content.decode()


def test_the_export_counts_photos_views_inquiries_and_leads(console, market):
    from inquiries.models import Inquiry

    dealer = market.dealers[0]
    vehicle = Vehicle.objects.filter(dealer=dealer).order_by("pk").first()
    buyer = Buyer.objects.create(user=User.objects.create_user("csv-buyer"), full_name="Ada", country="KE")
    for _ in range(3):
        VehicleView.objects.create(vehicle=vehicle, session_key="s-1")
    Lead.objects.create(buyer=buyer, vehicle=vehicle, dealer=dealer, source="website")
    Lead.objects.create(buyer=buyer, vehicle=vehicle, dealer=dealer, source="direct")
    Inquiry.objects.create(buyer=buyer, vehicle=vehicle, dealer=dealer, delivered_at="2026-01-01T00:00Z")
    for position, status in enumerate(("ready", "ready", "pending")):
        Photo.objects.create(
            vehicle=vehicle,
            position=position,
            status=status,
            sha256=f"{position:064d}",
            original=f"originals/{position}.jpg",
            format="jpeg",
            width=800,
            height=600,
            bytes=1000,
        )
    rows = {int(row["id"]): row for row in exported(console, dealer)}
    assert list(rows[vehicle.pk])[-4:] == ["photos", "views", "inquiries", "leads"]
    got = rows[vehicle.pk]
    views = VehicleView.objects.filter(vehicle=vehicle).count()
    assert views >= 3
    assert (got["photos"], got["views"], got["inquiries"], got["leads"]) == ("2", str(views), "1", "2")
    for pk, row in rows.items():
        expected = (VehicleView.objects.filter(vehicle_id=pk).count(), Lead.objects.filter(vehicle_id=pk).count())
        assert (int(row["views"]), int(row["leads"])) == expected, pk


BAD_ROW_FILE = (
    "reference,vin,make,model,year,price,currency\n"
    "OK-1,,Toyota,Hilux,2020,31000,USD\n"
    "BAD-1,NOT-A-VIN-OOO,Toyota,Hilux,1850,,XYZ\n"
)


def test_the_report_lists_every_fault_of_a_row_in_words(console, market):
    dealer = market.dealers[0]
    page = upload(console, dealer, BAD_ROW_FILE.encode())
    assert page.status_code == 200
    (entry,) = page.context["shown_rows"]
    assert entry["row"] == 2
    assert entry["faults"] == [
        "The VIN “NOT-A-VIN-OOO” is not valid: 11 to 17 letters and digits, never I, O or Q. "
        "Leave it empty if unknown.",
        "The currency “XYZ” is not one we know: use a code such as USD or KES.",
        "The price is missing.",
        "The year “1850” is not between 1900 and next year.",
    ]
    html = page.content.decode()
    assert "invalid_vin" not in html and "unknown_currency" not in html
    rejects = console.get(f"/dealer/{dealer.pk}/import/rejects.csv").content.decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(rejects)))
    assert [line["problem"] for line in lines] == entry["faults"]
    assert [line["reason"] for line in lines] == [
        "invalid_vin",
        "unknown_currency",
        "missing_price",
        "implausible_year",
    ]


def test_the_report_speaks_the_dealer_s_language(console, market):
    console.cookies["django_language"] = "fr"
    page = unescape(console.get(f"/dealer/{market.dealers[0].pk}/import").content.decode())
    # The columns named are the export's own (the field registry's), the figures said to be ignored.
    assert "reference, make, model, trim, year, price, currency" in page and "steering" in page
    assert "ni ce qui suit l'id (photos, views, inquiries, leads)" in page
    page = upload(console, market.dealers[0], BAD_ROW_FILE.encode())
    (entry,) = page.context["shown_rows"]
    assert entry["faults"][0].startswith("Le VIN « NOT-A-VIN-OOO » n’est pas valide")
    assert entry["faults"][-1] == "L’année « 1850 » n’est pas comprise entre 1900 et l’an prochain."


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_a_utf16_file_as_excel_saves_it_is_read(console, market, delimiter):
    dealer = market.dealers[0]
    text = delimiter.join(["reference", "make", "model", "year", "price", "currency", "description"]) + "\r\n"
    text += delimiter.join(["U16-1", "Citroën", "C3", "2019", "9500", "EUR", "Révisée, pneus neufs"]) + "\r\n"
    data = text.replace("Révisée, pneus neufs", '"Révisée, pneus neufs"').encode("utf-16")  # BOM + UTF-16LE
    assert data[:2] == b"\xff\xfe"
    page = upload(console, dealer, data)
    report = page.context["report"]
    assert (report.read, report.created, report.rejected) == (1, 1, 0), report.rejects
    created = Vehicle.objects.get(source_key=f"dealer:{dealer.pk}:U16-1")
    assert (created.model, created.description) == ("C3", "Révisée, pneus neufs")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4, "This is a spreadsheet workbook, not a CSV file."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "This is a spreadsheet workbook, not a CSV file."),
        (bytes(range(256)) * 8, "This file is not readable text."),
        (b"reference,make,model,year,price,currency\r\n", "The file has the column names but no vehicles below them."),
        (b"\xef\xbb\xbfreference,make,model,year,price,currency\r\n,,,,,\r\n", "no vehicles below them"),
        (b"", "The submitted file is empty."),
        (b"   \r\n", "The file is empty."),
        (b"make,model\r\nToyota,Hilux\r\n", "these are missing: year, price, currency."),
    ],
)
def test_files_that_are_not_an_inventory_get_a_clear_message(console, market, data, words):
    page = upload(console, market.dealers[0], data)
    assert page.status_code == 400
    assert words in file_error(page)
    assert page.context["report"] is None


def test_a_binary_file_is_refused_in_french_too(console, market):
    console.cookies["django_language"] = "fr"
    page = upload(console, market.dealers[0], b"PK\x03\x04" + bytes(300))
    assert file_error(page).startswith("Ceci est un classeur de tableur, pas un fichier CSV.")
