"""Which failures are worth another try."""

from __future__ import annotations

import redis
import requests


class TransientError(Exception):
    """A failure a later try may not have (network, rate limit, a provider's 5xx).

    `retry_after`: how long the other side asked us to wait (Retry-After); a backoff never waits less.
    `maybe_processed`: whether the other side may have acted before failing (a timeout after sending),
    so that only idempotent calls are retried blindly.
    """

    def __init__(self, message: str = "", *, retry_after: float | None = None, maybe_processed: bool = True):
        super().__init__(message)
        self.retry_after = retry_after
        self.maybe_processed = maybe_processed


class PermanentError(Exception):
    """A failure no retry can fix (bad input, a rejected recipient)."""


# Errors worth another try: ours, the network, the database connection, the broker, the engine's transport.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionError,
    TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    requests.ConnectionError,
    requests.Timeout,
)
try:  # the database connection's, where Django is installed
    from django.db import InterfaceError, OperationalError

    TRANSIENT_ERRORS += (OperationalError, InterfaceError)
except ImportError:  # pragma: no cover
    pass
try:  # the engine transport's, where the search stack is installed
    from elastic_transport import ConnectionError as EngineConnectionError
    from elastic_transport import ConnectionTimeout

    TRANSIENT_ERRORS += (EngineConnectionError, ConnectionTimeout)
except ImportError:  # pragma: no cover
    pass
