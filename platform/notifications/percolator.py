"""The saved-search percolator index: one registration per active saved search, behind its alias.

Postgres is the source of truth. Each change of a saved search is followed by `sync_saved_search`,
and the whole index can be rebuilt from the rows (`manage.py search_rebuild`), which is how it
follows the vehicle mapping it is derived from. indexers.index_admin creates, swaps and drops its
physical indexes; code here reads and writes the alias only.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.helpers import bulk

from delivery.reference import ports
from es_mappings.vehicles import port_fields_mapping
from indexers import index_admin
from search.alerts import alert_query
from search.client import get_client
from search.indexes import saved_searches_alias
from search.request import VehicleQuery
from search.selectors import public_scope

from .models import SavedSearch

log = logging.getLogger(__name__)

PERCOLATOR_LOCK_KEY = 0x5EA4CA  # pg_advisory_lock key: one percolator rebuild at a time
# A rebuild re-syncs the searches changed since it started, less this margin: updated_at comes from
# the clock of whichever process saved the row.
RESYNC_MARGIN = timedelta(minutes=1)


def saved_search_query(query: VehicleQuery) -> dict[str, Any]:
    """The engine query a saved search stands for: the search's own builders, over the public scope."""
    return alert_query(query, public_scope()).to_dict()


def percolator_document(search: SavedSearch) -> dict[str, Any]:
    """What the engine holds for one active saved search (the only way one is turned into it)."""
    return {
        "query": saved_search_query(VehicleQuery.from_dict(search.query)),
        "saved_search_id": search.id,
        "user_id": search.user_id,
    }


def map_ports(es: Elasticsearch, index: str) -> None:
    """Map every port's delivered and CIF prices before queries on them are registered: the vehicle
    index learns a port's fields from documents, the percolator must know them first (adding fields
    to a mapping is allowed on a live index, so a port added in the admin needs no rebuild)."""
    codes = [port.code for port in ports()]
    if codes:
        es.indices.put_mapping(index=index, properties=port_fields_mapping(codes))


def _sync(es: Elasticsearch, saved_search_id: int) -> str:
    search = SavedSearch.objects.filter(pk=saved_search_id).first()
    if search is None or not search.active:
        with contextlib.suppress(NotFoundError):
            es.delete(index=saved_searches_alias(), id=str(saved_search_id), refresh=True)
        return "removed"
    if search.query.get("port"):
        map_ports(es, saved_searches_alias())
    es.index(
        index=saved_searches_alias(),
        id=str(search.id),
        refresh=True,
        require_alias=True,  # never auto-create a plain index under the alias's name
        document=percolator_document(search),
    )
    return "registered"


def sync_saved_search(saved_search_id: int) -> str:
    """Make the engine agree with the row: registered while active, gone when paused or deleted."""
    ensure_percolator_index()
    return _sync(get_client(), saved_search_id)


def resync_changed_since(since) -> int:
    """Register again, in one bulk request, every saved search changed since `since` (a sync whose task
    never reached the broker is caught up; one that did is rewritten with the same document). A search
    deleted meanwhile may stay registered: matching reads only active rows. Returns how many."""
    changed = list(SavedSearch.objects.filter(updated_at__gte=since).order_by("id"))
    if not changed:
        return 0
    ensure_percolator_index()
    es = get_client()
    if any(search.query.get("port") for search in changed):
        map_ports(es, saved_searches_alias())
    actions = [
        {"_op_type": "index", "_id": str(search.id), "_source": percolator_document(search)}
        if search.active
        else {"_op_type": "delete", "_id": str(search.id)}
        for search in changed
    ]
    # A delete of a search never registered is no error.
    bulk(es, actions, index=saved_searches_alias(), refresh=True, raise_on_error=False)
    return len(changed)


@contextlib.contextmanager
def _one_rebuild_at_a_time() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [PERCOLATOR_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [PERCOLATOR_LOCK_KEY])


def ensure_percolator_index() -> None:
    """Build the index behind its alias if there is none: on first use, when the engine lost its data,
    and on an installation that still has a plain index of the alias's name (replaced by the build)."""
    if index_admin.alias_exists(get_client(), index_admin.SAVED_SEARCHES):
        return
    with _one_rebuild_at_a_time():
        if not index_admin.alias_exists(get_client(), index_admin.SAVED_SEARCHES):
            _rebuild()


@dataclass
class PercolatorRebuild:
    index_name: str = ""
    registered: int = 0
    resynced: int = 0
    dropped: list[str] = field(default_factory=list)


def rebuild_percolator() -> PercolatorRebuild:
    """A new index with the current mapping, every active saved search registered into it from
    Postgres, swapped in behind the alias; the old one dropped. Alerts keep matching throughout."""
    with _one_rebuild_at_a_time():
        return _rebuild()


def _rebuild() -> PercolatorRebuild:
    es = get_client()
    started = timezone.now()
    loaded: set[int] = set()
    report = PercolatorRebuild()
    report.index_name, report.dropped = index_admin.build_and_swap(
        es, index_admin.SAVED_SEARCHES, lambda name: loaded.update(register_active_searches(es, name))
    )
    report.registered = len(loaded)
    report.resynced = resync_after_swap(es, loaded, since=started - RESYNC_MARGIN)
    log.info("percolator %s: %d saved searches, %d re-synced", report.index_name, len(loaded), report.resynced)
    return report


def register_active_searches(es: Elasticsearch, index_name: str) -> set[int]:
    """Register every active saved search into index_name (not yet behind the alias). Returns their ids."""
    ids: set[int] = set()
    map_ports(es, index_name)

    def actions() -> Iterator[dict[str, Any]]:
        for search in SavedSearch.objects.filter(active=True).order_by("pk").iterator(chunk_size=1000):
            ids.add(search.id)
            yield {"_index": index_name, "_id": str(search.id), "_source": percolator_document(search)}

    bulk(es.options(request_timeout=120), actions(), chunk_size=500)
    return ids


def resync_after_swap(es: Elasticsearch, loaded: set[int], *, since) -> int:
    """Bring the swapped-in index up to date with what changed while it was built.

    A saved search created, paused or resumed during the build had its own sync written to the old
    index, and one deleted or paused after the load read it is still registered in the new one. Both
    are re-synced from their rows now that the alias points at the new index. Returns how many.
    """
    changed = set(SavedSearch.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    still_active = set(SavedSearch.objects.filter(active=True).values_list("pk", flat=True))
    stale = changed | (loaded - still_active)
    for saved_search_id in sorted(stale):
        _sync(es, saved_search_id)
    return len(stale)
