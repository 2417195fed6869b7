"""Tokens that travel in URLs are cut out of log lines."""

import logging
import uuid

from nzila.redaction import REDACTED, RedactSecretsFilter, redact

PAYMENT = str(uuid.uuid4())


def test_callback_tokens_and_verify_tokens_are_redacted():
    line = f'"POST /api/v1/payments/callbacks/mpesa/{PAYMENT}/0123456789abcdef0123456789abcdef HTTP/1.1" 200'
    assert redact(line) == f'"POST /api/v1/payments/callbacks/mpesa/{PAYMENT}/{REDACTED} HTTP/1.1" 200'
    query = "/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=42"
    assert redact(query) == f"/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={REDACTED}&hub.challenge=42"
    assert "s3cret" not in redact("GET /x?hub%2Everify_token=s3cret")
    assert redact("GET /api/v1/vehicles/search?q=toyota") == "GET /api/v1/vehicles/search?q=toyota"


def test_the_filter_redacts_the_formatted_message():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/payments/callbacks/x/{PAYMENT}/tok",), None
    )
    assert RedactSecretsFilter().filter(record)
    assert record.getMessage() == f"Not Found: /payments/callbacks/x/{PAYMENT}/{REDACTED}"
