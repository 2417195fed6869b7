"""Safaricom M-Pesa through Daraja: OAuth, STK Push (Lipa na M-Pesa Online), STK query."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from .. import states
from ..outcome import ProviderOutcome
from .base import MobileMoneyClient, ProviderRefused, json_or_empty

# Daraja's STK result codes that mean the payer or the network ended the request.
RESULT_MESSAGES = {
    "1": "insufficient M-Pesa balance",
    "1032": "the payer cancelled the request",
    "1037": "the phone could not be reached",
    "2001": "wrong M-Pesa PIN",
    "1001": "another transaction is in progress for this number",
}
# The STK query's answer while the payer has not yet answered the prompt.
STILL_PROCESSING = "500.001.1001"


class MpesaClient(MobileMoneyClient):
    name = "mpesa"
    retry_safe = False

    def __init__(self, **kwargs):
        super().__init__(base_url=kwargs.pop("base_url", settings.MPESA_BASE_URL), **kwargs)
        self.consumer_key = settings.MPESA_CONSUMER_KEY
        self.consumer_secret = settings.MPESA_CONSUMER_SECRET
        self.shortcode = settings.MPESA_SHORTCODE
        self.passkey = settings.MPESA_PASSKEY

    def token_identity(self) -> str:
        return self.consumer_key

    def _token(self) -> str:
        return self.oauth_token(
            "GET",
            "/oauth/v1/generate",
            params={"grant_type": "client_credentials"},
            auth=(self.consumer_key, self.consumer_secret),
        )

    def _password(self) -> tuple[str, str]:
        # Daraja wants East Africa Time in the password's timestamp.
        timestamp = datetime.now(ZoneInfo("Africa/Nairobi")).strftime("%Y%m%d%H%M%S")
        password = base64.b64encode(f"{self.shortcode}{self.passkey}{timestamp}".encode()).decode()
        return password, timestamp

    def _post(self, path: str, body: dict):
        response = self.http(
            "POST",
            path,
            json=body,
            headers={"Authorization": f"Bearer {self._token()}"},
            ok=(200, 500) if path.endswith("/query") else (200,),
        )
        if response.status_code == 401:
            self.forget_token()
        return response

    def request_payment(self, payment, *, callback_url: str) -> ProviderOutcome:
        password, timestamp = self._password()
        msisdn = payment.phone_e164.lstrip("+")
        response = self._post(
            "/mpesa/stkpush/v1/processrequest",
            {
                "BusinessShortCode": self.shortcode,
                "Password": password,
                "Timestamp": timestamp,
                "TransactionType": "CustomerPayBillOnline",
                "Amount": int(payment.provider_amount),
                "PartyA": msisdn,
                "PartyB": self.shortcode,
                "PhoneNumber": msisdn,
                "CallBackURL": callback_url,
                "AccountReference": f"NZ{str(payment.id)[:8].upper()}",
                "TransactionDesc": "Nzila payment",
            },
        )
        body = json_or_empty(response)
        if response.status_code != 200 or str(body.get("ResponseCode")) != "0":
            raise ProviderRefused(
                body.get("errorMessage") or body.get("ResponseDescription") or "STK push refused",
                str(body.get("errorCode") or body.get("ResponseCode") or response.status_code),
            )
        return ProviderOutcome(
            state=states.PENDING,
            provider_status="stk_sent",
            provider_reference=body["CheckoutRequestID"],
            raw={"merchant_request_id": body.get("MerchantRequestID", "")},
        )

    def query_status(self, payment) -> ProviderOutcome:
        password, timestamp = self._password()
        response = self._post(
            "/mpesa/stkpushquery/v1/query",
            {
                "BusinessShortCode": self.shortcode,
                "Password": password,
                "Timestamp": timestamp,
                "CheckoutRequestID": payment.provider_reference,
            },
        )
        body = json_or_empty(response)
        if response.status_code == 500:
            if body.get("errorCode") == STILL_PROCESSING:
                return ProviderOutcome(state=None, provider_status="processing")
            from reliability.errors import TransientError

            raise TransientError(f"M-Pesa STK query failed: {body}")
        if str(body.get("ResponseCode")) != "0":
            raise ProviderRefused(body.get("errorMessage") or "STK query refused", str(body.get("errorCode", "")))
        code = str(body.get("ResultCode"))
        if code == "0":
            return ProviderOutcome(state=states.SUCCEEDED, provider_status="0", amount_captured=None, raw=body)
        return ProviderOutcome(
            state=states.FAILED,
            provider_status=code,
            failure_code=f"mpesa_{code}",
            failure_message=RESULT_MESSAGES.get(code, body.get("ResultDesc", "M-Pesa payment failed")),
            raw=body,
        )

    def callback_claim(self, payload: dict) -> tuple[str, str]:
        callback = (payload.get("Body") or {}).get("stkCallback") or {}
        code = str(callback.get("ResultCode", ""))
        return ("success" if code == "0" else f"failed:{code}"), str(callback.get("CheckoutRequestID", ""))

    def with_callback_details(self, outcome: ProviderOutcome, payload: dict) -> ProviderOutcome:
        # The STK query does not return the receipt number; only the callback does.
        if outcome.state != states.SUCCEEDED:
            return outcome
        return replace(outcome, transaction_id=self.callback_receipt(payload))

    @staticmethod
    def callback_receipt(payload: dict) -> str:
        items = (((payload.get("Body") or {}).get("stkCallback") or {}).get("CallbackMetadata") or {}).get("Item") or []
        for item in items:
            if item.get("Name") == "MpesaReceiptNumber":
                return str(item.get("Value", ""))
        return ""
