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
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson
from elasticsearch.dsl import Search
from prometheus_client import Counter

from .executor import Outcome, run_searches

log = logging.getLogger(__name__)

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
    # Set while a fresh copy is fetched ahead of `expires` (keep_warm): one such fetch per key.
    renewing: bool = False

    def wait(self) -> Any:
        """The leader's answer, or None if it failed or took too long (ask the engine yourself)."""
        self.done.wait(FOLLOW_TIMEOUT_SECONDS)
        return self.answer


# How often a round trip was saved (hit, shared) or sent (miss), across web processes (/metrics).
ROUND_TRIPS = Counter(
    "nzila_search_round_trips",
    "Search and typeahead round trips: sent to the engine (miss), answered from a fresh identical one "
    "(hit), or from an identical one on its way (shared); and sent ahead of an answer's expiry to keep "
    "a popular one warm (renewed).",
    ["outcome"],
)

# With keep_warm, an answer asked for in the last part of its life is fetched again in the background,
# so a popular key is always answered from memory; its copy is never older than `seconds` either way.
RENEW_IN_LAST = 0.3


class SharedAnswers:
    def __init__(self, *, max_entries: int = 1024):
        self.max_entries = max_entries
        self._slots: OrderedDict[str, Slot] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, key: str, *, renew_after: float | None = None) -> tuple[Any, Slot | None, bool]:
        """(answer, slot, leading): a fresh answer (a hit); or the slot of an answer another caller
        is fetching (wait for it: `slot.wait()`); or a new slot that this caller leads: it asks the
        engine and must `fill` the slot whatever happens.

        With `renew_after`, a hit on an answer expiring within that many seconds also returns a new
        slot to lead (answer, slot, True): serve the answer, then fetch and `fill` the slot."""
        now = time.monotonic()
        with self._lock:
            slot = self._slots.get(key)
            if slot is not None and slot.done.is_set() and slot.answer is not None and slot.expires > now:
                self._slots.move_to_end(key)
                ROUND_TRIPS.labels("hit").inc()
                if renew_after is not None and not slot.renewing and slot.expires - now < renew_after:
                    slot.renewing = True
                    return slot.answer, Slot(), True
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
        """The leader's answer (None when its request failed: followers then ask for themselves).
        A renewed answer replaces the one it renews; a failed renewal leaves that one to expire."""
        slot.answer = answer
        slot.expires = time.monotonic() + seconds
        slot.done.set()
        with self._lock:
            current = self._slots.get(key)
            if answer is None:
                if current is slot:
                    del self._slots[key]
                elif current is not None:
                    current.renewing = False
            elif current is not slot and (current is None or current.done.is_set()):
                self._slots[key] = slot
                self._slots.move_to_end(key)
                while len(self._slots) > self.max_entries:
                    self._slots.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()


ANSWERS = SharedAnswers()

T = TypeVar("T")


def shared(key: str, compute: Callable[[], T], *, seconds: float, keep_warm: bool = False) -> T:
    """`compute()`, answered from an identical key's answer of the last `seconds`, or from the one
    already on its way (single flight). With `seconds` 0, simply `compute()`.

    With `keep_warm`, a key asked for again near the end of its answer's life is computed afresh in a
    background thread while the current answer is served: popular keys never wait for the engine."""
    if seconds <= 0:
        return compute()
    answer, slot, leading = ANSWERS.claim(key, renew_after=seconds * RENEW_IN_LAST if keep_warm else None)
    if answer is not None:
        if leading:
            threading.Thread(target=_renew, args=(key, slot, compute, seconds), daemon=True).start()
        return answer
    if not leading:
        answer = slot.wait()
        return answer if answer is not None else compute()
    try:
        answer = compute()
    except BaseException:
        ANSWERS.fill(key, slot, None, seconds=seconds)
        raise
    ANSWERS.fill(key, slot, answer, seconds=seconds)
    return answer


def _renew(key: str, slot: Slot, compute: Callable[[], Any], seconds: float) -> None:
    ROUND_TRIPS.labels("renewed").inc()
    try:
        answer = compute()
    except Exception:  # the served answer expires as usual; the next request asks again
        log.warning("renewing a shared answer failed", exc_info=True)
        answer = None
    ANSWERS.fill(key, slot, answer, seconds=seconds)


def run_searches_shared(
    searches: Sequence[tuple[str, Search | dict[str, Any]]],
    *,
    seconds: float,
    optional: frozenset[str] = frozenset(),
) -> Outcome:
    """`run_searches(searches, optional=optional)`, answered from an identical round trip of the last
    `seconds`, or from the one already on its way. With `seconds` 0, simply `run_searches`."""
    return shared(searches_key(searches), lambda: run_searches(searches, optional=optional), seconds=seconds)
