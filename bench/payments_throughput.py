"""Payments benchmark: card payments per second through the real API against localstripe, and the
latency of processing a signed Stripe webhook. Prints figures.

    .venv/bin/python bench/payments_throughput.py [--payments 200] [--threads 4] [--webhooks 100]

Uses its own database (nzila_bench_pay, created and migrated if missing), starts localstripe on a
free port and serves the Django app over HTTP in this process (threaded WSGI server), so each
payment is: HTTP request -> DRF -> Postgres -> Stripe client -> localstripe -> ledger -> response.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("NZILA_DB_NAME", "nzila_bench_pay")
os.environ.setdefault("NZILA_CACHE_PREFIX", "benchpay")
os.environ.setdefault("STRIPE_WEBHOOK_SECRET", "whsec_bench")
os.environ.setdefault("STRIPE_API_KEY", "sk_test_bench")
# Generous limits: the benchmark measures throughput, not the throttle.
os.environ.setdefault("NZILA_PAYMENTS_USER_RATE", "100000/hour")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=nzila password=nzila dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payments", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--webhooks", type=int, default=100)
    args = parser.parse_args()

    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    from localstack.process import ManagedProcess, port_is_open, wait_until

    stripe_port = free_port()
    os.environ["STRIPE_API_BASE"] = f"http://127.0.0.1:{stripe_port}"
    localstripe = ManagedProcess(
        f"bench-localstripe-{stripe_port}",
        [str(ROOT / ".venv/bin/localstripe"), "--port", str(stripe_port), "--from-scratch"],
    )
    ensure_database(os.environ["NZILA_DB_NAME"])
    import _django  # noqa: F401  (sets up Django)
    from _django import percentile
    from django.conf import settings
    from django.core.management import call_command

    # Clients authenticate with HTTP Basic on every request; PBKDF2 would dominate the figure (about a
    # second per request on two cores), so the benchmark measures the payment path with a cheap hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    localstripe.start()
    try:
        wait_until(lambda: port_is_open(stripe_port), timeout=30, what="localstripe", log=localstripe.log_file)
        run(args, percentile)
    finally:
        localstripe.stop(timeout=10)


class ThreadedWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def run(args, percentile) -> None:
    import requests
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.utils import timezone

    from catalog.models import Currency
    from payments.models import Payment
    from tests.support.payment_simulators.fixtures import RATES, make_buyer, make_deal, new_card, signed, stripe_event

    for code, rate in RATES.items():
        Currency.objects.update_or_create(
            code=code, defaults={"name": code, "units_per_usd": rate, "rate_updated_at": timezone.now()}
        )
    connection.close()
    port = free_port()
    httpd = make_server(
        "127.0.0.1", port, get_wsgi_application(), server_class=ThreadedWSGIServer, handler_class=QuietHandler
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    api = f"http://127.0.0.1:{port}/api/v1/payments/"
    stripe_url = os.environ["STRIPE_API_BASE"]

    def buyer_session(card: str):
        buyer = make_buyer()
        session = requests.Session()
        from accounts.tokens import token_create

        _, key = token_create(user=buyer.user, name="bench client")
        session.headers["Authorization"] = f"Token {key}"
        session.post(
            api + "methods", json={"payment_method": new_card(stripe_url, card), "default": True}, timeout=60
        ).raise_for_status()
        return session, buyer

    # One buyer and deal per payment (one open attempt per deal is the rule).
    sessions = []
    for _ in range(args.threads):
        session, buyer = buyer_session("4242424242424242")
        deals = [make_deal(buyer, price="100000.00", deposit="0") for _ in range(args.payments // args.threads)]
        sessions.append((session, deals))
    connection.close()

    latencies: list[float] = []
    states: dict[str, int] = {}
    lock = threading.Lock()

    def pay_all(session, deals):
        for deal in deals:
            start = time.perf_counter()
            response = session.post(
                api, json={"purpose": "deal", "method": "card", "deal_id": deal.id, "amount": "100.00"}, timeout=60
            )
            elapsed = time.perf_counter() - start
            state = response.json().get("state", str(response.status_code))
            with lock:
                latencies.append(elapsed)
                states[state] = states.get(state, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        for future in [pool.submit(pay_all, s, d) for s, d in sessions]:
            future.result()
    wall = time.perf_counter() - started
    print(
        f"card payments through the API: {len(latencies)} in {wall:.2f}s = {len(latencies) / wall:.1f} payments/s "
        f"({args.threads} clients); latency p50 {percentile(latencies, 50) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 95) * 1000:.0f} ms; outcomes {states}"
    )

    # Webhooks: payments waiting on 3-D Secure, completed by signed payment_intent.succeeded events.
    session, buyer = buyer_session("4000002760003184")
    waiting = []
    for _ in range(args.webhooks):
        deal = make_deal(buyer, price="100000.00", deposit="0")
        body = session.post(
            api, json={"purpose": "deal", "method": "card", "deal_id": deal.id, "amount": "10.00"}, timeout=60
        ).json()
        waiting.append(Payment.objects.get(pk=body["id"]))
    connection.close()
    hook_latencies = []
    for payment in waiting:
        event = stripe_event(
            "payment_intent.succeeded",
            {
                "id": payment.provider_reference,
                "object": "payment_intent",
                "amount": 1000,
                "amount_received": 1000,
                "currency": "usd",
                "status": "succeeded",
                "latest_charge": "ch_bench",
                "metadata": {"nzila_payment_id": str(payment.id)},
            },
        )
        payload, header = signed(event, secret=os.environ["STRIPE_WEBHOOK_SECRET"])
        start = time.perf_counter()
        response = requests.post(
            api + "webhooks/stripe",
            data=payload,
            timeout=60,
            headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        )
        hook_latencies.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text
    done = Payment.objects.filter(pk__in=[p.pk for p in waiting], state="succeeded").count()
    print(
        f"webhook processing (verify + exactly-once insert + state machine + ledger), {len(hook_latencies)} events: "
        f"p50 {percentile(hook_latencies, 50) * 1000:.1f} ms, p95 {percentile(hook_latencies, 95) * 1000:.1f} ms, "
        f"max {max(hook_latencies) * 1000:.1f} ms; {done} payments succeeded"
    )
    httpd.shutdown()


if __name__ == "__main__":
    main()
