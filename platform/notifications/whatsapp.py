"""The WhatsApp Cloud API: sending text and approved-template messages.

POST {WHATSAPP_API_URL}/{phone-number-id}/messages with a bearer token; the answer carries the message
id ("wamid...") that later status webhooks refer to. Sends share one platform-wide token bucket, so
all workers together stay under the provider's limit.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from django.conf import settings

from jobs.ratelimit import TokenBucket

from .phones import whatsapp_id
from .providers import RateLimited, SendDeferred, SendFailed

# Cloud API error codes that a later try may get past: throttling, temporary outages, unknown errors.
RETRYABLE_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004}


def bucket() -> TokenBucket:
    return TokenBucket("whatsapp-send", rate=settings.WHATSAPP_MESSAGES_PER_SECOND, per=1.0)


_local = threading.local()


def _session() -> requests.Session:
    """One keep-alive session per thread (workers may run a thread pool for I/O-bound sends)."""
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
        session.headers["Content-Type"] = "application/json"
    return session


def message_payload(
    *, to_e164: str, body: str, template: str = "", params: list[str] | tuple = (), language: str = ""
) -> dict[str, Any]:
    """The Cloud API's message: a text, or an approved template in `language` (each language of a
    template is approved on its own; blank: NZILA_WHATSAPP_TEMPLATE_LANGUAGE)."""
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": whatsapp_id(to_e164),
    }
    if template:
        payload["type"] = "template"
        payload["template"] = {
            "name": template,
            "language": {"code": language or settings.WHATSAPP_TEMPLATE_LANGUAGE},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": str(p)} for p in params]}],
        }
    else:
        payload["type"] = "text"
        payload["text"] = {"preview_url": False, "body": body[:4096]}
    return payload


def send(message) -> str:
    """Send one logged message; returns the provider's message id."""
    wait = bucket().try_take()
    if wait:
        raise RateLimited(wait)
    url = f"{settings.WHATSAPP_API_URL.rstrip('/')}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
    payload = message_payload(
        to_e164=message.recipient,
        body=message.body,
        template=message.template,
        params=message.template_params,
        language=message.language,
    )
    try:
        response = _session().post(
            url,
            json=payload,
            timeout=settings.WHATSAPP_TIMEOUT_SECONDS,
            headers={"Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}"},
        )
    except requests.RequestException as exc:
        raise SendDeferred("network", str(exc)) from exc
    if response.status_code == 200:
        return response.json()["messages"][0]["id"]
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    code = error.get("code")
    text = error.get("error_data", {}).get("details") or error.get("message") or response.text[:500]
    retry_after = response.headers.get("Retry-After")
    if response.status_code >= 500 or response.status_code == 429 or code in RETRYABLE_CODES:
        raise SendDeferred(
            str(code or response.status_code),
            text,
            retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
        )
    raise SendFailed(str(code or response.status_code), text)
