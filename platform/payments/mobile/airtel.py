"""Airtel Money collections: token, USSD push payment, transaction enquiry."""

from __future__ import annotations

import phonenumbers
from django.conf import settings

from .. import states
from ..outcome import ProviderOutcome
from .base import MobileMoneyClient, ProviderRefused, json_or_empty

# Airtel's transaction status codes.
SUCCESS, FAILED, AMBIGUOUS, IN_PROGRESS = "TS", "TF", "TA", "TIP"


class AirtelMoneyClient(MobileMoneyClient):
    name = "airtel_money"
    # transaction.id is derived from our payment id: Airtel refuses a second transaction with it.
    retry_safe = True

    def __init__(self, **kwargs):
        super().__init__(base_url=kwargs.pop("base_url", settings.AIRTEL_MONEY_BASE_URL), **kwargs)
        self.client_id = settings.AIRTEL_MONEY_CLIENT_ID
        self.client_secret = settings.AIRTEL_MONEY_CLIENT_SECRET

    def token_identity(self) -> str:
        return self.client_id

    def _token(self) -> str:
        return self.oauth_token(
            "POST",
            "/auth/oauth2/token",
            json={"client_id": self.client_id, "client_secret": self.client_secret, "grant_type": "client_credentials"},
        )

    def _headers(self, payment) -> dict:
        return {
            "Authorization": f"Bearer {self._token()}",
            "X-Country": payment.country,
            "X-Currency": payment.provider_currency,
            "Accept": "*/*",
        }

    @staticmethod
    def transaction_id(payment) -> str:
        return payment.id.hex

    def request_payment(self, payment, *, callback_url: str) -> ProviderOutcome:
        national = str(phonenumbers.parse(payment.phone_e164).national_number)
        response = self.http(
            "POST",
            "/merchant/v1/payments/",
            headers=self._headers(payment),
            json={
                "reference": "Nzila vehicle payment",
                "subscriber": {"country": payment.country, "currency": payment.provider_currency, "msisdn": national},
                "transaction": {
                    "amount": int(payment.provider_amount),
                    "country": payment.country,
                    "currency": payment.provider_currency,
                    "id": self.transaction_id(payment),
                },
            },
        )
        body = json_or_empty(response)
        status = body.get("status") or {}
        if response.status_code == 200 and status.get("success"):
            return ProviderOutcome(
                state=states.PENDING, provider_status=IN_PROGRESS, provider_reference=self.transaction_id(payment)
            )
        # Refused: perhaps because an earlier try with this id got through. Ask before giving up.
        existing = self.query_status(payment, reference=self.transaction_id(payment))
        if existing.provider_status != "NOT_FOUND":
            return ProviderOutcome(
                state=existing.state or states.PENDING,
                provider_status=existing.provider_status,
                provider_reference=self.transaction_id(payment),
            )
        raise ProviderRefused(
            status.get("message") or f"payment refused ({response.status_code})",
            str(status.get("response_code") or response.status_code),
        )

    def query_status(self, payment, reference: str | None = None) -> ProviderOutcome:
        reference = reference or payment.provider_reference
        response = self.http("GET", f"/standard/v1/payments/{reference}", headers=self._headers(payment))
        body = json_or_empty(response)
        if response.status_code == 404:
            return ProviderOutcome(state=None, provider_status="NOT_FOUND")
        if response.status_code != 200:
            raise ProviderRefused(f"status refused ({response.status_code})")
        transaction = (body.get("data") or {}).get("transaction") or {}
        code = str(transaction.get("status", ""))
        if code == SUCCESS:
            return ProviderOutcome(
                state=states.SUCCEEDED,
                provider_status=code,
                transaction_id=str(transaction.get("airtel_money_id", "")),
                raw=body,
            )
        if code == FAILED:
            return ProviderOutcome(
                state=states.FAILED,
                provider_status=code,
                failure_code="airtel_failed",
                failure_message=transaction.get("message") or "Airtel Money payment failed",
                raw=body,
            )
        # TIP (in progress) and TA (ambiguous: Airtel itself does not know yet) both mean: wait.
        return ProviderOutcome(state=None, provider_status=code or IN_PROGRESS, raw=body)

    def callback_claim(self, payload: dict) -> tuple[str, str]:
        transaction = payload.get("transaction") or {}
        code = str(transaction.get("status_code", ""))
        return ("success" if code == SUCCESS else code.lower()), str(transaction.get("id", ""))
