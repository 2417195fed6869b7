"""Identical search requests arriving within a second share one engine round trip (per process).

Popular pages (the landing page, a make, a body type; the first letters typed in the search box) are
asked for by many buyers at once. Each distinct `_msearch` is sent once and its answer shared for
SEARCH_ANSWER_SHARING_SECONDS; buyers arriving while it is on its way wait for it instead of sending
the same work again (single flight), so a burst on one page costs the engine one request.

Freshness: an answer is at most that many seconds older than the engine's state, on top of the
engine's own refresh interval (1 s), so a committed write still reaches search within seconds.
The key is every search of the round trip (index and body, built deterministically from the
validated query), so two callers share an answer only when the engine would do the same work for
both. Kept in the process, not in Redis: sharing costs no round trip, and search never depends on
Redis.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from elasticsearch.dsl import Search
from prometheus_client import Counter

from .executor import Outcome, run_searches

# Followers wait at most this long for the leader's answer, then ask the engine themselves.
FOLLOW_TIMEOUT_SECONDS = 10.0


def searches_key(searches: Sequence[tuple[str, Search | dict[str, Any]]]) -> str:
    digest = hashlib.blake2b()
    for index, search in searches:
        body = search.to_dict() if isinstance(search, Search) else search
        digest.update(index.encode() + b"\0" + orjson.dumps(body, option=orjson.OPT_SORT_KEYS) + b"\0")
    return digest.hexdigest()


@dataclass
class Slot:
    """One key's answer: on its way (`done` not set) or arrived (`answer`, fresh until `expires`)."""

    done: threading.Event = field(default_factory=threading.Event)
    answer: Any = None
    expires: float = 0.0

    def wait(self) -> Any:
        """The leader's answer, or None if it failed or took too long (ask the engine yourself)."""
        self.done.wait(FOLLOW_TIMEOUT_SECONDS)
        return self.answer


# How often a round trip was saved (hit, shared) or sent (miss), across web processes (/metrics).
ROUND_TRIPS = Counter(
    "nzila_search_round_trips",
    "Search and typeahead round trips: sent to the engine (miss), answered from a fresh identical one "
    "(hit), or from an identical one on its way (shared).",
    ["outcome"],
)


class SharedAnswers:
    def __init__(self, *, max_entries: int = 1024):
        self.max_entries = max_entries
        self._slots: OrderedDict[str, Slot] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, key: str) -> tuple[Any, Slot | None, bool]:
        """(answer, slot, leading): a fresh answer (a hit); or the slot of an answer another caller
        is fetching (wait for it: `slot.wait()`); or a new slot that this caller leads: it asks the
        engine and must `fill` the slot whatever happens."""
        now = time.monotonic()
        with self._lock:
            slot = self._slots.get(key)
            if slot is not None and slot.done.is_set() and slot.answer is not None and slot.expires > now:
                self._slots.move_to_end(key)
                ROUND_TRIPS.labels("hit").inc()
                return slot.answer, None, False
            if slot is not None and not slot.done.is_set():
                ROUND_TRIPS.labels("shared").inc()
                return None, slot, False
            slot = Slot()
            self._slots[key] = slot
            self._slots.move_to_end(key)
            while len(self._slots) > self.max_entries:
                self._slots.popitem(last=False)
            ROUND_TRIPS.labels("miss").inc()
            return None, slot, True

    def fill(self, key: str, slot: Slot, answer: Any, *, seconds: float) -> None:
        """The leader's answer (None when its request failed: followers then ask for themselves)."""
        slot.answer = answer
        slot.expires = time.monotonic() + seconds
        slot.done.set()
        if answer is None:
            with self._lock:
                if self._slots.get(key) is slot:
                    del self._slots[key]

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()


ANSWERS = SharedAnswers()


def run_searches_shared(
    searches: Sequence[tuple[str, Search | dict[str, Any]]],
    *,
    seconds: float,
    optional: frozenset[str] = frozenset(),
) -> Outcome:
    """`run_searches(searches, optional=optional)`, answered from an identical round trip of the last
    `seconds`, or from the one already on its way. With `seconds` 0, simply `run_searches`."""
    if seconds <= 0:
        return run_searches(searches, optional=optional)
    key = searches_key(searches)
    answer, slot, leading = ANSWERS.claim(key)
    if answer is not None:
        return answer
    if not leading:
        answer = slot.wait()
        return answer if answer is not None else run_searches(searches, optional=optional)
    try:
        outcome = run_searches(searches, optional=optional)
    except BaseException:
        ANSWERS.fill(key, slot, None, seconds=seconds)
        raise
    ANSWERS.fill(key, slot, outcome, seconds=seconds)
    return outcome
