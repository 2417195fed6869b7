"""A proxy in front of localstripe (or stripe-mock) adding what real Stripe has and they lack, plus faults.

- Idempotent requests: a POST with an Idempotency-Key is answered, on every repeat, with the first
  answer (as Stripe documents: same key and same parameters; a reused key with other parameters is
  refused with 400 idempotency_error). localstripe ignores the header; it is forwarded all the same,
  so stripe-mock checks it against the spec.
- POST /v1/refunds accepts Stripe's documented `reason` parameter (localstripe refuses it): dropped
  here when `localstripe=True`; stripe-mock gets every parameter as sent.
- Every exchange is recorded (`exchanges`): method, path, status, the Idempotency-Key and the
  Stripe-Version sent.
- Faults for tests: `lose_answers(path, n)` forwards a request and then closes the connection without
  answering (the network failed after Stripe acted); `fail(path, status, n)` answers an error without
  forwarding (Stripe overloaded or down).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

import requests


class StripeProxy:
    def __init__(self, upstream: str, *, localstripe: bool = True):
        self.upstream = upstream.rstrip("/")
        self.localstripe = localstripe
        self.exchanges: list[dict] = []
        self.lock = threading.Lock()
        self.key_locks: dict[str, threading.Lock] = {}
        self.answers: dict[str, tuple] = {}
        self.faults: list[dict] = []
        self.forwarded: list[tuple[str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.handle(self, body)

            do_GET = do_POST = do_DELETE = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.session = requests.Session()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> StripeProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.forwarded.clear()
            self.exchanges.clear()

    def lose_answers(self, path: str, times: int = 1) -> None:
        with self.lock:
            self.faults.append({"path": path, "kind": "lose", "times": times})

    def fail(self, path: str, status: int, times: int = 1) -> None:
        with self.lock:
            self.faults.append({"path": path, "kind": "fail", "status": status, "times": times})

    def forwarded_count(self, method: str, path: str) -> int:
        with self.lock:
            return sum(1 for m, p in self.forwarded if m == method and p == path)

    def _fault_for(self, method: str, path: str) -> dict | None:
        with self.lock:
            for fault in self.faults:
                if method == "POST" and path == fault["path"] and fault["times"] > 0:
                    fault["times"] -= 1
                    return dict(fault)
        return None

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        method, path = handler.command, handler.path.split("?", 1)[0]
        fault = self._fault_for(method, path)
        if fault and fault["kind"] == "fail":
            self._answer(
                handler, fault["status"], b'{"error": {"type": "api_error", "message": "injected"}}', "application/json"
            )
            return
        if self.localstripe and method == "POST" and path == "/v1/refunds":
            body = urlencode([(k, v) for k, v in parse_qsl(body.decode()) if k != "reason"]).encode()
        key = handler.headers.get("Idempotency-Key") if method == "POST" else None
        if key:
            with self.lock:
                key_lock = self.key_locks.setdefault(key, threading.Lock())
            with key_lock:
                cached = self.answers.get(key)
                if cached is None:
                    status, content, ctype = self._forward(handler, method, body)
                    if status < 500:  # Stripe does not store answers to requests that failed on its side
                        self.answers[key] = (path, body, status, content, ctype)
                elif cached[0] != path or cached[1] != body:
                    status, ctype = 400, "application/json"
                    content = (
                        b'{"error": {"type": "idempotency_error", "message": "Keys for idempotent requests '
                        b'can only be used with the same parameters they were first used with."}}'
                    )
                else:
                    _, _, status, content, ctype = cached
        else:
            status, content, ctype = self._forward(handler, method, body)
        if fault and fault["kind"] == "lose":
            handler.close_connection = True  # the answer never reaches the client
            return
        self._answer(handler, status, content, ctype, replayed=bool(key))

    def _forward(self, handler, method: str, body: bytes):
        forwarded_headers = ("authorization", "content-type", "stripe-version", "idempotency-key")
        headers = {k: v for k, v in handler.headers.items() if k.lower() in forwarded_headers}
        response = self.session.request(
            method, self.upstream + handler.path, data=body or None, headers=headers, timeout=30
        )
        path = handler.path.split("?", 1)[0]
        with self.lock:
            self.forwarded.append((method, path))
            self.exchanges.append(
                {
                    "method": method,
                    "path": path,
                    "status": response.status_code,
                    "idempotency_key": handler.headers.get("Idempotency-Key"),
                    "stripe_version": handler.headers.get("Stripe-Version"),
                    "answer": response.text[:500] if response.status_code >= 400 else "",
                }
            )
        return response.status_code, response.content, response.headers.get("Content-Type", "application/json")

    @staticmethod
    def _answer(handler, status: int, content: bytes, ctype: str, replayed: bool = False) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(content)))
        handler.send_header("Request-Id", "req_proxy")
        handler.end_headers()
        handler.wfile.write(content)
