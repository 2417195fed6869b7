"""Orange Money web payment: token, payment page, transaction status."""

from __future__ import annotations

from django.conf import settings

from .. import crypto, states
from ..outcome import ProviderOutcome
from .base import MobileMoneyClient, ProviderRefused, json_or_empty


class OrangeMoneyClient(MobileMoneyClient):
    name = "orange_money"
    retry_safe = False

    def __init__(self, **kwargs):
        super().__init__(base_url=kwargs.pop("base_url", settings.ORANGE_MONEY_BASE_URL), **kwargs)
        self.client_id = settings.ORANGE_MONEY_CLIENT_ID
        self.client_secret = settings.ORANGE_MONEY_CLIENT_SECRET
        self.merchant_key = settings.ORANGE_MONEY_MERCHANT_KEY

    def token_identity(self) -> str:
        return self.client_id

    def _token(self) -> str:
        return self.oauth_token(
            "POST",
            "/oauth/v3/token",
            data={"grant_type": "client_credentials"},
            auth=(self.client_id, self.client_secret),
        )

    def _path(self, payment, action: str) -> str:
        return f"/orange-money-webpay/{payment.country.lower()}/v1/{action}"

    def request_payment(self, payment, *, callback_url: str) -> ProviderOutcome:
        site = settings.PAYMENTS_CALLBACK_BASE_URL.rstrip("/")
        response = self.http(
            "POST",
            self._path(payment, "webpayment"),
            headers={"Authorization": f"Bearer {self._token()}", "Accept": "application/json"},
            json={
                "merchant_key": self.merchant_key,
                "currency": payment.provider_currency,
                "order_id": str(payment.id),
                "amount": int(payment.provider_amount),
                "return_url": f"{site}/payments/{payment.id}/done",
                "cancel_url": f"{site}/payments/{payment.id}/cancelled",
                "notif_url": callback_url,
                "lang": "fr",
                "reference": "Nzila",
            },
        )
        body = json_or_empty(response)
        if response.status_code not in (200, 201) or not body.get("pay_token"):
            raise ProviderRefused(
                body.get("message") or f"web payment refused ({response.status_code})",
                str(body.get("code") or response.status_code),
            )
        return ProviderOutcome(
            state=states.REQUIRES_ACTION,
            provider_status="INITIATED",
            provider_reference=body["pay_token"],
            next_action={"type": "redirect_to_url", "redirect_to_url": {"url": body["payment_url"]}},
            raw={"notif_token": body.get("notif_token", ""), "payment_url": body.get("payment_url", "")},
        )

    def query_status(self, payment) -> ProviderOutcome:
        response = self.http(
            "POST",
            self._path(payment, "transactionstatus"),
            headers={"Authorization": f"Bearer {self._token()}", "Accept": "application/json"},
            json={
                "order_id": str(payment.id),
                "amount": int(payment.provider_amount),
                "pay_token": payment.provider_reference,
            },
        )
        body = json_or_empty(response)
        if response.status_code not in (200, 201):
            raise ProviderRefused(body.get("message") or f"status refused ({response.status_code})")
        status = str(body.get("status", "")).upper()
        if status == "SUCCESS":
            return ProviderOutcome(
                state=states.SUCCEEDED, provider_status=status, transaction_id=str(body.get("txnid", "")), raw=body
            )
        if status in ("FAILED", "EXPIRED"):
            return ProviderOutcome(
                state=states.FAILED,
                provider_status=status,
                failure_code=f"orange_{status.lower()}",
                failure_message="Orange Money payment " + status.lower(),
                raw=body,
            )
        return ProviderOutcome(state=None, provider_status=status or "PENDING", raw=body)

    def callback_claim(self, payload: dict) -> tuple[str, str]:
        status = str(payload.get("status", "")).upper()
        return ("success" if status == "SUCCESS" else status.lower()), ""

    def callback_authentic(self, payment, payload: dict) -> bool:
        # Orange echoes the notif_token its payment answer gave us; nobody else knows it.
        expected = payment.provider_data.get("notif_token", "")
        return bool(expected) and crypto.constant_time_equal(expected, str(payload.get("notif_token", "")))
