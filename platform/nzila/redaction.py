"""Secrets that travel in URLs, cut out of every log line (Django's, Celery's, gunicorn's access log).

Mobile-money callback URLs end in an unguessable token (anyone holding it can post a callback), and
Meta's subscription handshake carries our WhatsApp verify token in the query string. Both would
otherwise be written wherever a request line or a path is logged.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_PATTERNS = (
    # /api/v1/payments/callbacks/<provider>/<payment uuid>/<token>
    re.compile(r"(/payments/callbacks/[^/\s?]+/[0-9A-Fa-f-]{32,36}/)[^\s?#\"']+"),
    # ?hub.verify_token=... (also percent-encoded dots)
    re.compile(r"((?:hub\.|hub%2[Ee])verify_token=)[^&\s#\"']*"),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\g<1>{REDACTED}", text)
    return text


class RedactSecretsFilter(logging.Filter):
    """A handler filter: the formatted message, redacted (arguments are merged into it first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
