"""Impressions and clicks of similar-vehicle lists, buffered like the search log and written by Celery."""

from __future__ import annotations

import atexit
from typing import Any

from django.conf import settings

from insights.buffer import SearchLogBuffer


class RecommendationLogBuffer(SearchLogBuffer):
    def send(self, batch: list[dict[str, Any]]) -> None:
        from .tasks import record_recommendation_events

        record_recommendation_events.apply_async(args=[batch], queue="low", retry=False)


recommendation_log_buffer = RecommendationLogBuffer()


@atexit.register
def _flush_on_exit() -> None:
    if settings.SEARCH_LOG_FLUSH_SECONDS > 0 and recommendation_log_buffer.pending():
        recommendation_log_buffer.flush()
