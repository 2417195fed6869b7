"""WhatsApp webhooks: the subscription handshake, signature checks, delivery statuses and opt-outs."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Channel, Message, NotificationPreference, UnmatchedStatus
from .statuses import apply_status

log = logging.getLogger(__name__)
STOP_WORDS = {"stop", "unsubscribe", "stop all", "cancel"}


def handshake(mode: str | None, token: str | None, challenge: str | None) -> str | None:
    """The challenge to echo back when Meta subscribes with our verify token; None to refuse."""
    if (
        mode == "subscribe"
        and token
        and challenge is not None
        and hmac.compare_digest(token.encode(), settings.WHATSAPP_VERIFY_TOKEN.encode())
    ):
        return challenge
    return None


def signature_for(body: bytes, secret: str | None = None) -> str:
    secret = settings.WHATSAPP_APP_SECRET if secret is None else secret
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def valid_signature(body: bytes, header: str | None) -> bool:
    """X-Hub-Signature-256: the HMAC-SHA256 of the raw body with the app secret, compared in constant time."""
    return bool(header) and hmac.compare_digest(header.strip().encode(), signature_for(body).encode())


def _when(timestamp) -> datetime:
    try:
        return datetime.fromtimestamp(int(timestamp), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


class InvalidWebhookBody(ValueError):
    """A correctly signed body that is not a JSON object: answered 400 with this message."""


def _objects(container, key: str) -> list[dict]:
    """The JSON objects listed under container[key]; anything of another shape is skipped, not fatal."""
    items = container.get(key) if isinstance(container, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _object(container: dict, key: str) -> dict:
    value = container.get(key)
    return value if isinstance(value, dict) else {}


def _text(container: dict, key: str) -> str:
    value = container.get(key)
    return value if isinstance(value, str) else ""


def apply_webhook(body: bytes) -> dict[str, int]:
    """Apply a verified webhook body. Returns counts (applied, unchanged, parked, opted_out).

    A signed body is Meta's, but its shape is still checked: InvalidWebhookBody if it is not a JSON object;
    parts of an unexpected shape inside it are skipped.
    """
    try:
        payload = json.loads(body)
    except ValueError:  # JSONDecodeError, or bytes that are not UTF-8
        raise InvalidWebhookBody("the body is not JSON") from None
    if not isinstance(payload, dict):
        raise InvalidWebhookBody("the body must be a JSON object")
    counts = {"applied": 0, "unchanged": 0, "parked": 0, "opted_out": 0}
    for entry in _objects(payload, "entry"):
        for change in _objects(entry, "changes"):
            value = _object(change, "value")
            for status in _objects(value, "statuses"):
                _apply_one(status, counts)
            for inbound in _objects(value, "messages"):
                if (
                    inbound.get("type") == "text"
                    and _text(_object(inbound, "text"), "body").strip().lower() in STOP_WORDS
                ):
                    counts["opted_out"] += opt_out(_text(inbound, "from"))
    return counts


def _apply_one(status: dict, counts: dict[str, int]) -> None:
    provider_id, state, at = _text(status, "id"), _text(status, "status"), _when(status.get("timestamp"))
    error = (_objects(status, "errors") or [{}])[0]
    code = str(error.get("code", "")) if state == "failed" else ""
    text = (_text(_object(error, "error_data"), "details") or _text(error, "title")) if state == "failed" else ""
    with transaction.atomic():
        if apply_status(
            channel=Channel.WHATSAPP,
            provider_message_id=provider_id,
            status=state,
            at=at,
            error_code=code,
            error_message=text,
        ):
            counts["applied"] += 1
        elif Message.objects.filter(channel=Channel.WHATSAPP, provider_message_id=provider_id).exists():
            counts["unchanged"] += 1
        elif state in ("sent", "delivered", "read", "failed"):
            UnmatchedStatus.objects.create(
                provider_message_id=provider_id, status=state, occurred_at=at, error_code=code, error_message=text
            )
            counts["parked"] += 1


def opt_out(wa_id: str) -> int:
    """A STOP reply: no more WhatsApp messages to that number's users until they switch it back on."""
    from buyers.models import Buyer

    phone = "+" + wa_id.lstrip("+")
    user_ids = set(Buyer.objects.filter(phone_e164=phone).values_list("user_id", flat=True))
    user_ids |= set(NotificationPreference.objects.filter(phone_e164=phone).values_list("user_id", flat=True))
    for user_id in user_ids:
        pref, _ = NotificationPreference.objects.get_or_create(user_id=user_id)
        if pref.whatsapp_opted_out_at is None:
            pref.whatsapp_opted_out_at = timezone.now()
            pref.save(update_fields=["whatsapp_opted_out_at", "updated_at"])
    return len(user_ids)
