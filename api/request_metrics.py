"""Request latency per endpoint, for /metrics: a histogram labelled by route name, never by raw path
(ids and tokens in paths would make one series per URL, and leak tokens)."""

from __future__ import annotations

import time

from prometheus_client import Histogram

REQUEST_SECONDS = Histogram(
    "nzila_http_request_duration_seconds",
    "Time to answer one HTTP request, by route name, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        REQUEST_SECONDS.labels(route_of(request), request.method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response
