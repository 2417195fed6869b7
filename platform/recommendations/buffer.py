"""Impressions and clicks of similar-vehicle lists, buffered like the search log and written by Celery."""

from __future__ import annotations

import atexit

from django.conf import settings

from insights.buffer import SearchLogBuffer


class RecommendationLogBuffer(SearchLogBuffer):
    task_name = "recommendations.tasks.record_recommendation_events"


recommendation_log_buffer = RecommendationLogBuffer()


@atexit.register
def _flush_on_exit() -> None:
    if settings.SEARCH_LOG_FLUSH_SECONDS > 0 and recommendation_log_buffer.pending():
        recommendation_log_buffer.flush()
