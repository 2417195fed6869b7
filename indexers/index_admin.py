"""Physical indexes and the alias in front of them: create, find, swap, drop.

Code reads and writes the alias; physical indexes are named `<alias>-<UTC timestamp>` and only the
rebuilder creates or drops them. Nothing here decides *when* to do so.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from elasticsearch import Elasticsearch, NotFoundError

from es_mappings.vehicles import vehicle_index_body
from search.indexes import vehicles_alias


def new_physical_name() -> str:
    return f"{vehicles_alias()}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"


def create_physical_index(es: Elasticsearch, name: str, *, bulk_loading: bool = False) -> None:
    body = vehicle_index_body()
    if bulk_loading:
        # No refreshes while a rebuild loads; restored by finish_bulk_loading before the swap.
        body["settings"] = {**body["settings"], "refresh_interval": "-1"}
    es.indices.create(index=name, **body)


def finish_bulk_loading(es: Elasticsearch, name: str) -> None:
    es.indices.put_settings(
        index=name, settings={"index": {"refresh_interval": settings.SEARCH_INDEX_REFRESH_INTERVAL}}
    )
    es.indices.refresh(index=name)


def alias_targets(es: Elasticsearch) -> list[str]:
    """The physical indexes the alias points at now (normally exactly one)."""
    try:
        return sorted(es.indices.get_alias(name=vehicles_alias()).body)
    except NotFoundError:
        return []


def alias_exists(es: Elasticsearch) -> bool:
    return bool(es.indices.exists_alias(name=vehicles_alias()))


def swap_alias(es: Elasticsearch, new_index: str) -> list[str]:
    """Point the alias at new_index in one atomic step; returns the indexes it left."""
    alias = vehicles_alias()
    old = [name for name in alias_targets(es) if name != new_index]
    actions = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": new_index, "alias": alias, "is_write_index": True}})
    es.indices.update_aliases(actions=actions)
    return old


def physical_indexes(es: Elasticsearch) -> list[str]:
    return sorted(es.indices.get(index=f"{vehicles_alias()}-*", expand_wildcards="open").body)


def drop_indexes(es: Elasticsearch, names: list[str]) -> None:
    for name in names:
        es.indices.delete(index=name, ignore_unavailable=True)
