"""A small threaded JSON HTTP server that simulators build on: routes by method and path pattern.

Used by the tests (on a free port, the test deciding what the payer does) and by the local stack's
test mode (`python -m localstack.operator_simulators`, on fixed ports, the payer acting by number)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

Route = tuple[str, "re.Pattern[str]", Callable]


class Request:
    def __init__(self, handler: BaseHTTPRequestHandler, match: re.Match, body: bytes):
        self.method = handler.command
        self.path = handler.path.split("?", 1)[0]
        self.query = handler.path.split("?", 1)[1] if "?" in handler.path else ""
        self.headers = handler.headers
        self.params = match.groupdict()
        self.raw = body

    def json(self) -> dict:
        try:
            return json.loads(self.raw or b"{}")
        except ValueError:
            return {}


class SimulatorServer:
    """Subclasses declare `routes()` -> [(method, regex, function(request) -> (status, body|None, headers))]."""

    def __init__(self, port: int = 0):
        self.calls: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.callbacks_sent: list[dict] = []
        compiled = [(m, re.compile(f"^{p}$"), f) for m, p, f in self.routes()]
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _dispatch(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                for method, pattern, func in compiled:
                    match = pattern.match(path)
                    if method == self.command and match:
                        with simulator.lock:
                            simulator.calls.append((self.command, path))
                        status, payload, headers = func(Request(self, match, body))
                        break
                else:
                    status, payload, headers = 404, {"error": "not found"}, {}
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _dispatch

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def routes(self) -> list:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> SimulatorServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def send_callback(self, url: str, body: dict, *, method: str = "POST", asynchronous: bool = True) -> None:
        """Deliver a callback to the merchant the way operators do: later, from their side."""

        def deliver():
            try:
                response = requests.request(method, url, json=body, timeout=30)
                outcome = response.status_code
            except requests.RequestException as exc:
                outcome = str(exc)
            with self.lock:
                self.callbacks_sent.append({"url": url, "body": body, "outcome": outcome})

        if asynchronous:
            threading.Thread(target=deliver, daemon=True).start()
        else:
            deliver()

    def count(self, method: str, path_prefix: str) -> int:
        with self.lock:
            return sum(1 for m, p in self.calls if m == method and p.startswith(path_prefix))


def bearer_ok(request: Request, tokens: set[str]) -> bool:
    header = request.headers.get("Authorization", "")
    return header.startswith("Bearer ") and header[7:] in tokens
