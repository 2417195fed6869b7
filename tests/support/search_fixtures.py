"""Search test data: a small deterministic market in Postgres, loaded into the engine for each test module.

The index is built the way production builds it, `indexers.rebuild.rebuild_vehicle_index()` (a new
physical index from Postgres, then the alias swap). Raw documents can be added straight to the alias
to prove that search does not rely on the pipeline alone (e.g. a sold car left behind).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from buyers.models import VehicleView
from catalog.models import Dealer, Vehicle
from es_mappings.vehicles import vehicle_to_document
from indexers.rebuild import rebuild_vehicle_index
from indexers.rows import fetch_vehicle_rows
from search.client import get_client
from search.currency import forget_rates
from search.executor import forget_indexed_documents
from search.fields import TERM_FIELDS
from search.indexes import suggestions_alias, vehicles_alias
from search.vocabulary import forget_vocabulary
from tests.support.factories import ensure_currencies, ensure_delivery_reference, make_dealer, make_vehicle

# (make, model, body, [trims], base price USD)
CATALOG = [
    ("Toyota", "Camry", "sedan", ["LE", "XLE", "SE"], 18000),
    ("Toyota", "Corolla", "sedan", ["GLi", "XLi"], 12000),
    ("Toyota", "RAV4", "suv", ["GX", "VX"], 24000),
    ("Toyota", "Hilux", "pickup", ["SR5", "Workmate"], 26000),
    ("Honda", "Civic", "sedan", ["EX", "Sport"], 14000),
    ("Honda", "CR-V", "suv", ["EX-L"], 21000),
    ("Chevrolet", "Silverado", "pickup", ["LT", "Trail Boss"], 32000),
    ("Chevrolet", "Tahoe", "suv", ["LT"], 38000),
    ("Volkswagen", "Golf", "hatchback", ["TSI", "GTI"], 15000),
    ("Volkswagen", "Tiguan", "suv", ["Highline"], 23000),
    ("Mercedes-Benz", "C-Class", "sedan", ["C200", "C300"], 30000),
    ("Mercedes-Benz", "GLE", "suv", ["GLE 350"], 52000),
    ("Citroën", "C4", "hatchback", ["Feel"], 11000),
    ("Nissan", "Navara", "pickup", ["SE"], 22000),
    ("BMW", "X5", "suv", ["xDrive40i"], 48000),
]
DEALERS = [
    ("Mombasa Motors", "KE", "Mombasa", -4.04, 39.67),
    ("Nairobi Auto Hub", "KE", "Nairobi", -1.29, 36.82),
    ("Dar Car Traders", "TZ", "Dar es Salaam", -6.79, 39.21),
    ("Lagos Auto Mart", "NG", "Lagos", 6.52, 3.38),
    ("Durban Export Cars", "ZA", "Durban", -29.86, 31.03),
    ("Yokohama Export Co", "JP", "Yokohama", 35.44, 139.64),
]
FUELS = ["petrol", "petrol", "diesel", "hybrid", "electric"]
TRANSMISSIONS = ["automatic", "automatic", "manual"]
DRIVETRAINS = ["fwd", "rwd", "awd", "4wd"]
# Drawn without the random generator, so every other value stays what it was before steering existed.
STEERING = ["rhd", "lhd", ""]
CONDITIONS = ["used", "used", "used", "certified", "new", "demo"]
COLOURS = ["white", "black", "silver", "blue", "red"]
CURRENCIES = ["USD", "USD", "EUR", "GBP", "KES"]
STATUSES = ["available"] * 7 + ["reserved", "sold", "withdrawn"]
DESCRIPTIONS = [
    "Clean {make} {model}, one owner, full service history, ready for export.",
    "Well kept {model} with new tyres and a sunroof. Shipping to Mombasa or Dar es Salaam arranged.",
    "{make} {model} in excellent condition; leather seats, reverse camera, cold air conditioning.",
    "Low mileage {model}, accident free, inspected, export documents ready.",
]
VEHICLES_PER_MODEL = 14


@dataclass
class SearchMarket:
    dealers: list[Dealer]
    vehicles: list[Vehicle]
    member: User
    outsider: User
    staff: User
    analyst: User
    coviewed: dict[str, int] = field(default_factory=dict)


def build_market(seed: int = 7) -> SearchMarket:
    """About 200 vehicles over 15 models and 6 dealers, every status, 5 currencies, two years of listings."""
    ensure_currencies()
    ensure_delivery_reference()
    forget_rates()
    rng = random.Random(seed)
    now = timezone.now()
    dealers = [
        make_dealer(name=name, country=country, city=city, latitude=lat, longitude=lon)
        for name, country, city, lat, lon in DEALERS
    ]
    vehicles = []
    for make, model, body, trims, base in CATALOG:
        for i in range(VEHICLES_PER_MODEL):
            dealer = dealers[(i + len(vehicles)) % len(dealers)]
            year = rng.randint(2012, 2024)
            currency = rng.choice(CURRENCIES)
            rate = {"USD": Decimal(1), "EUR": Decimal("0.92"), "GBP": Decimal("0.79"), "KES": Decimal("129.5")}[
                currency
            ]
            usd = base * (0.6 + 0.05 * (year - 2012)) * rng.uniform(0.85, 1.15)
            vehicles.append(
                make_vehicle(
                    dealer,
                    make=make,
                    model=model,
                    trim=rng.choice(trims),
                    year=year,
                    body_type=body,
                    price=(Decimal(round(usd)) * rate).quantize(Decimal("1")),
                    currency_id=currency,
                    mileage_km=rng.randint(0, 40) * 5000 + rng.randint(0, 999),
                    condition=rng.choice(CONDITIONS),
                    fuel=rng.choice(FUELS),
                    transmission=rng.choice(TRANSMISSIONS),
                    drivetrain=rng.choice(DRIVETRAINS),
                    steering=STEERING[i % len(STEERING)],
                    exterior_color=rng.choice(COLOURS),
                    status=rng.choice(STATUSES),
                    country=dealer.country,
                    city=dealer.city,
                    features=rng.sample(
                        ["sunroof", "leather seats", "reverse camera", "navigation", "alloy wheels", "tow bar"], 2
                    ),
                    description=rng.choice(DESCRIPTIONS).format(make=make, model=model),
                    listed_at=now - timedelta(days=rng.randint(0, 700), hours=rng.randint(0, 23)),
                )
            )
    member = User.objects.create_user("dealer-member", password="pw")
    dealers[0].members.add(member)
    outsider = User.objects.create_user("other-dealer-member", password="pw")
    dealers[1].members.add(outsider)
    staff = User.objects.create_user("staff", password="pw", is_staff=True)
    analyst = User.objects.create_user("analyst", password="pw")
    analyst.groups.add(Group.objects.get_or_create(name="analyst")[0])
    market = SearchMarket(
        dealers=dealers, vehicles=vehicles, member=member, outsider=outsider, staff=staff, analyst=analyst
    )
    market.coviewed = _make_view_history(vehicles, now)
    return market


# Cars standing in the export markets (Japan, the US): they have freight to every port, so delivered
# prices to West Africa exist; years and steering sides vary so import rules refuse some.
EXPORT_DEALERS = [
    ("Yokohama Export Co", "JP", "Yokohama", 35.44, 139.64, "rhd"),
    ("Newark Auto Export", "US", "Newark", 40.73, -74.17, "lhd"),
]


def add_export_stock(per_dealer: int = 8) -> list[Vehicle]:
    """A few cars from export yards (with freight to West Africa), added to a market's Postgres rows."""
    now = timezone.now()
    added = []
    for name, country, city, lat, lon, steering in EXPORT_DEALERS:
        dealer = make_dealer(name=name, country=country, city=city, latitude=lat, longitude=lon)
        for i in range(per_dealer):
            make, model, body, trims, base = CATALOG[(i * 3) % len(CATALOG)]
            added.append(
                make_vehicle(
                    dealer,
                    make=make,
                    model=model,
                    trim=trims[0],
                    year=2012 + 2 * i,
                    body_type=body,
                    price=Decimal(base + 500 * i),
                    currency_id="USD",
                    mileage_km=20000 * (per_dealer - i),
                    condition="used",
                    steering=steering if i % 4 else "",
                    country=country,
                    city=city,
                    status="available",
                    listed_at=now - timedelta(days=i),
                )
            )
    return added


def _make_view_history(vehicles: list[Vehicle], now) -> dict[str, int]:
    """Sessions that looked at a Camry and then at a Hilux (recently) or at a Golf (long ago)."""
    available = [v for v in vehicles if v.status == "available"]
    camry = next(v for v in available if v.model == "Camry")
    hilux = next(v for v in available if v.model == "Hilux")
    golf = next(v for v in available if v.model == "Golf")
    sold = next(v for v in vehicles if v.status == "sold" and v.model != "Camry")
    views = []
    for n in range(6):
        views += [
            VehicleView(session_key=f"recent-{n}", vehicle=camry),
            VehicleView(session_key=f"recent-{n}", vehicle=hilux, dwell_seconds=40),
            VehicleView(session_key=f"recent-{n}", vehicle=sold),
        ]
    for n in range(6):
        views += [VehicleView(session_key=f"old-{n}", vehicle=camry), VehicleView(session_key=f"old-{n}", vehicle=golf)]
    VehicleView.objects.bulk_create(views)
    # viewed_at is auto_now_add: age the old sessions' views afterwards.
    VehicleView.objects.filter(session_key__startswith="old-").update(viewed_at=now - timedelta(days=120))
    return {"camry": camry.pk, "hilux": hilux.pk, "golf": golf.pk, "sold": sold.pk}


def load_index() -> None:
    rebuild_vehicle_index(wait_for_lock=True)
    get_client().indices.refresh(index=vehicles_alias())
    forget_indexed_documents()  # the count sampling read belongs to the index just replaced


def index_raw(vehicle: Vehicle, **overrides) -> None:
    """Write one document for this row straight to the alias, bypassing the pipeline's listability rule."""
    row = fetch_vehicle_rows([vehicle.pk])[vehicle.pk]
    doc = {**vehicle_to_document(row), **overrides}
    get_client().index(index=vehicles_alias(), id=str(vehicle.pk), document=doc, refresh=True)


def delete_raw(vehicle_id: int) -> None:
    get_client().delete(index=vehicles_alias(), id=str(vehicle_id), refresh=True)


def drop_search_indexes() -> None:
    # The makes and models query understanding cached, and the count sampling read, belong to the
    # indexes dropped here.
    forget_vocabulary()
    forget_indexed_documents()
    es = get_client()
    for alias in (vehicles_alias(), suggestions_alias()):
        names = list(es.indices.get(index=f"{alias}-*", expand_wildcards="open").body)
        if names:
            es.indices.delete(index=",".join(names), ignore_unavailable=True)


def clear_market() -> None:
    """Leave the database as the next test module expects it: without this module's rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE buyers_vehicleview, catalog_vehicle, catalog_dealer_members, catalog_dealer, "
            "insights_searchlog, insights_searchclick, indexers_searchchange, auth_user_groups, "
            "recommendations_recommendationimpression, recommendations_recommendationclick, auth_user CASCADE"
        )


@pytest.fixture(scope="module")
def market(django_db_setup, django_db_blocker) -> SearchMarket:
    """The market in Postgres and in the index for one test module; removed from both afterwards."""
    with django_db_blocker.unblock():
        if not get_client().indices.exists_alias(name=vehicles_alias()):
            load_index()  # the rebuild expects an alias to swap
        built = build_market()
        load_index()
        forget_vocabulary()
    yield built
    with django_db_blocker.unblock():
        clear_market()
        drop_search_indexes()


@pytest.fixture
def celery_eager():
    """Run Celery tasks in the calling thread (the search log's batches land in the test's transaction)."""
    from nzila.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


PUBLIC_STATUSES = ("available", "reserved")
# Facet name -> catalog_vehicle column, as the field registry declares it.
SQL_COLUMNS = {**{field.name: field.column for field in TERM_FIELDS if field.column}, "dealer": "dealer_id"}


def sql_vehicles(terms: dict | None = None, *, year=(None, None), statuses=PUBLIC_STATUSES, dealer_id=None):
    """The same selection in Postgres, through the ORM."""
    qs = Vehicle.objects.filter(status__in=statuses)
    if dealer_id is not None:
        qs = qs.filter(dealer_id=dealer_id)
    for name, values in (terms or {}).items():
        qs = qs.filter(**{f"{SQL_COLUMNS[name]}__in": values})
    if year[0] is not None:
        qs = qs.filter(year__gte=year[0])
    if year[1] is not None:
        qs = qs.filter(year__lte=year[1])
    return qs


def sql_counts(column: str, terms: dict | None = None, **kwargs) -> dict:
    """SELECT column, count(*) ... GROUP BY column, blanks left out (the index holds no empty values)."""
    qs = (
        sql_vehicles(terms, **kwargs).exclude(**{SQL_COLUMNS[column]: ""})
        if column != "dealer"
        else sql_vehicles(terms, **kwargs)
    )
    rows = qs.values_list(SQL_COLUMNS[column]).annotate(n=Count("id")).order_by()
    return dict(rows)


@pytest.fixture(scope="module")
def vehicle_index(django_db_setup, django_db_blocker):
    """A vehicle index behind the alias for pages that ask the engine (the vehicle page's similar
    vehicles, a dealer's inventory), for tests that make their own rows; dropped afterwards."""
    with django_db_blocker.unblock():
        load_index()
    yield
    with django_db_blocker.unblock():
        drop_search_indexes()


@pytest.fixture(scope="module")
def market_vocabulary(market, django_db_blocker):
    """The market's makes and models in the suggestions index, where query understanding reads them
    (the stack rebuilds that index every few minutes)."""
    from insights.suggestions_index import rebuild_suggestions

    with django_db_blocker.unblock():
        rebuild_suggestions()
        forget_vocabulary()


@pytest.fixture
def empty_log_buffer(settings):
    """The search log's buffer empty before and after the test, flushed only when the test says so."""
    from insights.buffer import search_log_buffer

    settings.SEARCH_LOG_FLUSH_SECONDS = 0
    search_log_buffer._pending.clear()
    yield search_log_buffer
    search_log_buffer._pending.clear()
