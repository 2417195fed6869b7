"""The one interface every mobile-money operator sits behind, and the plumbing they share."""

from __future__ import annotations

import hashlib
import logging
from abc import ABC, abstractmethod

import requests
from django.conf import settings
from django.core.cache import cache

from reliability.errors import TransientError

from ..outcome import ProviderOutcome

log = logging.getLogger(__name__)


class ProviderRefused(Exception):
    """The operator answered and said no (bad number, amount out of range, ...): not worth a retry."""

    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.code = code


class MobileMoneyClient(ABC):
    """A payment request to a phone, and a way to ask the operator what became of it."""

    name: str
    # The request carries our own id, so resending it after a lost answer cannot create a second
    # request (MTN's X-Reference-Id, Airtel's transaction id). M-Pesa's STK push and Orange's web
    # payment have no such key: they are resent only when they provably never left.
    retry_safe: bool = False

    def __init__(self, *, base_url: str, timeout: float | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout or settings.MOBILE_MONEY_TIMEOUT_SECONDS
        self.session = requests.Session()

    @abstractmethod
    def request_payment(self, payment, *, callback_url: str) -> ProviderOutcome:
        """Start the payment; PENDING (prompt sent) or REQUIRES_ACTION (a page the payer must open)."""

    @abstractmethod
    def query_status(self, payment) -> ProviderOutcome:
        """The operator's own word on the payment, from its status API. The only proof of payment."""

    @abstractmethod
    def callback_claim(self, payload: dict) -> tuple[str, str]:
        """(claimed status, provider reference) of a callback body. A claim, never proof."""

    def callback_authentic(self, payment, payload: dict) -> bool:
        """Whether the body carries the operator's own proof of origin, where it gives one, beyond the
        signed token in our callback URL (which every operator's callback must present)."""
        return True

    def with_callback_details(self, outcome: ProviderOutcome, payload: dict) -> ProviderOutcome:
        """The status API's outcome completed with what only the callback carries."""
        return outcome

    # --- shared plumbing -----------------------------------------------------------------------

    def http(self, method: str, path: str, *, ok=(200, 201, 202), **kwargs) -> requests.Response:
        """One HTTP call. Network trouble, 429 and 5xx become TransientError; `maybe_processed` says
        whether the operator may have acted on the request before the failure."""
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.ConnectionError as exc:
            # Refused, unresolvable or a connect timeout: nothing left. A connection dropped after
            # the request went out ("Connection aborted") may have been acted on.
            never_sent = isinstance(exc, requests.exceptions.ConnectTimeout) or any(
                marker in str(exc) for marker in ("Failed to establish a new connection", "NameResolutionError")
            )
            raise TransientError(f"{self.name} unreachable: {exc}", maybe_processed=not never_sent) from exc
        except requests.Timeout as exc:
            raise TransientError(f"{self.name} timed out: {exc}", maybe_processed=True) from exc
        if (response.status_code == 429 or response.status_code >= 500) and response.status_code not in ok:
            raise TransientError(
                f"{self.name} answered {response.status_code}: {response.text[:200]}",
                maybe_processed=response.status_code != 429 and response.status_code != 503,
            )
        return response

    def cached_token(self, fetch) -> str:
        """An OAuth token shared by all processes until shortly before it expires."""
        key = (
            "payments:token:"
            + hashlib.sha256(f"{self.name}|{self.base_url}|{self.token_identity()}".encode()).hexdigest()
        )
        token = cache.get(key)
        if token:
            return token
        token, expires_in = fetch()
        cache.set(key, token, timeout=max(30, int(expires_in) - 60))
        return token

    def oauth_token(self, method: str, path: str, **kwargs) -> str:
        """A client-credentials token from `path`, cached until shortly before it expires."""

        def fetch():
            response = self.http(method, path, **kwargs)
            body = json_or_empty(response)
            if response.status_code != 200 or "access_token" not in body:
                raise ProviderRefused(f"{self.name} refused our credentials ({response.status_code})", "auth")
            return body["access_token"], int(body.get("expires_in", 3600))

        return self.cached_token(fetch)

    def token_identity(self) -> str:
        return ""

    def forget_token(self) -> None:
        key = (
            "payments:token:"
            + hashlib.sha256(f"{self.name}|{self.base_url}|{self.token_identity()}".encode()).hexdigest()
        )
        cache.delete(key)


def json_or_empty(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
