"""What a provider can answer to a send, in the platform's terms."""

from __future__ import annotations

from reliability.errors import PermanentError, TransientError


class SendFailed(PermanentError):
    """The provider refused the message for good (bad number, not a WhatsApp user, template rejected)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


class SendDeferred(TransientError):
    """The provider could not take it now (5xx, rate limited, network): try again later."""

    def __init__(self, code: str, message: str, *, retry_after: float | None = None):
        super().__init__(f"{code}: {message}", retry_after=retry_after)
        self.code, self.message = code, message


class RateLimited(Exception):
    """Our own token bucket is empty: send later, without using up a try."""

    def __init__(self, wait: float):
        super().__init__(f"rate limited for {wait:.2f}s")
        self.wait = wait
