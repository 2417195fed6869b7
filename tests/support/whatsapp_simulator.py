"""A WhatsApp Cloud API simulator: a real HTTP server in a thread that speaks the documented endpoints.

- POST /{version}/{phone-number-id}/messages: bearer token checked, text and template messages validated
  as the Cloud API does, answered with a "wamid." id; every request recorded.
- Failures on demand: the next N sends fail with a given HTTP status and Cloud API error code.
- Status webhooks back to the app: "sent" then "delivered" (and "read" on request), signed with the app
  secret in X-Hub-Signature-256 exactly as Meta signs them; or badly signed, to test the refusal.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

# The templates the platform uses, as registered with Meta (name: number of body parameters); the
# inquiry and verification templates are new with the inquiries (docs/jobs.md lists their wording).
APPROVED_TEMPLATES = {
    "deal_confirmation": 4,
    "payment_received": 2,
    "shipment_update": 3,
    "inquiry_received": 3,
    "inquiry_answered": 3,
    "verification_code": 1,
}


@dataclass
class Failure:
    http_status: int
    code: int
    message: str


@dataclass
class WhatsAppSimulator:
    token: str
    app_secret: str
    phone_number_id: str = "109876543210"
    version: str = "v21.0"
    # Where status webhooks go (the app's /api/v1/webhooks/whatsapp); None: no webhooks.
    webhook_url: str | None = None
    auto_statuses: tuple[str, ...] = ("sent", "delivered")
    # Seconds each send takes to answer (a slow Cloud API), so two senders overlap.
    answer_after: float = 0.0
    accepted: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    webhook_results: list[tuple[str, str, int]] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._failures: list[Failure] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- control ---------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/{self.version}"

    def start(self) -> WhatsAppSimulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(
        self, count: int, *, http_status: int = 503, code: int = 131000, message: str = "Something went wrong"
    ) -> None:
        with self._lock:
            self._failures += [Failure(http_status, code, message)] * count

    def messages_to(self, wa_id: str) -> list[dict]:
        with self._lock:
            return [m for m in self.accepted if m["body"]["to"] == wa_id]

    # --- webhooks --------------------------------------------------------------------------------

    def status_payload(self, wamid: str, status: str, recipient: str, *, errors: list | None = None) -> dict:
        entry = {"id": wamid, "status": status, "timestamp": str(int(time.time())), "recipient_id": recipient}
        if errors:
            entry["errors"] = errors
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "WABA-1",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "15550001111",
                                    "phone_number_id": self.phone_number_id,
                                },
                                "statuses": [entry],
                            },
                        }
                    ],
                }
            ],
        }

    def sign(self, body: bytes, secret: str | None = None) -> str:
        return "sha256=" + hmac.new((secret or self.app_secret).encode(), body, hashlib.sha256).hexdigest()

    def post_webhook(self, payload: dict, *, secret: str | None = None, signature: str | None = None) -> int:
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": signature if signature is not None else self.sign(body, secret),
        }
        return requests.post(self.webhook_url, data=body, headers=headers, timeout=10).status_code

    def send_status(self, wamid: str, status: str, recipient: str, **kwargs) -> int:
        code = self.post_webhook(self.status_payload(wamid, status, recipient), **kwargs)
        with self._lock:
            self.webhook_results.append((wamid, status, code))
        return code

    def _report_later(self, wamid: str, recipient: str) -> None:
        def run():
            for status in self.auto_statuses:
                time.sleep(0.05)
                with contextlib.suppress(requests.RequestException):
                    self.send_status(wamid, status, recipient)

        threading.Thread(target=run, daemon=True).start()

    # --- the API ---------------------------------------------------------------------------------

    def _send(self, headers, raw: bytes) -> tuple[int, dict]:
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, {"error": {"message": "Invalid JSON", "type": "OAuthException", "code": 100}}
        with self._lock:
            self.requests.append(body)
            failure = self._failures.pop(0) if self._failures else None
        time.sleep(self.answer_after)
        if failure:
            return failure.http_status, {
                "error": {
                    "message": failure.message,
                    "type": "OAuthException",
                    "code": failure.code,
                    "fbtrace_id": uuid.uuid4().hex,
                }
            }
        problem = self._validate(body)
        if problem:
            return 400, {"error": {"message": problem[1], "type": "OAuthException", "code": problem[0]}}
        wamid = "wamid." + uuid.uuid4().hex
        with self._lock:
            self.accepted.append({"id": wamid, "body": body, "at": time.time()})
        if self.webhook_url and self.auto_statuses:
            self._report_later(wamid, body["to"])
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": wamid}],
        }

    @staticmethod
    def _validate(body: dict) -> tuple[int, str] | None:
        if body.get("messaging_product") != "whatsapp":
            return 100, "(#100) The parameter messaging_product is required."
        if not str(body.get("to", "")).isdigit():
            return 100, "(#100) Invalid parameter: to"
        kind = body.get("type", "text")
        if kind == "text":
            if not body.get("text", {}).get("body"):
                return 100, "(#100) The parameter text['body'] is required."
        elif kind == "template":
            template = body.get("template", {})
            expected = APPROVED_TEMPLATES.get(template.get("name"))
            if expected is None or not template.get("language", {}).get("code"):
                return 132001, "(#132001) Template name does not exist in the translation"
            params = [
                p for c in template.get("components", []) if c.get("type") == "body" for p in c.get("parameters", [])
            ]
            if len(params) != expected:
                return 132000, "(#132000) Number of parameters does not match the expected number of params"
        else:
            return 100, f"(#100) Unsupported message type {kind}"
        return None

    def _handler_class(self):
        simulator = self
        messages_path = f"/{self.version}/{self.phone_number_id}/messages"

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without this, delayed ACKs add 40 ms to each.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.split("?")[0] == messages_path:
                    status, payload = simulator._send(self.headers, raw)
                else:
                    status, payload = 404, {"error": {"message": "Unknown path", "code": 803}}
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
