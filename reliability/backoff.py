"""Exponential backoff with jitter."""

from __future__ import annotations

import random


def backoff_seconds(retries: int, *, base: float, maximum: float, jitter: bool = True) -> float:
    """The wait before retry number `retries + 1` (`retries` counts the retries so far, from 0).

    base·2^retries capped at `maximum`; with jitter, drawn from the upper half of that ("equal
    jitter"), so many failed callers spread out instead of stampeding back together.
    """
    ceiling = min(maximum, base * (2 ** min(retries, 62)))
    return ceiling / 2 + random.uniform(0, ceiling / 2) if jitter else ceiling
