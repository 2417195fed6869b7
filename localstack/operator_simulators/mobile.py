"""Simulators of the four mobile-money operators' documented HTTP APIs.

Each keeps its own record of payment requests (the truth), lets a test decide what the payer does
(`settle`), and then calls the merchant back asynchronously, as the operators do. A callback can be
made to lie (`claim=`) so tests can show that our side believes the status API, not the callback.

With `auto_payer=True` (the local stack's test mode) nobody needs to call `settle`: the simulated payer
acts on the number's last two digits (`payer.py`) a few seconds after the request, as an operator's
sandbox does with its test numbers.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import secrets
import threading
import uuid
from datetime import datetime

from . import payer
from .server import SimulatorServer, bearer_ok

_ids = itertools.count(1)


def _basic(request) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return "", ""
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    return user, password


class MobileSimulator(SimulatorServer):
    def __init__(self, port: int = 0, *, auto_payer: bool = False, decision_seconds: float | None = None):
        self.auto_payer = auto_payer
        self.decision_seconds = payer.DECISION_SECONDS if decision_seconds is None else decision_seconds
        self.tokens: set[str] = set()
        self.records: dict[str, dict] = {}
        # Status codes to answer the next payment requests with *after* recording them (a lost answer).
        self.lose_answers = 0
        # Status codes to answer the next payment requests with *instead of* processing them.
        self.refuse_next: list[int] = []
        super().__init__(port)

    def issue_token(self) -> str:
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return token

    def settle(self, reference: str, status: str, *, callback: bool = True, claim: str | None = None) -> None:
        """The payer acted: the operator records `status` and calls back (claiming `claim` if given)."""
        record = self.records[reference]
        record["status"] = status
        if callback:
            self.callback(record, claim or status)

    def callback(self, record: dict, status: str) -> None:
        raise NotImplementedError

    def requested(self, reference: str, phone: str) -> None:
        """A payment request was recorded: in auto mode, the simulated payer answers it later by number."""
        if not self.auto_payer:
            return
        outcome = payer.outcome(phone)
        if outcome == "silent":
            return  # the prompt is never answered: the payment stays pending at the operator
        timer = threading.Timer(self.decision_seconds, self._settle_quietly, (reference, outcome))
        timer.daemon = True
        timer.start()

    def _settle_quietly(self, reference: str, outcome: str) -> None:
        with contextlib.suppress(KeyError):
            self.settle(reference, outcome)


class MpesaSimulator(MobileSimulator):
    """Daraja: OAuth, STK push, STK query, STK callback."""

    consumer_key, consumer_secret, shortcode, passkey = "ck_test", "cs_test", "174379", "pk_test_passkey"
    RESULT = {
        "success": ("0", "The service request is processed successfully."),
        "cancelled": ("1032", "Request cancelled by user"),
        "failed": ("1", "The balance is insufficient"),
    }

    def routes(self):
        return [
            ("GET", "/oauth/v1/generate", self.oauth),
            ("POST", "/mpesa/stkpush/v1/processrequest", self.push),
            ("POST", "/mpesa/stkpushquery/v1/query", self.query),
        ]

    def oauth(self, request):
        if (
            _basic(request) != (self.consumer_key, self.consumer_secret)
            or "grant_type=client_credentials" not in request.query
        ):
            return 400, {"errorCode": "400.008.01", "errorMessage": "Invalid Authentication passed"}, {}
        return 200, {"access_token": self.issue_token(), "expires_in": "3599"}, {}

    def _password_ok(self, body) -> bool:
        expected = base64.b64encode(f"{self.shortcode}{self.passkey}{body.get('Timestamp')}".encode()).decode()
        return body.get("Password") == expected and str(body.get("BusinessShortCode")) == self.shortcode

    def push(self, request):
        if not bearer_ok(request, self.tokens):
            return 401, {"requestId": "x", "errorCode": "404.001.03", "errorMessage": "Invalid Access Token"}, {}
        if self.refuse_next:
            return self.refuse_next.pop(0), {"errorCode": "500.003.02", "errorMessage": "System is busy"}, {}
        body = request.json()
        if not self._password_ok(body):
            return 400, {"errorCode": "400.002.02", "errorMessage": "Bad Request - Invalid Password"}, {}
        phone = str(body.get("PhoneNumber", ""))
        if not (phone.startswith("254") and len(phone) == 12 and phone.isdigit()):
            return 400, {"errorCode": "400.002.02", "errorMessage": "Bad Request - Invalid PhoneNumber"}, {}
        if not isinstance(body.get("Amount"), int) or body["Amount"] < 1:
            return 400, {"errorCode": "400.002.02", "errorMessage": "Bad Request - Invalid Amount"}, {}
        n = next(_ids)
        reference = f"ws_CO_{datetime.now():%d%m%Y%H%M%S}{n:06d}"
        self.records[reference] = {
            "reference": reference,
            "merchant": f"{n}-{n}-1",
            "amount": body["Amount"],
            "phone": phone,
            "callback_url": body["CallBackURL"],
            "status": "pending",
        }
        self.requested(reference, phone)
        if self.lose_answers:
            self.lose_answers -= 1
            return 504, {"errorCode": "504.001.01", "errorMessage": "Gateway timeout"}, {}
        return (
            200,
            {
                "MerchantRequestID": self.records[reference]["merchant"],
                "CheckoutRequestID": reference,
                "ResponseCode": "0",
                "ResponseDescription": "Success. Request accepted for processing",
                "CustomerMessage": "Success. Request accepted for processing",
            },
            {},
        )

    def query(self, request):
        if not bearer_ok(request, self.tokens):
            return 401, {"errorCode": "404.001.03", "errorMessage": "Invalid Access Token"}, {}
        body = request.json()
        if not self._password_ok(body):
            return 400, {"errorCode": "400.002.02", "errorMessage": "Bad Request - Invalid Password"}, {}
        record = self.records.get(body.get("CheckoutRequestID", ""))
        if record is None:
            return 400, {"errorCode": "400.002.02", "errorMessage": "Bad Request - Invalid CheckoutRequestID"}, {}
        if record["status"] == "pending":
            return (
                500,
                {"requestId": "x", "errorCode": "500.001.1001", "errorMessage": "The transaction is being processed"},
                {},
            )
        code, desc = self.RESULT[record["status"]]
        return (
            200,
            {
                "ResponseCode": "0",
                "ResponseDescription": "The service request has been accepted successsfully",
                "MerchantRequestID": record["merchant"],
                "CheckoutRequestID": record["reference"],
                "ResultCode": code,
                "ResultDesc": desc,
            },
            {},
        )

    def callback(self, record, status):
        code, desc = self.RESULT[status]
        stk = {
            "MerchantRequestID": record["merchant"],
            "CheckoutRequestID": record["reference"],
            "ResultCode": int(code),
            "ResultDesc": desc,
        }
        if status == "success":
            stk["CallbackMetadata"] = {
                "Item": [
                    {"Name": "Amount", "Value": record["amount"]},
                    {"Name": "MpesaReceiptNumber", "Value": f"NLJ{secrets.token_hex(4).upper()}"},
                    {"Name": "TransactionDate", "Value": int(f"{datetime.now():%Y%m%d%H%M%S}")},
                    {"Name": "PhoneNumber", "Value": int(record["phone"])},
                ]
            }
        self.send_callback(record["callback_url"], {"Body": {"stkCallback": stk}})


class MtnMomoSimulator(MobileSimulator):
    """MTN MoMo collections: token, requesttopay, requesttopay status, callback."""

    subscription_key, api_user, api_key = "sub_test", str(uuid.UUID(int=1)), "momo_key"
    STATUS = {"success": "SUCCESSFUL", "failed": "FAILED", "pending": "PENDING"}

    def routes(self):
        return [
            ("POST", "/collection/token/", self.token),
            ("POST", "/collection/v1_0/requesttopay", self.request_to_pay),
            ("GET", r"/collection/v1_0/requesttopay/(?P<ref>[0-9a-f-]+)", self.status),
        ]

    def _keyed(self, request) -> bool:
        return request.headers.get("Ocp-Apim-Subscription-Key") == self.subscription_key

    def token(self, request):
        if not self._keyed(request) or _basic(request) != (self.api_user, self.api_key):
            return 401, {"error": "login_failed", "error_description": "Access denied"}, {}
        return 200, {"access_token": self.issue_token(), "token_type": "access_token", "expires_in": 3600}, {}

    def request_to_pay(self, request):
        if not self._keyed(request) or not bearer_ok(request, self.tokens):
            return 401, {"code": "UNAUTHORIZED", "message": "Unauthorized"}, {}
        if self.refuse_next:
            return self.refuse_next.pop(0), {"code": "INTERNAL_PROCESSING_ERROR", "message": "busy"}, {}
        reference = request.headers.get("X-Reference-Id", "")
        try:
            uuid.UUID(reference)
        except ValueError:
            return 400, {"code": "INVALID_REFERENCE_ID", "message": "X-Reference-Id must be a UUID"}, {}
        if reference in self.records:
            return 409, {"code": "RESOURCE_ALREADY_EXIST", "message": "Duplicated reference id."}, {}
        body = request.json()
        party = str((body.get("payer") or {}).get("partyId", ""))
        if not party.isdigit():
            return 400, {"code": "PAYER_NOT_FOUND", "message": "Payer not found"}, {}
        self.records[reference] = {
            "reference": reference,
            "amount": body.get("amount"),
            "currency": body.get("currency"),
            "externalId": body.get("externalId"),
            "payer": party,
            "status": "pending",
            "callback_url": request.headers.get("X-Callback-Url", ""),
        }
        self.requested(reference, party)
        if self.lose_answers:
            self.lose_answers -= 1
            return 504, {"code": "GATEWAY_TIMEOUT", "message": "timeout"}, {}
        return 202, None, {}

    def _document(self, record, status):
        document = {
            "amount": record["amount"],
            "currency": record["currency"],
            "externalId": record["externalId"],
            "payer": {"partyIdType": "MSISDN", "partyId": record["payer"]},
            "payerMessage": "",
            "payeeNote": "",
            "status": self.STATUS[status],
        }
        if status == "success":
            document["financialTransactionId"] = str(next(_ids) + 100000000)
        if status == "failed":
            document["reason"] = "APPROVAL_REJECTED"
        return document

    def status(self, request):
        if not self._keyed(request) or not bearer_ok(request, self.tokens):
            return 401, {"code": "UNAUTHORIZED", "message": "Unauthorized"}, {}
        record = self.records.get(request.params["ref"])
        if record is None:
            return 404, {"code": "RESOURCE_NOT_FOUND", "message": "Requested resource was not found."}, {}
        return 200, self._document(record, record["status"]), {}

    def callback(self, record, status):
        if record["callback_url"]:
            self.send_callback(
                record["callback_url"],
                {**self._document(record, status), "referenceId": record["reference"]},
                method="PUT",
            )


class OrangeMoneySimulator(MobileSimulator):
    """Orange Money web payment: token, webpayment, transactionstatus, notification."""

    client_id, client_secret, merchant_key = "om_client", "om_secret", "om_merchant"
    STATUS = {"success": "SUCCESS", "failed": "FAILED", "pending": "INITIATED", "expired": "EXPIRED"}

    def routes(self):
        return [
            ("POST", "/oauth/v3/token", self.token),
            ("POST", r"/orange-money-webpay/(?P<cc>[a-z]+)/v1/webpayment", self.webpayment),
            ("POST", r"/orange-money-webpay/(?P<cc>[a-z]+)/v1/transactionstatus", self.status),
        ]

    def token(self, request):
        if (
            _basic(request) != (self.client_id, self.client_secret)
            or b"grant_type=client_credentials" not in request.raw
        ):
            return 401, {"error": "invalid_client"}, {}
        return 200, {"token_type": "Bearer", "access_token": self.issue_token(), "expires_in": "7776000"}, {}

    def webpayment(self, request):
        if not bearer_ok(request, self.tokens):
            return 401, {"code": 42, "message": "Expired credentials"}, {}
        body = request.json()
        if body.get("merchant_key") != self.merchant_key:
            return 400, {"code": 1, "message": "Invalid merchant key"}, {}
        if any(r["order_id"] == body.get("order_id") for r in self.records.values()):
            return 400, {"code": 3, "message": "order_id already used"}, {}
        pay_token = secrets.token_hex(16)
        self.records[pay_token] = {
            "reference": pay_token,
            "order_id": body.get("order_id"),
            "amount": body.get("amount"),
            "currency": body.get("currency"),
            "notif_url": body.get("notif_url"),
            "notif_token": secrets.token_hex(16),
            "status": "pending",
        }
        # The web payment page asks for no number here: in auto mode the payer approves.
        self.requested(pay_token, "")
        return (
            201,
            {
                "status": 201,
                "message": "OK",
                "pay_token": pay_token,
                "payment_url": f"{self.url}/payment/pay_token/{pay_token}",
                "notif_token": self.records[pay_token]["notif_token"],
            },
            {},
        )

    def status(self, request):
        if not bearer_ok(request, self.tokens):
            return 401, {"code": 42, "message": "Expired credentials"}, {}
        body = request.json()
        record = self.records.get(body.get("pay_token", ""))
        if record is None or record["order_id"] != body.get("order_id") or record["amount"] != body.get("amount"):
            return 400, {"code": 4, "message": "Transaction not found"}, {}
        return (
            201,
            {
                "status": self.STATUS[record["status"]],
                "order_id": record["order_id"],
                "txnid": f"MP{record['reference'][:10]}" if record["status"] == "success" else None,
            },
            {},
        )

    def callback(self, record, status):
        self.send_callback(
            record["notif_url"],
            {
                "status": self.STATUS[status],
                "notif_token": record["notif_token"],
                "txnid": f"MP{record['reference'][:10]}",
            },
        )


class AirtelMoneySimulator(MobileSimulator):
    """Airtel Money collections: token, payments (USSD push), enquiry; callback to the URL set in the portal."""

    client_id, client_secret = "airtel_client", "airtel_secret"
    STATUS = {"success": "TS", "failed": "TF", "pending": "TIP", "ambiguous": "TA"}

    def __init__(self, port: int = 0, **kwargs):
        self.callback_url = ""  # configured once per application, as in Airtel's portal
        super().__init__(port, **kwargs)

    def routes(self):
        return [
            ("POST", "/auth/oauth2/token", self.token),
            ("POST", "/merchant/v1/payments/", self.pay),
            ("GET", r"/standard/v1/payments/(?P<id>[A-Za-z0-9]+)", self.enquiry),
        ]

    def token(self, request):
        body = request.json()
        if (body.get("client_id"), body.get("client_secret"), body.get("grant_type")) != (
            self.client_id,
            self.client_secret,
            "client_credentials",
        ):
            return 401, {"error": "invalid_client"}, {}
        return 200, {"access_token": self.issue_token(), "expires_in": "3600", "token_type": "bearer"}, {}

    def pay(self, request):
        if not bearer_ok(request, self.tokens) or not request.headers.get("X-Country"):
            return 401, {"status": {"code": "401", "message": "Unauthorized", "success": False}}, {}
        if self.refuse_next:
            return self.refuse_next.pop(0), {"status": {"code": "500", "message": "busy", "success": False}}, {}
        body = request.json()
        transaction = body.get("transaction") or {}
        tid = str(transaction.get("id", ""))
        if tid in self.records:
            return (
                200,
                {
                    "data": {},
                    "status": {
                        "code": "400",
                        "message": "Duplicate transaction id",
                        "result_code": "ESB000045",
                        "success": False,
                    },
                },
                {},
            )
        self.records[tid] = {
            "reference": tid,
            "amount": transaction.get("amount"),
            "currency": transaction.get("currency"),
            "msisdn": (body.get("subscriber") or {}).get("msisdn"),
            "status": "pending",
        }
        self.requested(tid, str(self.records[tid]["msisdn"] or ""))
        if self.lose_answers:
            self.lose_answers -= 1
            return 502, {"status": {"code": "502", "message": "Bad gateway", "success": False}}, {}
        return (
            200,
            {
                "data": {"transaction": {"id": tid, "status": "Success."}},
                "status": {
                    "code": "200",
                    "message": "Success.",
                    "result_code": "ESB000010",
                    "response_code": "DP00800001006",
                    "success": True,
                },
            },
            {},
        )

    def enquiry(self, request):
        if not bearer_ok(request, self.tokens):
            return 401, {"status": {"code": "401", "message": "Unauthorized", "success": False}}, {}
        record = self.records.get(request.params["id"])
        if record is None:
            return 404, {"status": {"code": "404", "message": "Transaction not found", "success": False}}, {}
        return (
            200,
            {
                "data": {
                    "transaction": {
                        "airtel_money_id": f"MP{record['reference'][:8]}",
                        "id": record["reference"],
                        "message": "",
                        "status": self.STATUS[record["status"]],
                    }
                },
                "status": {"code": "200", "message": "SUCCESS", "result_code": "ESB000010", "success": True},
            },
            {},
        )

    def callback(self, record, status):
        self.send_callback(
            self.callback_url,
            {
                "transaction": {
                    "id": record["reference"],
                    "message": "",
                    "status_code": self.STATUS[status],
                    "airtel_money_id": f"MP{record['reference'][:8]}",
                }
            },
        )
