"""Facet responses kept for about a second, per process, with one engine request per key at a time.

The facets of a search page are the expensive half of its request (every matching document is
counted once per facet group); its hits are cheap. Popular pages (the landing page, a make, a body
type) are asked for by many buyers at once, so the facets of the same request are computed once and
shared for SEARCH_FACET_CACHE_SECONDS, and buyers arriving while they are being computed wait for that
answer instead of sending the same work to the engine again (single flight). The hits of every
request are always fresh; facet counts may be that many seconds older than the engine's last
refresh, which itself runs every second.

The key is the facets request itself (its body, built deterministically from the validated query)
and the index alias, so two requests share an answer only when the engine would do the same work
for both. Kept in the process, not in Redis: a hit costs no round trip, and search never depends on
Redis.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import orjson

from .executor import Outcome, run_searches

# Followers wait at most this long for the leader's answer, then ask the engine themselves.
FOLLOW_TIMEOUT_SECONDS = 10.0


def facets_key(index: str, body: dict[str, Any]) -> str:
    return hashlib.blake2b(index.encode() + b"\0" + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass
class Slot:
    """One key's answer: being computed (`done` not set) or computed (`response`, until `expires`)."""

    done: threading.Event = field(default_factory=threading.Event)
    response: dict[str, Any] | None = None
    expires: float = 0.0

    def wait(self) -> dict[str, Any] | None:
        """The leader's answer, or None if it failed or took too long (ask the engine yourself)."""
        self.done.wait(FOLLOW_TIMEOUT_SECONDS)
        return self.response


class FacetCache:
    def __init__(self, *, max_entries: int = 1024):
        self.max_entries = max_entries
        self._slots: OrderedDict[str, Slot] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = self.shared = 0

    def claim(self, key: str) -> tuple[dict[str, Any] | None, Slot | None, bool]:
        """(response, slot, leading): a fresh answer (a hit); or the slot of an answer being computed by
        another caller (wait for it: `slot.wait()`); or a new slot that this caller leads: it asks the
        engine and must `fill` the slot whatever happens."""
        now = time.monotonic()
        with self._lock:
            slot = self._slots.get(key)
            if slot is not None and slot.done.is_set() and slot.response is not None and slot.expires > now:
                self._slots.move_to_end(key)
                self.hits += 1
                return slot.response, None, False
            if slot is not None and not slot.done.is_set():
                self.shared += 1
                return None, slot, False
            slot = Slot()
            self._slots[key] = slot
            self._slots.move_to_end(key)
            while len(self._slots) > self.max_entries:
                self._slots.popitem(last=False)
            self.misses += 1
            return None, slot, True

    def fill(self, key: str, slot: Slot, response: dict[str, Any] | None, *, seconds: float) -> None:
        """The leader's answer (None when its request failed: followers then ask for themselves)."""
        slot.response = response
        slot.expires = time.monotonic() + seconds
        slot.done.set()
        if response is None:
            with self._lock:
                if self._slots.get(key) is slot:
                    del self._slots[key]

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()
            self.hits = self.misses = self.shared = 0


FACETS = FacetCache()


def run_searches_sharing_facets(searches: list[tuple[str, Any]], *, facets_at: int, seconds: float) -> Outcome:
    """`run_searches(searches)`, the search at `facets_at` (a size-0 facets search) answered from the
    cache when a fresh answer is there, or from the one request for it already on its way."""
    if seconds <= 0:
        return run_searches(searches)
    index, facets_search = searches[facets_at]
    body = facets_search.to_dict() if hasattr(facets_search, "to_dict") else facets_search
    key = facets_key(index, body)
    response, slot, leading = FACETS.claim(key)
    if leading:
        try:
            outcome = run_searches(searches)
        except BaseException:
            FACETS.fill(key, slot, None, seconds=seconds)
            raise
        FACETS.fill(key, slot, outcome.responses[facets_at], seconds=seconds)
        return outcome
    others = [pair for i, pair in enumerate(searches) if i != facets_at]
    outcome = run_searches(others)
    if response is None:
        response = slot.wait()
    took = outcome.took_ms
    if response is None:  # the leader failed or is stuck: ask for ourselves
        own = run_searches([searches[facets_at]])
        response, took = own.responses[0], max(took, own.took_ms)
    responses = [*outcome.responses[:facets_at], response, *outcome.responses[facets_at:]]
    return Outcome(responses=responses, elapsed_ms=outcome.elapsed_ms, took_ms=took)
