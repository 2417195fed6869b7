"""Brute force stopped without making lockout a weapon: no one can lock an account out by failing on purpose.

Three counts, each with its own answer, all a 429 with Retry-After:
- (account, address): django-axes locks the pair after AXES_FAILURE_LIMIT failures. Anyone else, and
  the owner from anywhere else, signs in as usual.
- address: failures of any accounts from one address slow it down rather than lock it (a shared mobile
  NAT is a whole city): after SIGNIN_ADDRESS_FREE_FAILURES, each attempt waits 2, 4, 8 ... up to
  SIGNIN_ADDRESS_MAX_DELAY_SECONDS seconds after the previous failure.
- account: failures from many addresses (a botnet guessing one password) lock the account after
  SIGNIN_ACCOUNT_FAILURE_LIMIT, for every browser but those it normally signs in from.

"Where it normally signs in from" is a device cookie: a signed list of the accounts that signed in on
this browser (set at every successful sign-in). A browser holding it for the account is not counted or
locked by the three (the holder typed the password there before); and any locked-out owner can ask for
a one-time sign-in link by e-mail (accounts.signin_links).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

DEVICE_COOKIE = "nzila_device"
DEVICE_SALT = "accounts.signin_guard.device"
DEVICE_MAX_ACCOUNTS = 5


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in attempt was refused before any password check, and for how long."""

    reason: str  # "pair" (axes), "address" (slowed down) or "account"
    retry_after: int


# --- the device cookie ---------------------------------------------------------------------------


def _user_id(username: str | None) -> int | None:
    if not username:
        return None
    User = get_user_model()
    return User.objects.filter(**{User.USERNAME_FIELD: username}).values_list("pk", flat=True).first()


def device_accounts(request) -> list[int]:
    """The accounts that signed in on this browser (ids), from its signed cookie; [] if none or forged."""
    raw = getattr(request, "COOKIES", {}).get(DEVICE_COOKIE, "")
    if not raw:
        return []
    try:
        ids = signing.loads(raw, salt=DEVICE_SALT, max_age=settings.SIGNIN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return []
    return [int(i) for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def trusted_device(request, credentials=None) -> bool:
    """True when this browser signed in to the account being tried before (AXES_WHITELIST_CALLABLE)."""
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) or (credentials or {}).get("username")
    known = device_accounts(request)
    return bool(known) and _user_id(username) in known


def device_cookie_value(request, user_id: int) -> str:
    ids = [user_id] + [i for i in device_accounts(request) if i != user_id]
    return signing.dumps(ids[:DEVICE_MAX_ACCOUNTS], salt=DEVICE_SALT)


@receiver(user_logged_in, dispatch_uid="accounts.signin_guard.signed_in")
def _remember_device(sender, request, user, **kwargs):
    if request is not None:
        request.signin_device_cookie = device_cookie_value(request, user.pk)


def set_device_cookie(request, response) -> None:
    """Called by SignInMiddleware on the way out of a request that signed someone in."""
    value = getattr(request, "signin_device_cookie", None)
    if value:
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=settings.SIGNIN_DEVICE_DAYS * 86400,
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
        )


# --- counts --------------------------------------------------------------------------------------


def _window() -> int:
    return int(settings.AXES_COOLOFF_TIME * 3600)


def _address_key(address: str) -> str:
    return f"signin:address:{address}"


def _account_key(username: str) -> str:
    return f"signin:account:{signing.get_cookie_signer(salt='signin-account').signature(username.casefold())}"


def _incr(key: str) -> int:
    cache.add(key, 0, timeout=_window())
    try:
        return cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=_window())
        return 1


def address_delay(failures: int) -> int:
    """Seconds an address must wait after its last failure, given its failures in the window. Pure."""
    over = failures - settings.SIGNIN_ADDRESS_FREE_FAILURES
    if over <= 0:
        return 0
    return min(2**over, settings.SIGNIN_ADDRESS_MAX_DELAY_SECONDS)


def check(request, username: str | None) -> Refusal | None:
    """The address slow-down and the account lock (the pair lock is axes'); None: go ahead."""
    if trusted_device(request, {"username": username}):
        return None
    address = get_client_ip_address(request) or ""
    failures, last = cache.get(_address_key(address), (0, 0.0)) if address else (0, 0.0)
    wait = address_delay(failures) - (time.time() - last)
    if wait > 0:
        return Refusal("address", max(1, int(wait + 0.999)))
    if username and (cache.get(_account_key(username)) or 0) >= settings.SIGNIN_ACCOUNT_FAILURE_LIMIT:
        return Refusal("account", _window())
    return None


@receiver(user_login_failed, dispatch_uid="accounts.signin_guard.failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    # Refused attempts (locked or slowed) are not failures: waiting would never end otherwise.
    if request is None or getattr(request, "axes_locked_out", False) or trusted_device(request, credentials):
        return
    address = get_client_ip_address(request) or ""
    if address:
        failures, _last = cache.get(_address_key(address), (0, 0.0))
        # Read-modify-write: parallel failures may count once, which only makes the slow-down gentler.
        cache.set(_address_key(address), (failures + 1, time.time()), timeout=_window())
    username = str(credentials.get("username") or "")
    if username:
        _incr(_account_key(username))


class SignInGuardBackend:
    """First in AUTHENTICATION_BACKENDS: refuses a slowed-down address or a locked account before any
    password check. The refusal goes out as axes' lockout answer (request.axes_locked_out)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        refusal = check(request, username)
        if refusal is not None:
            request.signin_refusal = refusal
            request.axes_locked_out = True
            request.axes_credentials = {"username": username}
            raise PermissionDenied(f"sign-in refused: {refusal.reason}")
        return None

    # No get_user: sessions are the ModelBackend's (and Client.force_login takes the first backend with one).


def lockout_retry_after(request) -> int:
    refusal = getattr(request, "signin_refusal", None)
    return refusal.retry_after if refusal else _window()


def forget(address: str = "", username: str = "") -> None:
    """Drop the counts (tests, and staff unlocking by hand)."""
    if address:
        cache.delete(_address_key(address))
    if username:
        cache.delete(_account_key(username))
