"""Provider identifiers encrypted at rest (Fernet, rotatable keys) and found again by keyed digest."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    keys = [key.strip() for key in settings.PAYMENTS_FERNET_KEYS.split(",") if key.strip()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def digest(value: str) -> str:
    """A keyed, deterministic digest: equal values match without storing the value in clear."""
    key = settings.PAYMENTS_FERNET_KEYS.split(",")[-1].strip().encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def callback_token(payment_id: str) -> str:
    """The unguessable part of a payment's callback URL (operators sign nothing themselves)."""
    key = settings.PAYMENTS_CALLBACK_SECRET.encode()
    return hmac.new(key, f"callback:{payment_id}".encode(), hashlib.sha256).hexdigest()[:32]


def callback_token_valid(payment_id: str, token: str) -> bool:
    # Bytes, not str: compare_digest refuses non-ASCII str, and a URL can carry any character.
    return hmac.compare_digest(callback_token(payment_id).encode(), token.encode())


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
