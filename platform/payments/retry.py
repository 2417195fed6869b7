"""Provider calls retried on transient errors with capped exponential backoff, never on a refusal."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

from reliability.backoff import backoff_seconds

log = logging.getLogger(__name__)
T = TypeVar("T")


def backoff_delay(try_number: int) -> float:
    """Delay before try `try_number + 1` (try_number counts from 1): base * 2^(n-1), capped. No jitter:
    these retries happen inside one call, so there is no crowd of callers to spread out."""
    return backoff_seconds(
        try_number - 1,
        base=settings.PAYMENTS_RETRY_BASE_SECONDS,
        maximum=settings.PAYMENTS_RETRY_CAP_SECONDS,
        jitter=False,
    )


def call_with_retries(
    call: Callable[[], T],
    *,
    is_transient: Callable[[Exception], bool],
    what: str,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `call` up to PAYMENTS_RETRY_MAX_TRIES times. The caller makes the call idempotent (same
    idempotency key on every try), so a retry after a lost response cannot charge twice."""
    tries = max(1, settings.PAYMENTS_RETRY_MAX_TRIES)
    for try_number in range(1, tries + 1):
        try:
            return call()
        except Exception as exc:
            if not is_transient(exc) or try_number == tries:
                raise
            delay = backoff_delay(try_number)
            log.warning("%s failed (try %d of %d): %s; retrying in %.1fs", what, try_number, tries, exc, delay)
            sleep(delay)
    raise AssertionError("unreachable")
