"""The one place where search requests meet the engine. Builders elsewhere only describe queries.

Every API call makes exactly one round trip here: its searches go out together in one `_msearch`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
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


def msearch_lines(
    searches: Sequence[tuple[str, Search | dict[str, Any]]], *, optional: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """The `_msearch` lines of (index, search) pairs: a header naming the index, then the body.
    Indexes named in `optional` may be missing (a derived index not built yet)."""
    lines: list[dict[str, Any]] = []
    for index, search in searches:
        header: dict[str, Any] = {"index": index}
        if index in optional:
            header["ignore_unavailable"] = True
        lines.append(header)
        lines.append(search.to_dict() if isinstance(search, Search) else search)
    return lines


def run_searches(
    searches: Sequence[tuple[str, Search | dict[str, Any]]], *, optional: frozenset[str] = frozenset()
) -> Outcome:
    """Send (index, search) pairs in one `_msearch`; responses come back in the same order.

    Indexes named in `optional` may be missing: their response is then empty instead of an error.
    """
    return _round_trip(msearch_lines(searches, optional=optional), [index for index, _ in searches])


class TextTemplate:
    """An `_msearch` whose only varying part is a text, rendered once from its builders' output with
    a placeholder and then filled in: a keystroke's request in microseconds instead of rebuilding the
    query objects (a third of a millisecond), byte for byte the request the builders make."""

    # Written where the text goes; nobody types it, and JSON writes it escaped the same way every time.
    PLACEHOLDER = "\u0000typed\u0000"

    def __init__(self, searches: Sequence[tuple[str, Search | dict[str, Any]]], *, optional=frozenset()):
        self.indexes = [index for index, _ in searches]
        ndjson = b"".join(orjson.dumps(line) + b"\n" for line in msearch_lines(searches, optional=optional))
        self._parts = ndjson.split(orjson.dumps(self.PLACEHOLDER)[1:-1])
        if len(self._parts) < 2:
            raise ValueError("the searches do not contain the placeholder text")

    def render(self, text: str) -> bytes:
        return orjson.dumps(text)[1:-1].join(self._parts)


def run_template(template: TextTemplate, text: str) -> Outcome:
    """Send `template` filled with `text`, as run_searches sends the searches it was made from."""
    return _round_trip(template.render(text), template.indexes)


def _round_trip(body: list[dict[str, Any]] | bytes, indexes: list[str]) -> Outcome:
    started = time.perf_counter()
    try:
        responses = _send(body, indexes)
    except ShardsFailed as exc:
        log.warning("retrying a search once: %s", exc)
        time.sleep(SHARD_FAILURE_RETRY_PAUSE)
        responses = _send(body, indexes)
    elapsed_ms = (time.perf_counter() - started) * 1000
    took = max((item.get("took", 0) for item in responses), default=0)
    return Outcome(responses=responses, elapsed_ms=elapsed_ms, took_ms=took)


def _send(body: list[dict[str, Any]] | bytes, indexes: list[str]) -> list[dict[str, Any]]:
    # A list of lines is serialised by the client; bytes (a rendered template) go out as they are.
    answer = get_client().msearch(body=body)
    return [_check(item, index) for item, index in zip(answer.body["responses"], indexes, strict=True)]


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
