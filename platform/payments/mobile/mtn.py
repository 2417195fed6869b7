"""MTN Mobile Money, collections product: token, request-to-pay, request-to-pay status."""

from __future__ import annotations

from django.conf import settings

from .. import states
from ..outcome import ProviderOutcome
from .base import MobileMoneyClient, ProviderRefused, json_or_empty


class MtnMomoClient(MobileMoneyClient):
    name = "mtn_momo"
    # X-Reference-Id is our payment id: a resent request is refused as a duplicate, never doubled.
    retry_safe = True

    def __init__(self, **kwargs):
        super().__init__(base_url=kwargs.pop("base_url", settings.MTN_MOMO_BASE_URL), **kwargs)
        self.subscription_key = settings.MTN_MOMO_SUBSCRIPTION_KEY
        self.api_user = settings.MTN_MOMO_API_USER
        self.api_key = settings.MTN_MOMO_API_KEY
        self.environment = settings.MTN_MOMO_TARGET_ENVIRONMENT

    def token_identity(self) -> str:
        return self.api_user

    def _token(self) -> str:
        return self.oauth_token(
            "POST",
            "/collection/token/",
            auth=(self.api_user, self.api_key),
            headers={"Ocp-Apim-Subscription-Key": self.subscription_key},
        )

    def _headers(self, **extra) -> dict:
        return {
            "Authorization": f"Bearer {self._token()}",
            "X-Target-Environment": self.environment,
            "Ocp-Apim-Subscription-Key": self.subscription_key,
            **extra,
        }

    def request_payment(self, payment, *, callback_url: str) -> ProviderOutcome:
        amount = payment.provider_amount
        response = self.http(
            "POST",
            "/collection/v1_0/requesttopay",
            ok=(202,),
            json={
                "amount": _plain_amount(amount),
                "currency": payment.provider_currency,
                "externalId": str(payment.id),
                "payer": {"partyIdType": "MSISDN", "partyId": payment.phone_e164.lstrip("+")},
                "payerMessage": "Nzila vehicle payment",
                "payeeNote": f"Payment {payment.id}",
            },
            headers=self._headers(**{"X-Reference-Id": str(payment.id), "X-Callback-Url": callback_url}),
        )
        if response.status_code == 401:
            self.forget_token()
        if response.status_code == 409:
            # Already accepted under this X-Reference-Id by an earlier try whose answer was lost.
            return ProviderOutcome(state=states.PENDING, provider_status="PENDING", provider_reference=str(payment.id))
        if response.status_code != 202:
            body = json_or_empty(response)
            raise ProviderRefused(
                body.get("message") or f"request-to-pay refused ({response.status_code})",
                str(body.get("code") or response.status_code),
            )
        return ProviderOutcome(state=states.PENDING, provider_status="PENDING", provider_reference=str(payment.id))

    def query_status(self, payment) -> ProviderOutcome:
        response = self.http(
            "GET", f"/collection/v1_0/requesttopay/{payment.provider_reference}", headers=self._headers()
        )
        body = json_or_empty(response)
        if response.status_code == 404:
            return ProviderOutcome(
                state=states.FAILED,
                provider_status="NOT_FOUND",
                failure_code="mtn_not_found",
                failure_message="MTN MoMo has no such request",
            )
        if response.status_code != 200:
            raise ProviderRefused(body.get("message") or f"status refused ({response.status_code})")
        status = str(body.get("status", "")).upper()
        if status == "SUCCESSFUL":
            _check_amount(payment, body.get("amount"), body.get("currency"))
            return ProviderOutcome(
                state=states.SUCCEEDED,
                provider_status=status,
                transaction_id=str(body.get("financialTransactionId", "")),
                raw=body,
            )
        if status in ("FAILED", "REJECTED", "TIMEOUT", "EXPIRED"):
            reason = body.get("reason")
            code = reason.get("code", "") if isinstance(reason, dict) else str(reason or "")
            message = reason.get("message", "") if isinstance(reason, dict) else str(reason or "")
            return ProviderOutcome(
                state=states.FAILED,
                provider_status=status,
                failure_code=f"mtn_{code or status}".lower(),
                failure_message=message or "MTN MoMo payment failed",
                raw=body,
            )
        return ProviderOutcome(state=None, provider_status=status or "PENDING", raw=body)

    def callback_claim(self, payload: dict) -> tuple[str, str]:
        status = str(payload.get("status", "")).upper()
        return ("success" if status == "SUCCESSFUL" else status.lower()), str(
            payload.get("referenceId") or payload.get("externalId") or ""
        )


def _plain_amount(amount) -> str:
    text = format(amount.normalize(), "f")
    return text


def _check_amount(payment, amount, currency) -> None:
    """The operator's record must be for what we asked; anything else is not our payment."""
    from decimal import Decimal, InvalidOperation

    try:
        same = Decimal(str(amount)) == payment.provider_amount and str(currency) == payment.provider_currency
    except (InvalidOperation, TypeError):
        same = False
    if not same:
        raise ProviderRefused(
            f"MTN MoMo reports {amount} {currency}, we asked {payment.provider_amount} {payment.provider_currency}",
            "amount_mismatch",
        )
