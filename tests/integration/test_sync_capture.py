"""Every write path to a vehicle's document leaves a change record; a rollback leaves none."""

from decimal import Decimal

import pytest
from django.db import connection, transaction

from catalog.models import Currency, Dealer, Vehicle
from indexers.models import SearchChange
from tests.support.factories import make_dealer, make_vehicle, vehicle_fields

pytestmark = pytest.mark.django_db(transaction=True)


def changes_for(*ids):
    return sorted(SearchChange.objects.filter(object_id__in=ids).values_list("object_id", flat=True))


def clear_changes():
    SearchChange.objects.all().delete()


def test_orm_save_insert_and_update_each_capture_with_growing_versions():
    vehicle = make_vehicle()
    first = Vehicle.objects.get(pk=vehicle.pk).search_version
    assert changes_for(vehicle.pk) == [vehicle.pk]
    vehicle.price = Decimal("9999")
    vehicle.save()
    second = Vehicle.objects.get(pk=vehicle.pk).search_version
    assert second > first
    versions = list(SearchChange.objects.filter(object_id=vehicle.pk).order_by("id").values_list("version", flat=True))
    assert versions == [first, second]


def test_bulk_create_update_and_queryset_delete_capture_every_row():
    dealer = make_dealer()
    created = Vehicle.objects.bulk_create([Vehicle(**vehicle_fields(dealer)) for _ in range(5)])
    ids = [v.pk for v in created]
    assert changes_for(*ids) == sorted(ids)
    clear_changes()
    Vehicle.objects.filter(pk__in=ids).update(status="reserved")
    assert changes_for(*ids) == sorted(ids)
    clear_changes()
    Vehicle.objects.filter(pk__in=ids[:2]).delete()
    deletes = SearchChange.objects.filter(object_id__in=ids[:2])
    assert sorted(deletes.values_list("object_id", flat=True)) == sorted(ids[:2])
    # A delete's version outranks the row's last version.
    assert min(deletes.values_list("version", flat=True)) > max(
        Vehicle.objects.filter(pk__in=ids[2:]).values_list("search_version", flat=True)
    )


def test_raw_sql_writes_are_captured():
    vehicle = make_vehicle()
    clear_changes()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_vehicle SET price = price + 1 WHERE id = %s", [vehicle.pk])
        cursor.execute("DELETE FROM catalog_vehicle WHERE id = %s", [vehicle.pk])
    assert changes_for(vehicle.pk) == [vehicle.pk, vehicle.pk]


def test_dealer_rename_touches_all_its_vehicles_but_irrelevant_edits_do_not():
    dealer = make_dealer()
    vehicles = [make_vehicle(dealer) for _ in range(3)]
    other = make_vehicle()
    clear_changes()
    Dealer.objects.filter(pk=dealer.pk).update(name="Renamed Motors")
    assert changes_for(*[v.pk for v in vehicles], other.pk) == sorted(v.pk for v in vehicles)
    clear_changes()
    Dealer.objects.filter(pk=dealer.pk).update(source_key="not-in-the-document")
    assert SearchChange.objects.count() == 0


def test_currency_rate_change_touches_vehicles_priced_in_it():
    eur = make_vehicle(currency_id="EUR")
    usd = make_vehicle(currency_id="USD")
    clear_changes()
    Currency.objects.filter(code="EUR").update(units_per_usd=Decimal("0.95"))
    assert changes_for(eur.pk, usd.pk) == [eur.pk]


def test_rolled_back_transaction_leaves_no_change():
    dealer = make_dealer()
    clear_changes()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_vehicle(dealer)
        raise RuntimeError("abort")
    assert SearchChange.objects.count() == 0
    assert Vehicle.objects.count() == 0


def test_database_constraints_refuse_bad_rows_on_every_path():
    dealer = make_dealer()
    from django.db import IntegrityError

    for bad in ({"year": 1800}, {"price": Decimal("-1")}, {"status": "lost"}, {"vin": "IOQ"}, {"country": "ke"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_vehicle(dealer, **bad)
    make_vehicle(dealer, vin="JTDBR32E720123456")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_vehicle(dealer, vin="JTDBR32E720123456")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_vehicle SET mileage_km = -5")
