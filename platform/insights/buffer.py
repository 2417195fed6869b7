"""The search request's side of the log: append to memory, hand batches to Celery from a background thread.

A search never waits on Postgres or the broker for its log line. Each process keeps a bounded buffer;
a daemon thread sends its contents as one `insights.tasks.record_searches` task (queue "low") every
SEARCH_LOG_FLUSH_SECONDS, or sooner when a batch fills up. If the broker is down, lines are kept
until the buffer is full, then the newest are dropped and counted: the log is best effort, search is not.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import unicodedata
from typing import Any

from celery import current_app
from django.conf import settings

log = logging.getLogger(__name__)


def normalize_query(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().split())[:200]


class SearchLogBuffer:
    def __init__(self, *, max_batch: int = 500, max_pending: int = 20000):
        self.max_batch = max_batch
        self.max_pending = max_pending
        self.dropped = 0
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread_pid: int | None = None

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            if len(self._pending) >= self.max_pending:
                self.dropped += 1
                return
            self._pending.append(entry)
            full = len(self._pending) >= self.max_batch
        self._ensure_thread()
        if full:
            self._wake.set()

    def pending(self) -> int:
        return len(self._pending)

    # Named, not imported: tasks.py also rebuilds the suggestions index (above search), and this module
    # sits below search (its sink is handed to search's selectors; recommendations reuse the buffer).
    # apps.py registers the task in every process, so eager mode (tests) runs it in place too.
    task_name = "insights.tasks.record_searches"

    def send(self, batch: list[dict[str, Any]]) -> None:
        """Hand one batch to Celery, as the task named `task_name`."""
        current_app.tasks[self.task_name].apply_async(args=[batch], queue="low", retry=False)

    def flush(self) -> int:
        """Send everything buffered now; returns how many lines were handed over."""
        sent = 0
        while True:
            with self._lock:
                batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            if not batch:
                return sent
            try:
                self.send(batch)
            except Exception as exc:  # the broker is down: keep the lines for the next try
                log.warning("search log: could not queue %d lines: %s", len(batch), exc)
                with self._lock:
                    room = self.max_pending - len(self._pending)
                    self._pending = batch[:room] + self._pending
                    self.dropped += max(0, len(batch) - room)
                return sent
            sent += len(batch)

    def _ensure_thread(self) -> None:
        # One thread per process: a forked worker (gunicorn, Celery) starts its own.
        interval = settings.SEARCH_LOG_FLUSH_SECONDS
        if interval <= 0 or self._thread_pid == os.getpid():
            return
        with self._lock:
            if self._thread_pid == os.getpid():
                return
            self._thread_pid = os.getpid()
        threading.Thread(target=self._run, args=(interval,), name="search-log-flush", daemon=True).start()

    def _run(self, interval: float) -> None:
        while True:
            self._wake.wait(interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # never let the thread die; the next round tries again
                log.exception("search log: flush failed")


search_log_buffer = SearchLogBuffer()


def record_search(entry: dict[str, Any]) -> None:
    """The search log's sink: the search layer hands it each search's line (search/selectors.py takes
    it as a parameter, so search never imports insights); the normalised text is insights' own."""
    search_log_buffer.add({**entry, "normalized_query": normalize_query(entry["query_text"])})


@atexit.register
def _flush_on_exit() -> None:
    # Only where a flush thread would have sent them; with 0 the owner of the process flushes by hand.
    if settings.SEARCH_LOG_FLUSH_SECONDS > 0 and search_log_buffer.pending():
        search_log_buffer.flush()
