"""The dealers' console and the brokers' pages through the Django client: who may open each page, and
what the pages do (search with facets, edit, add, bulk actions, CSV import and export, leads)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from catalog.models import Vehicle
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
GOOD_VIN = "1HGCM82633A004352"


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def people(market):
    buyer = User.objects.create_user("plain-buyer", password="pw")
    broker = User.objects.create_user("a-broker", password="pw")
    broker.groups.add(Group.objects.get_or_create(name="broker")[0])
    return {
        "anonymous": None,
        "buyer": buyer,
        "analyst": market.analyst,
        "broker": broker,
        "other_dealer_member": market.outsider,
        "member": market.member,
        "staff": market.staff,
    }


def own_vehicle(market, **filters) -> Vehicle:
    return Vehicle.objects.filter(dealer=market.dealers[0], **filters).order_by("pk").first()


def console_pages(market):
    dealer = market.dealers[0]
    vehicle = own_vehicle(market)
    base = f"/dealer/{dealer.pk}"
    return [
        f"{base}/",
        f"{base}/?status=sold",
        f"{base}/vehicles/new",
        f"{base}/vehicles/{vehicle.pk}/",
        f"{base}/import",
        f"{base}/export.csv",
        f"{base}/leads",
        f"{base}/contact",
    ]


# role -> status of every console page of dealer 0
CONSOLE_EXPECTED = {
    "anonymous": 302,
    "buyer": 403,
    "analyst": 403,
    "broker": 403,
    "other_dealer_member": 404,
    "member": 200,
    "staff": 200,
}


@pytest.mark.parametrize("role", sorted(CONSOLE_EXPECTED))
def test_console_pages_by_role(client, market, people, role):
    user = people[role]
    if user is not None:
        client.force_login(user)
    for url in console_pages(market):
        response = client.get(url)
        assert response.status_code == CONSOLE_EXPECTED[role], (role, url, response.status_code)
        if role == "anonymous":
            assert response["Location"].startswith("/accounts/login/?next=")
    bulk = client.post(f"/dealer/{market.dealers[0].pk}/bulk", {"action": "mark_sold", "vehicles": [1]})
    assert bulk.status_code == (302 if role in ("anonymous", "member", "staff") else CONSOLE_EXPECTED[role])


BROKER_EXPECTED = {
    # role -> (/broker/, /broker/statements, /broker/statements.csv)
    "anonymous": (302, 302, 302),
    "buyer": (403, 403, 403),
    "analyst": (403, 403, 403),
    "member": (403, 403, 403),
    "broker": (200, 403, 403),
    "staff": (200, 200, 200),
}


@pytest.mark.parametrize("role", sorted(BROKER_EXPECTED))
def test_broker_pages_by_role(client, people, role):
    if people[role] is not None:
        client.force_login(people[role])
    got = tuple(client.get(url).status_code for url in ("/broker/", "/broker/statements", "/broker/statements.csv"))
    assert got == BROKER_EXPECTED[role]


def test_a_member_of_one_dealer_lands_on_its_inventory_and_staff_pick(client, market):
    client.force_login(market.member)
    response = client.get("/dealer/")
    assert response.status_code == 302 and response["Location"] == f"/dealer/{market.dealers[0].pk}/"
    client.force_login(market.staff)
    page = client.get("/dealer/", {"q": "Mombasa"})
    assert page.status_code == 200 and "Mombasa Motors" in page.content.decode()


def test_a_member_of_several_dealers_picks_one(client, market):
    user = User.objects.create_user("two-dealers", password="pw")
    market.dealers[0].members.add(user)
    market.dealers[2].members.add(user)
    client.force_login(user)
    page = client.get("/dealer/")
    assert page.status_code == 200
    assert {d.pk for d in page.context["dealers"]} == {market.dealers[0].pk, market.dealers[2].pk}
    assert client.get(f"/dealer/{market.dealers[2].pk}/").status_code == 200
    assert client.get(f"/dealer/{market.dealers[1].pk}/").status_code == 404


def test_inventory_search_and_facets_use_the_api_parameters(client, market):
    dealer = market.dealers[0]
    client.force_login(market.member)
    page = client.get(f"/dealer/{dealer.pk}/", {"make": "Toyota", "size": 100})
    assert page.status_code == 200
    result = page.context["result"]
    expected = Vehicle.objects.filter(dealer=dealer, make="Toyota", status__in=["available", "reserved"]).count()
    assert result["total"] == expected > 0
    assert {card["make"] for card in result["results"]} == {"Toyota"}
    assert all("views" in card and "leads" in card and "deal_rating" in card for card in result["results"])
    assert {f["name"] for f in page.context["facets"]} >= {"make", "status"}
    bad = client.get(f"/dealer/{dealer.pk}/", {"year_min": "abc"})
    assert bad.status_code == 400 and "year_min" in bad.context["error"]


def test_sold_vehicles_are_listed_from_postgres(client, market):
    dealer = market.dealers[0]
    client.force_login(market.member)
    page = client.get(f"/dealer/{dealer.pk}/", {"status": "sold"})
    result = page.context["result"]
    assert result["off_market"] is True
    assert result["total"] == Vehicle.objects.filter(dealer=dealer, status="sold").count() > 0


def test_edit_a_vehicle_and_errors_name_the_field(client, market):
    dealer = market.dealers[0]
    vehicle = own_vehicle(market, status="available")
    client.force_login(market.member)
    url = f"/dealer/{dealer.pk}/vehicles/{vehicle.pk}/"
    form = {"price": "12345.67", "status": "reserved", "description": "New tyres."}
    assert client.post(url, form).status_code == 302
    vehicle.refresh_from_db()
    assert (vehicle.price, vehicle.status) == (D("12345.67"), "reserved")
    bad = client.post(url, {**form, "price": "-1"})
    assert bad.status_code == 400 and bad.context["form"].errors["price"]
    # Another dealer's vehicle, through this dealer's console: absent.
    foreign = Vehicle.objects.exclude(dealer=dealer).first()
    assert client.get(f"/dealer/{dealer.pk}/vehicles/{foreign.pk}/").status_code == 404


def test_add_a_vehicle_with_a_validated_vin(client, market):
    dealer = market.dealers[0]
    client.force_login(market.member)
    form = {"vin": "1HGCM82633A00435O", "make": "Honda", "model": "Accord", "year": "2019", "price": "15000"}
    form |= {"currency": "USD", "condition": "used"}
    bad = client.post(f"/dealer/{dealer.pk}/vehicles/new", form)
    assert bad.status_code == 400 and "vin" in bad.context["form"].errors
    assert client.post(f"/dealer/{dealer.pk}/vehicles/new", {**form, "vin": GOOD_VIN.lower()}).status_code == 302
    added = Vehicle.objects.get(vin=GOOD_VIN)
    assert added.dealer_id == dealer.pk and added.status == "available"
    again = client.post(f"/dealer/{dealer.pk}/vehicles/new", {**form, "vin": GOOD_VIN})
    assert again.status_code == 400 and "already listed" in str(again.context["form"].errors["vin"])


def test_bulk_actions_touch_only_the_dealers_own_vehicles(client, market):
    dealer = market.dealers[0]
    client.force_login(market.member)
    mine = list(Vehicle.objects.filter(dealer=dealer, status="available").order_by("pk")[:2])
    foreign = Vehicle.objects.exclude(dealer=dealer).filter(status="available").first()
    before = {v.pk: v.price for v in [*mine, foreign]}
    ids = [v.pk for v in mine] + [foreign.pk]
    client.post(f"/dealer/{dealer.pk}/bulk", {"action": "change_price", "percent": "-10", "vehicles": ids})
    for v in mine:
        v.refresh_from_db()
        assert v.price == (before[v.pk] * D("0.9")).quantize(D("0.01"))
    foreign.refresh_from_db()
    assert foreign.price == before[foreign.pk]
    client.post(f"/dealer/{dealer.pk}/bulk", {"action": "change_price", "percent": "500", "vehicles": ids})
    mine[0].refresh_from_db()
    assert mine[0].price == (before[mine[0].pk] * D("0.9")).quantize(D("0.01"))  # refused: too large
    client.post(f"/dealer/{dealer.pk}/bulk", {"action": "mark_sold", "vehicles": ids})
    assert set(Vehicle.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sold", "available"}
    assert Vehicle.objects.get(pk=foreign.pk).status == "available"


def test_csv_import_reports_bad_rows_and_export_round_trips(client, market):
    dealer = market.dealers[0]
    client.force_login(market.member)
    rows = [
        "reference,vin,make,model,year,price,currency,mileage_km",
        "STK-1,,Toyota,Hilux,2020,31000,USD,40000",
        "STK-2,NOT-A-VIN-OOO,Toyota,Hilux,2020,31000,USD,40000",
        "STK-3,,Toyota,Hilux,2020,,USD,40000",
    ]
    upload = io.BytesIO("\n".join(rows).encode())
    upload.name = "stock.csv"
    page = client.post(f"/dealer/{dealer.pk}/import", {"file": upload})
    assert page.status_code == 200
    report = page.context["report"]
    assert (report.read, report.created, report.rejected) == (3, 1, 2)
    assert {reason for _, _, reason, _ in report.rejects} == {"invalid_vin", "missing_price"}
    created = Vehicle.objects.get(source_key=f"dealer:{dealer.pk}:STK-1")
    assert created.dealer_id == dealer.pk and created.model == "Hilux"
    rejects = client.get(f"/dealer/{dealer.pk}/import/rejects.csv").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(rejects)))[0] == ["row", "line", "problem", "reason", "detail"]
    assert "invalid_vin" in rejects and "missing_price" in rejects

    exported = client.get(f"/dealer/{dealer.pk}/export.csv").content
    count = Vehicle.objects.filter(dealer=dealer).count()
    assert len(list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))) == count + 1
    for _ in range(2):
        # The first pass may fill in what the loader derives (the dealer's location); the second finds
        # nothing to change: an exported file re-imported is the same inventory.
        again = io.BytesIO(exported)
        again.name = "export.csv"
        report = client.post(f"/dealer/{dealer.pk}/import", {"file": again}).context["report"]
        assert (report.rejected, report.created) == (0, 0), report.rejects[:3]
        assert Vehicle.objects.filter(dealer=dealer).count() == count
    assert report.unchanged == report.read == count


def test_a_file_cannot_write_into_another_dealers_inventory(client, market):
    dealer = market.dealers[0]
    theirs = Vehicle.objects.exclude(dealer=dealer).order_by("pk").first()
    other = theirs.dealer
    client.force_login(market.member)
    upload = io.BytesIO(f"id,make,model,year,price,currency\n{theirs.pk},BMW,X5,2020,1000,USD\n".encode())
    upload.name = "x.csv"
    report = client.post(f"/dealer/{dealer.pk}/import", {"file": upload}).context["report"]
    assert report.rejected == 1 and report.rejects[0][2] == "unknown_vehicle_id"
    theirs.refresh_from_db()
    assert theirs.dealer_id == other.pk and theirs.make != "BMW" and theirs.price != D("1000")


def test_leads_page_lists_the_dealers_leads_with_a_score_column(client, market):
    from buyers.models import Buyer
    from sales.models import Lead

    dealer = market.dealers[0]
    buyer = Buyer.objects.create(
        user=User.objects.create_user("lead-buyer", password="pw"), full_name="Kofi Lead", country="GH"
    )
    Lead.objects.create(buyer=buyer, vehicle=own_vehicle(market), dealer=dealer, source="website")
    Lead.objects.create(buyer=buyer, dealer=market.dealers[1], source="website")
    client.force_login(market.member)
    page = client.get(f"/dealer/{dealer.pk}/leads")
    assert [lead.buyer.full_name for lead in page.context["leads"]] == ["Kofi Lead"]
    assert "<th>Score</th>" in page.content.decode()


def test_a_scored_lead_shows_its_score_and_top_reasons(client, market):
    from buyers.models import Buyer
    from sales.models import Lead
    from scoring.models import LeadScore
    from scoring.serving import score_leads

    dealer = market.dealers[0]
    buyer = Buyer.objects.create(
        user=User.objects.create_user("scored-buyer", password="pw"), full_name="Ama Scored", country="GH"
    )
    scored = Lead.objects.create(buyer=buyer, vehicle=own_vehicle(market), dealer=dealer, source="website")
    Lead.objects.create(buyer=buyer, dealer=dealer, source="website")  # not scored yet
    assert score_leads([scored.pk]) == 1
    stored = LeadScore.objects.get(lead=scored)
    client.force_login(market.member)
    page = client.get(f"/dealer/{dealer.pk}/leads")
    assert page.status_code == 200
    shown = {lead.pk: lead.shown_score for lead in page.context["leads"]}
    assert shown[scored.pk].score == stored.score and len(shown) == 2
    html = page.content.decode()
    assert f"<strong>{stored.score}</strong>" in html
    top = [reason["label"] for reason in stored.reasons[:2]]
    assert top and all(f'<small class="reason">{label}</small>' in html for label in top)
    # The lead with no score shows an empty cell, not a zero.
    assert html.count("<strong>") == 1


def test_the_dealer_sets_a_phone_that_buyers_reach_on_whatsapp_once_verified(client, market):
    from urllib.parse import parse_qs, urlparse

    from catalog.models import Dealer
    from tests.support.notification_support import last_code

    dealer = market.dealers[0]  # Mombasa Motors, KE
    client.force_login(market.member)
    url = f"/dealer/{dealer.pk}/contact"
    bad = client.post(url, {"phone": "12345", "phone_shown": "everywhere"})
    assert bad.status_code == 400 and "phone" in bad.context["form"].errors
    Dealer.objects.filter(pk=dealer.pk, phone="").get()  # nothing written
    # A number without its country code is read as one of the dealer's country.
    assert client.post(url, {"phone": "0712 345 678", "phone_shown": "everywhere"}).status_code == 302
    assert Dealer.objects.get(pk=dealer.pk).phone == "+254712345678"
    assert 'value="+254712345678"' in client.get(url).content.decode()

    vehicle = own_vehicle(market, status="available")
    # Not verified yet: no WhatsApp button, no number (it may be a typo, or somebody else's).
    html = Client().get(f"/vehicles/{vehicle.pk}/", follow=True).content.decode()
    assert "wa.me" not in html and "tel:" not in html

    assert client.post(f"{url}/send-code").status_code == 302
    code = last_code("+254712345678")
    wrong = "000000" if code != "000000" else "111111"
    client.post(f"{url}/verify", {"code": wrong})
    assert Dealer.objects.get(pk=dealer.pk).phone_verified_at is None
    client.post(f"{url}/verify", {"code": code})
    assert Dealer.objects.get(pk=dealer.pk).phone_verified_at is not None

    page = Client().get(f"/vehicles/{vehicle.pk}/", follow=True)
    html = page.content.decode()
    assert '<a href="tel:+254712345678">+254 712 345678</a>' in html
    link = urlparse(_whatsapp_href(html))
    assert (link.netloc, link.path) == ("wa.me", "/254712345678")
    message = parse_qs(link.query)["text"][0]
    assert page.context["vehicle"]["title"] in message
    assert f"http://testserver/vehicles/{vehicle.pk}/{page.context['vehicle']['slug']}/" in message
    api = Client().get(f"/api/v1/vehicles/{vehicle.pk}").json()
    assert api["dealer"]["whatsapp"] == "+254712345678"

    # Where the dealer chose to show it: only the button, then nowhere.
    client.post(url, {"phone": "+254712345678", "phone_shown": "whatsapp"})
    html = Client().get(f"/vehicles/{vehicle.pk}/", follow=True).content.decode()
    assert "tel:" not in html and "wa.me/254712345678" in html
    client.post(url, {"phone": "+254712345678", "phone_shown": "nowhere"})
    html = Client().get(f"/vehicles/{vehicle.pk}/", follow=True).content.decode()
    assert "tel:" not in html and "wa.me" not in html

    # A new number is unproven again; emptied: no number and no button.
    client.post(url, {"phone": "+254712345679", "phone_shown": "everywhere"})
    assert Dealer.objects.get(pk=dealer.pk).phone_verified_at is None
    assert client.post(url, {"phone": "", "phone_shown": "everywhere"}).status_code == 302
    html = Client().get(f"/vehicles/{vehicle.pk}/", follow=True).content.decode()
    assert "tel:" not in html and "wa.me" not in html


def _whatsapp_href(html: str) -> str:
    import html as entities
    import re

    return entities.unescape(re.search(r'class="button whatsapp" href="([^"]+)"', html).group(1))


def test_the_console_and_broker_page_speak_french(client, market, people):
    client.cookies["django_language"] = "fr"
    client.force_login(market.member)
    page = client.get(f"/dealer/{market.dealers[0].pk}/").content.decode()
    assert "<h1>Stock</h1>" in page and "Marquer vendu" in page
    client.force_login(people["broker"])
    assert "Vos commissions" in client.get("/broker/").content.decode()


@pytest.fixture
def engine_unreachable(settings):
    """The app pointed at a port where no engine listens (a real refused connection)."""
    from search.client import get_client

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    get_client.cache_clear()
    yield
    get_client.cache_clear()


def test_engine_down_is_a_503_page_and_postgres_lists_still_work(client, market, engine_unreachable):
    dealer = market.dealers[0]
    client.force_login(market.staff)
    page = client.get(f"/dealer/{dealer.pk}/")
    assert page.status_code == 503 and page["Retry-After"] == "10"
    assert client.get(f"/dealer/{dealer.pk}/?status=sold").status_code == 200
    assert client.get(f"/dealer/{dealer.pk}/export.csv").status_code == 200
    assert client.get("/analytics/").status_code == 503
    assert client.get("/analytics/prices.csv").status_code == 503
