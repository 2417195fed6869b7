"""The one place where search requests meet the engine. Builders elsewhere only describe queries.

Every API call makes exactly one round trip here: its searches go out together in one `_msearch`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from elasticsearch.dsl import Search

from .client import get_client

log = logging.getLogger(__name__)


class EngineUnavailable(Exception):
    """The engine answered but cannot serve now (overloaded, shards missing, index not built yet)."""


class ShardsFailed(EngineUnavailable):
    """Some shards did not answer: on a cluster, a node was lost mid-search; its replicas answer a retry."""


# A search whose shards failed (a node lost while it ran) is sent once more after this pause, in seconds:
# by then the engine routes to the surviving copies. Searches are reads, so resending is harmless.
SHARD_FAILURE_RETRY_PAUSE = 0.2


class SearchFailed(Exception):
    """The engine rejected a request we built: a defect on our side, never the caller's."""


@dataclass(frozen=True)
class Outcome:
    responses: list[dict[str, Any]]
    # Wall time of the round trip, and the engine's own time for its slowest search, in ms.
    elapsed_ms: float
    took_ms: int


def _check(item: dict[str, Any], index: str) -> dict[str, Any]:
    error = item.get("error")
    if error is None:
        if item.get("_shards", {}).get("failed"):
            raise ShardsFailed(f"{index}: some shards failed: {item['_shards'].get('failures')}")
        return item
    status = item.get("status", 500)
    kind = error.get("type") if isinstance(error, dict) else str(error)
    if status == 429 or status >= 500 or kind == "index_not_found_exception":
        raise EngineUnavailable(f"{index}: {kind} ({status})")
    log.error("search rejected by the engine: %s %s", status, error)
    raise SearchFailed(f"{index}: {kind} ({status})")


def run_searches(
    searches: Sequence[tuple[str, Search | dict[str, Any]]], *, optional: frozenset[str] = frozenset()
) -> Outcome:
    """Send (index, search) pairs in one `_msearch`; responses come back in the same order.

    Indexes named in `optional` may be missing (a derived index not built yet): their response is
    then empty instead of an error.
    """
    lines: list[dict[str, Any]] = []
    for index, search in searches:
        header: dict[str, Any] = {"index": index}
        if index in optional:
            header["ignore_unavailable"] = True
        lines.append(header)
        lines.append(search.to_dict() if isinstance(search, Search) else search)
    started = time.perf_counter()
    try:
        responses = _send(lines, searches)
    except ShardsFailed as exc:
        log.warning("retrying a search once: %s", exc)
        time.sleep(SHARD_FAILURE_RETRY_PAUSE)
        responses = _send(lines, searches)
    elapsed_ms = (time.perf_counter() - started) * 1000
    took = max((item.get("took", 0) for item in responses), default=0)
    return Outcome(responses=responses, elapsed_ms=elapsed_ms, took_ms=took)


def _send(lines: list[dict[str, Any]], searches) -> list[dict[str, Any]]:
    body = get_client().msearch(searches=lines).body
    return [_check(item, index) for item, (index, _) in zip(body["responses"], searches, strict=True)]


def run_search(index: str, search: Search | dict[str, Any]) -> dict[str, Any]:
    return run_searches([(index, search)]).responses[0]


# How long a process trusts the document count it last read: sampling needs its order of magnitude.
INDEXED_COUNT_SECONDS = 60.0
_indexed: dict[str, tuple[float, int]] = {}


def indexed_documents(index: str) -> int:
    """How many documents `index` holds, read at most once a minute per process (a size-0 count)."""
    now = time.monotonic()
    read_at, count = _indexed.get(index, (0.0, 0))
    if now - read_at > INDEXED_COUNT_SECONDS:
        count = run_search(index, {"size": 0, "track_total_hits": True})["hits"]["total"]["value"]
        _indexed[index] = (now, count)
    return count


def forget_indexed_documents() -> None:
    """Read the counts afresh (after an index is replaced in the same process: tests, a rebuild)."""
    _indexed.clear()
