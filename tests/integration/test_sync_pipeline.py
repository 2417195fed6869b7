"""The drain, rebuild and reconciliation against the real engine, run in-process.

Each test ends with the exact comparison: the index holds every listable row at its version, and
nothing else.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from catalog.models import Dealer, Vehicle
from indexers import index_admin
from indexers.apply import Outcome, VehicleOp, bulk_operations, item_outcome
from indexers.drain import drain_all, drain_batch, replay_dead_letters
from indexers.models import ReconciliationRun, SearchChange
from indexers.rebuild import rebuild_vehicle_index
from indexers.reconcile import reconcile
from indexers.tasks import ENGINE_UNAVAILABLE
from search.client import get_client
from search.indexes import vehicles_alias
from tests.support.factories import make_dealer, make_vehicle, vehicle_fields
from tests.support.sync_support import drop_vehicle_indexes, expected_documents, fresh_vehicle_index, indexed_documents

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine]


@pytest.fixture(autouse=True)
def fresh_index():
    with fresh_vehicle_index():
        yield


def assert_in_sync():
    assert indexed_documents() == expected_documents()


def source(vehicle_id):
    return get_client().get(index=vehicles_alias(), id=str(vehicle_id))["_source"]


def test_every_write_path_reaches_the_index():
    dealer = make_dealer()
    saved = make_vehicle(dealer)
    bulk = Vehicle.objects.bulk_create([Vehicle(**vehicle_fields(dealer)) for _ in range(20)])
    drain_all()
    assert_in_sync()

    Vehicle.objects.filter(pk__in=[v.pk for v in bulk[:5]]).update(price=Decimal("777"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_vehicle SET model = 'Camry' WHERE id = %s", [bulk[5].pk])
        cursor.execute("DELETE FROM catalog_vehicle WHERE id = %s", [bulk[6].pk])
    Vehicle.objects.filter(pk__in=[v.pk for v in bulk[7:9]]).delete()
    Vehicle.objects.filter(pk=saved.pk).delete()
    drain_all()
    assert_in_sync()
    assert source(bulk[0].pk)["price"] == 777.0
    assert source(bulk[5].pk)["model"] == "Camry"


def test_sold_and_withdrawn_leave_the_index_and_come_back_when_relisted():
    vehicle = make_vehicle()
    drain_all()
    Vehicle.objects.filter(pk=vehicle.pk).update(status="sold")
    drain_all()
    assert vehicle.pk not in indexed_documents()
    Vehicle.objects.filter(pk=vehicle.pk).update(status="reserved")
    drain_all()
    assert_in_sync()
    assert source(vehicle.pk)["status"] == "reserved"


def test_dealer_rename_and_move_reach_every_vehicle_document():
    dealer = make_dealer(name="Old Name")
    vehicles = [make_vehicle(dealer) for _ in range(4)]
    drain_all()
    Dealer.objects.filter(pk=dealer.pk).update(name="Nairobi Auto Hub", city="Nairobi", latitude=-1.29, longitude=36.82)
    drain_all()
    assert_in_sync()
    for vehicle in vehicles:
        doc = source(vehicle.pk)
        assert doc["dealer"]["name"] == "Nairobi Auto Hub"
        assert doc["dealer"]["city"] == "Nairobi"


def test_the_same_change_twice_and_out_of_order_never_regresses_a_document():
    vehicle = make_vehicle(price=Decimal("1000"))
    drain_all()
    old_row_version = Vehicle.objects.get(pk=vehicle.pk).search_version
    Vehicle.objects.filter(pk=vehicle.pk).update(price=Decimal("2000"))
    drain_all()
    # Replay the first change again, twice, after the newer one was applied.
    SearchChange.objects.bulk_create(
        [SearchChange(entity="vehicle", object_id=vehicle.pk, version=old_row_version) for _ in range(2)]
    )
    drain_all()
    assert source(vehicle.pk)["price"] == 2000.0
    # And an old document version sent straight to the engine is refused by the engine itself.
    stale = VehicleOp(vehicle.pk, old_row_version, {**source(vehicle.pk), "price": 1.0})
    response = get_client().bulk(operations=bulk_operations([stale], vehicles_alias(), require_alias=True))
    assert response["items"][0]["index"]["status"] == 409
    assert item_outcome(response["items"][0])[0] is Outcome.APPLIED
    assert source(vehicle.pk)["price"] == 2000.0
    assert SearchChange.objects.count() == 0
    assert_in_sync()


def test_a_deleted_vehicle_is_not_resurrected_by_a_late_upsert_change():
    vehicle = make_vehicle()
    drain_all()
    vehicle_id = vehicle.pk
    version = Vehicle.objects.get(pk=vehicle_id).search_version
    vehicle.delete()
    drain_all()
    SearchChange.objects.create(entity="vehicle", object_id=vehicle_id, version=version)
    drain_all()
    assert vehicle_id not in indexed_documents()
    assert_in_sync()


def test_failing_items_back_off_then_park_as_dead_letters_and_replay(settings):
    settings.INDEXER_MAX_ATTEMPTS = 3
    vehicle = make_vehicle()
    es = get_client()
    (target,) = index_admin.alias_targets(es, index_admin.VEHICLES)
    es.indices.close(index=target)
    try:
        for _ in range(3):
            result = drain_batch()
            assert result.failed == 1 and result.applied == 0
            SearchChange.objects.update(next_attempt_at="2000-01-01T00:00:00Z")  # skip the backoff wait
    finally:
        es.indices.open(index=target, wait_for_active_shards="1")
    change = SearchChange.objects.get(object_id=vehicle.pk)
    assert change.dead and change.attempts == 3 and "closed" in change.last_error
    assert drain_batch().claimed == 0  # dead letters are parked, not retried
    assert replay_dead_letters() == 1
    drain_all()
    assert SearchChange.objects.count() == 0
    assert_in_sync()


def test_engine_outage_acknowledges_nothing(settings):
    make_vehicle()
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    get_client.cache_clear()
    try:
        with pytest.raises(ENGINE_UNAVAILABLE):
            drain_batch()
    finally:
        get_client.cache_clear()
    assert SearchChange.objects.filter(attempts=0, dead=False).count() == 1


def test_rebuild_swaps_alias_and_drops_the_old_index():
    for _ in range(30):
        make_vehicle()
    drain_all()
    es = get_client()
    (before,) = index_admin.alias_targets(es, index_admin.VEHICLES)
    report = rebuild_vehicle_index()
    (after,) = index_admin.alias_targets(es, index_admin.VEHICLES)
    assert after != before and report.dropped == [before]
    assert not es.indices.exists(index=before)
    assert report.final_count == report.expected_count == 30
    assert_in_sync()


def test_rebuild_drops_the_changes_its_snapshot_covers_and_keeps_those_committed_after_it():
    dealer = make_dealer()
    loaded = Vehicle.objects.bulk_create([Vehicle(**vehicle_fields(dealer)) for _ in range(40)])
    assert SearchChange.objects.count() == 40
    late_writes = []

    def write_during_the_load(_count):
        # Committed on its own connection while the snapshot is being loaded: not covered by it.
        if late_writes:
            return

        def update():
            Vehicle.objects.filter(pk=loaded[0].pk).update(price=Decimal("999"))
            connection.close()

        writer = threading.Thread(target=update)
        writer.start()
        writer.join()
        late_writes.append(loaded[0].pk)

    report = rebuild_vehicle_index(on_progress=write_during_the_load)
    assert late_writes and report.changes_dropped == 40
    assert list(SearchChange.objects.values_list("object_id", flat=True)) == [loaded[0].pk]
    assert source(loaded[0].pk)["price"] != 999.0
    drain_all()
    assert source(loaded[0].pk)["price"] == 999.0
    assert_in_sync()


def test_reconciliation_finds_and_repairs_missing_stale_and_extra_documents():
    vehicles = [make_vehicle() for _ in range(10)]
    drain_all()
    # Changes that never reached the index (as if the change log had lost them).
    missing = make_vehicle()
    Vehicle.objects.filter(pk=vehicles[1].pk).update(price=Decimal("1.00"))
    SearchChange.objects.all().delete()
    # A document with no row behind it.
    doc = source(vehicles[2].pk)
    get_client().index(
        index=vehicles_alias(),
        id="999999",
        document={**doc, "vehicle_id": 999999, "sync_bucket": 999999 % 1024},
        refresh=True,
    )

    report = reconcile(repair=True)

    assert report.missing == [missing.pk]
    assert report.stale == [vehicles[1].pk]
    assert report.extra == [999999]
    assert report.remaining_differences == 0
    assert ReconciliationRun.objects.latest().repaired == 3
    assert source(vehicles[1].pk)["price"] == 1.0
    assert_in_sync()
    assert reconcile(repair=False).in_sync


def test_replaying_an_empty_selection_replays_nothing():
    change = SearchChange.objects.create(entity="vehicle", object_id=123456, version=1, dead=True, attempts=8)
    assert replay_dead_letters([]) == 0
    assert SearchChange.objects.get(pk=change.pk).dead
    assert replay_dead_letters([change.pk]) == 1
