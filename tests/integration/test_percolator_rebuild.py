"""The saved-search percolator behind its alias, on the real engine: rebuilt when the vehicle mapping
gains a field, upgraded from the plain index of earlier installations, and rebuilt while buyers
save, pause and delete searches without losing any of it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from elasticsearch import ApiError

import es_mappings.saved_searches
from es_mappings.saved_searches import saved_search_index_body
from indexers import index_admin
from notifications import percolator, saved_searches
from notifications.models import SavedSearch, SavedSearchMatch
from notifications.percolator import ensure_percolator_index, percolator_document, rebuild_percolator
from notifications.saved_searches import current_vehicle_version, match_saved_searches
from search.client import get_client
from search.indexes import saved_searches_alias
from search.request import Range, VehicleQuery
from tests.support.factories import make_dealer, make_vehicle
from tests.support.notification_support import clean_broker, clean_percolator, fast_settings, make_buyer  # noqa: F401

pytestmark = [pytest.mark.engine, pytest.mark.django_db(transaction=True)]

HILUX = VehicleQuery(text="hilux", terms={"make": ("Toyota",)}, ranges={"price": Range(high=30000)})


def save_search(buyer, name: str = "Hilux under 30k", *, active: bool = True) -> SavedSearch:
    return SavedSearch.objects.create(
        user=buyer.user,
        name=name,
        params={"q": "hilux"},
        query=HILUX.to_dict(),
        active=active,
        since_version=current_vehicle_version(),
    )


def registered_ids() -> set[int]:
    es = get_client()
    es.indices.refresh(index=saved_searches_alias())
    hits = es.search(index=saved_searches_alias(), size=1000, source=["saved_search_id"])["hits"]["hits"]
    return {hit["_source"]["saved_search_id"] for hit in hits}


def test_a_rebuild_follows_a_new_vehicle_field_and_alerts_keep_matching(
    clean_percolator, clean_broker, fast_settings, monkeypatch
):
    buyer, dealer = make_buyer(), make_dealer()
    search = save_search(buyer)
    assert percolator.sync_saved_search(search.id) == "registered"
    (before,) = index_admin.alias_targets(get_client(), index_admin.SAVED_SEARCHES)

    # A release adds a field to the vehicle document and mapping (which is strict).
    vehicle_body, vehicle_document = es_mappings.saved_searches.vehicle_index_body, saved_searches.vehicle_to_document

    def body_with_field():
        body = vehicle_body()
        body["mappings"]["properties"]["export_ready"] = {"type": "boolean"}
        return body

    def document_with_field(row):
        return {**vehicle_document(row), "export_ready": True}

    monkeypatch.setattr(es_mappings.saved_searches, "vehicle_index_body", body_with_field)
    monkeypatch.setattr(saved_searches, "vehicle_to_document", document_with_field)
    hilux = make_vehicle(dealer=dealer, make="Toyota", model="Hilux", year=2020, price=Decimal("27000"))
    with pytest.raises(ApiError, match="strict"):
        match_saved_searches()  # the old percolator cannot parse the new document

    call_command("search_rebuild", verbosity=0)
    (after,) = index_admin.alias_targets(get_client(), index_admin.SAVED_SEARCHES)
    assert after != before and index_admin.physical_indexes(get_client(), index_admin.SAVED_SEARCHES) == [after]
    assert match_saved_searches()["matches"] == 1
    assert list(SavedSearchMatch.objects.values_list("saved_search_id", "vehicle_id")) == [(search.id, hilux.id)]


def test_a_plain_index_of_an_earlier_installation_becomes_an_alias_without_losing_searches(clean_percolator):
    buyer = make_buyer()
    kept, never_registered, paused = save_search(buyer), save_search(buyer), save_search(buyer, active=False)
    es = get_client()
    # The layout before the alias: a plain index under the name, created when missing, never rebuilt.
    es.indices.create(index=saved_searches_alias(), **saved_search_index_body())
    for search in (kept, paused):  # the paused one's removal never reached the engine
        es.index(index=saved_searches_alias(), id=str(search.id), document=percolator_document(search), refresh=True)

    ensure_percolator_index()

    (physical,) = index_admin.alias_targets(es, index_admin.SAVED_SEARCHES)
    assert physical.startswith(f"{saved_searches_alias()}-")
    assert list(es.indices.get(index=saved_searches_alias()).body) == [physical], "the plain index is gone"
    assert registered_ids() == {kept.id, never_registered.id}, "registrations come from Postgres"
    ensure_percolator_index()  # idempotent once the alias exists
    assert index_admin.alias_targets(es, index_admin.SAVED_SEARCHES) == [physical]


def test_searches_saved_paused_or_deleted_during_a_rebuild_are_not_lost(clean_percolator, monkeypatch):
    buyer = make_buyer()
    untouched, to_pause, to_delete = save_search(buyer), save_search(buyer), save_search(buyer)
    for search in (untouched, to_pause, to_delete):
        percolator.sync_saved_search(search.id)
    created = []
    load = percolator.register_active_searches

    def load_then_buyers_act(es, index_name):
        loaded = load(es, index_name)
        # After the load read Postgres, before the swap: each change is synced, as its task would,
        # into the index behind the alias, which is still the old one.
        created.append(save_search(buyer, "new"))
        to_pause.active = False
        to_pause.save()
        SavedSearch.objects.filter(pk=to_delete.pk).delete()
        for search_id in (created[0].id, to_pause.id, to_delete.id):
            percolator.sync_saved_search(search_id)
        return loaded

    monkeypatch.setattr(percolator, "register_active_searches", load_then_buyers_act)
    report = rebuild_percolator()

    assert report.registered == 3 and report.dropped
    assert registered_ids() == {untouched.id, created[0].id}
