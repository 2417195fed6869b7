"""Every index's physical indexes and the alias in front of them: create, find, swap, drop.

Code reads and writes aliases; physical indexes are named `<alias>-<UTC timestamp>` and only the
rebuilders create or drop them, through this module. Nothing here decides *when* to do so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from elasticsearch import Elasticsearch, NotFoundError

from es_mappings.saved_searches import saved_search_index_body
from es_mappings.suggestions import suggestion_index_body
from es_mappings.vehicles import vehicle_index_body
from search.indexes import saved_searches_alias, suggestions_alias, vehicles_alias


@dataclass(frozen=True)
class IndexKind:
    """One index: the alias code addresses it by, and the body (settings + mappings) of a new one.
    Both are functions: they read settings (prefix, shards) when called, not at import."""

    name: str
    alias: Callable[[], str]
    body: Callable[[], dict[str, Any]]


VEHICLES = IndexKind("vehicles", vehicles_alias, vehicle_index_body)
SUGGESTIONS = IndexKind("suggestions", suggestions_alias, suggestion_index_body)
SAVED_SEARCHES = IndexKind("saved-searches", saved_searches_alias, saved_search_index_body)
INDEX_KINDS = (VEHICLES, SUGGESTIONS, SAVED_SEARCHES)


def new_physical_name(kind: IndexKind) -> str:
    return f"{kind.alias()}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"


def create_physical_index(es: Elasticsearch, kind: IndexKind, name: str, *, bulk_loading: bool = False) -> None:
    body = kind.body()
    if bulk_loading:
        # No refreshes while a rebuild loads; restored by finish_bulk_loading before the swap.
        body["settings"] = {**body["settings"], "refresh_interval": "-1"}
    es.indices.create(index=name, **body)


def finish_bulk_loading(es: Elasticsearch, name: str) -> None:
    es.indices.put_settings(
        index=name, settings={"index": {"refresh_interval": settings.SEARCH_INDEX_REFRESH_INTERVAL}}
    )
    es.indices.refresh(index=name)


def alias_targets(es: Elasticsearch, kind: IndexKind) -> list[str]:
    """The physical indexes the alias points at now (normally exactly one)."""
    try:
        return sorted(es.indices.get_alias(name=kind.alias()).body)
    except NotFoundError:
        return []


def alias_exists(es: Elasticsearch, kind: IndexKind) -> bool:
    return bool(es.indices.exists_alias(name=kind.alias()))


def swap_alias(es: Elasticsearch, kind: IndexKind, new_index: str) -> list[str]:
    """Point the alias at new_index in one atomic step; returns the indexes it left.

    A plain index that holds the alias's own name (installations from before every index had an
    alias) is deleted in the same step, so the name is never missing nor ambiguous.
    """
    alias = kind.alias()
    old = [name for name in alias_targets(es, kind) if name != new_index]
    actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in old]
    if not old and es.indices.exists(index=alias) and not alias_exists(es, kind):
        actions.append({"remove_index": {"index": alias}})
    actions.append({"add": {"index": new_index, "alias": alias, "is_write_index": True}})
    es.indices.update_aliases(actions=actions)
    return old


def physical_indexes(es: Elasticsearch, kind: IndexKind) -> list[str]:
    return sorted(es.indices.get(index=f"{kind.alias()}-*", expand_wildcards="open").body)


def drop_indexes(es: Elasticsearch, names: list[str]) -> None:
    for name in names:
        es.indices.delete(index=name, ignore_unavailable=True)


def build_and_swap(es: Elasticsearch, kind: IndexKind, load: Callable[[str], None]) -> tuple[str, list[str]]:
    """A new physical index, filled by load(name), refreshed, swapped in behind the alias; the indexes
    it replaced are dropped. If anything fails the new index is dropped and the alias left as it was.
    Returns the new index's name and the dropped ones."""
    name = new_physical_name(kind)
    create_physical_index(es, kind, name)
    try:
        load(name)
        es.indices.refresh(index=name)
        old = swap_alias(es, kind, name)
    except BaseException:
        if name not in alias_targets(es, kind):
            drop_indexes(es, [name])
        raise
    drop_indexes(es, old)
    return name, old
