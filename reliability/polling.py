"""Waiting until a condition holds, with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class PollTimeout(AssertionError):
    """The condition did not hold in time. An AssertionError, so a test that waits reads as a failed check."""


def poll_until(
    check: Callable[[], T],
    *,
    timeout: float = 30,
    what: str = "condition",
    interval: float = 0.1,
    give_up: Callable[[], str | None] | None = None,
) -> T:
    """Call `check` until it returns something truthy, and return that; raise PollTimeout after `timeout`.

    `give_up`, if given, is asked between tries: a message means waiting longer is pointless (the
    process being waited for has died), and PollTimeout is raised at once with it.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if give_up is not None and (reason := give_up()):
            raise PollTimeout(f"{what}: {reason}")
        if time.monotonic() >= deadline:
            raise PollTimeout(f"{what}: not within {timeout:.0f}s")
        time.sleep(interval)
