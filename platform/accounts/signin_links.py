"""One-time links sent by e-mail: signing in without a password (a locked-out owner), and finishing a
registration. A link's secret is random; only its hash is kept, in the shared cache, for
SIGNIN_LINK_MINUTES, and it is deleted when used."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache


def _key(kind: str, secret: str) -> str:
    return f"link:{kind}:{hashlib.sha256(secret.encode()).hexdigest()}"


def link_create(kind: str, payload: dict[str, Any]) -> str:
    """A new link secret for `payload`; the caller e-mails it."""
    secret = secrets.token_urlsafe(32)
    cache.set(_key(kind, secret), payload, timeout=settings.SIGNIN_LINK_MINUTES * 60)
    return secret


def link_peek(kind: str, secret: str) -> dict[str, Any] | None:
    return cache.get(_key(kind, secret))


def link_use(kind: str, secret: str) -> dict[str, Any] | None:
    """The payload, once: the link is gone afterwards (None: unknown, used or expired)."""
    key = _key(kind, secret)
    payload = cache.get(key)
    # delete() answers whether this caller removed it: of two parallel uses, one wins.
    if payload is None or not cache.delete(key):
        return None
    return payload


def active_user_with_email(email: str):
    users = list(get_user_model().objects.filter(email__iexact=email.strip(), is_active=True)[:2])
    return users[0] if len(users) == 1 else None
