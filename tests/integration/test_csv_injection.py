"""Every CSV the platform writes neutralises cells a spreadsheet would run as formulas, starts with a
UTF-8 byte-order mark, and the dealers' export still imports back unchanged."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import timezone

from catalog.models import Vehicle
from nzila.spreadsheet_csv import BOM
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
LINK = '=HYPERLINK("http://cheapcars-example.com","Toyota")'
CMD = "@SUM(1+1)*cmd|' /C calc'!A0"


def rows_of(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith(BOM), text[:20]
    return list(csv.reader(io.StringIO(text[1:])))


def cells(rows) -> set[str]:
    return {cell for row in rows for cell in row}


def test_the_analysts_query_csvs_write_a_search_text_as_text(market):
    from insights.models import SearchLog

    for results in (0, 4):
        SearchLog.objects.create(
            searched_at=timezone.now() - timedelta(hours=1),
            endpoint="vehicles",
            query_text=LINK,
            normalized_query=LINK.lower(),
            filters={"terms": {}, "ranges": {}, "near": None},
            sort="relevance",
            result_count=results,
            latency_ms=1,
            engine_ms=1,
        )
    client = Client()
    client.force_login(market.analyst)
    for slug in ("top-queries", "zero-result-queries"):
        found = cells(rows_of(client.get(f"/analytics/{slug}.csv")))
        assert "'" + LINK.lower() in found and LINK.lower() not in found, slug


def test_the_dealer_export_neutralises_and_imports_back_unchanged(market):
    dealer = market.dealers[0]
    vehicle = Vehicle.objects.filter(dealer=dealer).order_by("pk").first()
    Vehicle.objects.filter(pk=vehicle.pk).update(description=LINK, trim="-1 edition", engine=CMD)
    client = Client()
    client.force_login(market.member)
    exported = client.get(f"/dealer/{dealer.pk}/export.csv")
    rows = rows_of(exported)
    found = cells(rows)
    assert {"'" + LINK, "'-1 edition", "'" + CMD} <= found
    assert not {LINK, CMD} & found
    upload = io.BytesIO(exported.content)
    upload.name = "export.csv"
    report = client.post(f"/dealer/{dealer.pk}/import", {"file": upload}).context["report"]
    assert report.rejected == 0 and report.created == 0, report.rejects[:3]
    vehicle.refresh_from_db()
    assert (vehicle.description, vehicle.trim, vehicle.engine) == (LINK, "-1 edition", CMD)


def test_the_import_rejects_report_neutralises_what_the_file_said(market, tmp_path):
    from catalog.services import import_inventory

    dealer = market.dealers[0]
    upload = io.BytesIO(f"reference,vin,make,model,year,price,currency\nX1,,Toyota,Hilux,2020,5,{CMD}\n".encode())
    client = Client()
    client.force_login(market.member)
    upload.name = "x.csv"
    assert client.post(f"/dealer/{dealer.pk}/import", {"file": upload}).status_code == 200
    rows = rows_of(client.get(f"/dealer/{dealer.pk}/import/rejects.csv"))
    assert rows[0] == ["row", "line", "problem", "reason", "detail"]
    assert rows[1][3] == "unknown_currency" and rows[1][4] == "'" + CMD.upper()
    # The loader's own report files are written by the same writer.
    upload.seek(0)
    report = import_inventory(dealer, upload)
    report.write(tmp_path)
    text = (tmp_path / f"{report.name}-rejects.csv").read_text(encoding="utf-8")
    assert text.startswith(BOM) and f",'{CMD.upper()}" in text and f",{CMD.upper()}" not in text


def test_the_commission_statements_csv_neutralises_a_username(market):
    from django.contrib.auth.models import User

    from sales.models import CommissionStatement

    broker = User.objects.create_user("=cmd|'/C calc'!A0", password="pw")
    today = timezone.now().date()
    CommissionStatement.objects.create(
        broker=broker, period_start=today - timedelta(days=7), period_end=today, entries_count=1, total_usd=D("-12.50")
    )
    client = Client()
    client.force_login(market.staff)
    rows = rows_of(client.get("/broker/statements.csv"))
    (row,) = [row for row in rows[1:] if row[1] == str(broker.pk)]
    assert [row[2], row[6]] == ["'=cmd|'/C calc'!A0", "-12.50"]
