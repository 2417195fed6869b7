"""Redis away, as the web processes meet it: fixtures that point the cache, the rate limits and the
Celery broker at a closed port (nothing listens on 9, the discard port), and put them back."""

from __future__ import annotations

import pytest
from celery import current_app

CLOSED = "redis://127.0.0.1:9/0"


def _forget_failures() -> None:
    from api import throttles
    from nzila import cache

    throttles._counting_script.cache_clear()
    throttles._local_counters.clear()
    cache._failed_at = -cache.RETRY_SECONDS


@pytest.fixture
def cache_away(settings):
    """The shared cache and the rate limits' counters unreachable."""
    _forget_failures()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": CLOSED}}
    yield
    _forget_failures()


def _forget_broker_connections() -> None:
    """Drop the app's connection and producer pools, and the control mailbox's (as Celery does after a
    fork), so the next message connects to whatever the configuration says now. The old pools are left
    open: whoever still holds one keeps working."""
    current_app._pool = None
    current_app.amqp._producer_pool = None
    current_app.control.mailbox.__dict__.pop("producer_pool", None)


@pytest.fixture
def broker_away():
    """The Celery app publishing to a closed port."""
    conf = current_app.conf
    kept = conf.broker_url
    _forget_broker_connections()
    conf.broker_url = CLOSED
    yield
    _forget_broker_connections()
    conf.broker_url = kept
