"""Inquiry → dealer notification latency, through the real outbox, a real Celery worker and beat, and a
loopback WhatsApp Cloud API simulator.

    .venv/bin/python bench/inquiry_latency.py [--inquiries 60] [--pace 0.25] [--concurrency 2]

Each inquiry is a signed-in buyer's question to a dealer of its own (one member, a WhatsApp number, quiet
hours off), sent by `inquiries.services.ask` in its own transaction. Measured from the commit to (a) the
member's in-app notification row (outbox → dispatch) and (b) the WhatsApp message reaching the provider
(→ delivery → send). The batching window is 0 here; in production NOTIFICATIONS_BATCH_WINDOW_SECONDS
(120 s by default) and the member's quiet hours add to (b), by design, and not to (a).

Uses its own database (nzila_bench_inquiries, migrated on first use) and Redis databases 14/15 (flushed).
Prints figures; appends them to bench/results/inquiry_latency.txt.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
ENV = {
    "DJANGO_SETTINGS_MODULE": "nzila.settings",
    "NZILA_DB_NAME": "nzila_bench_inquiries",
    "NZILA_INDEX_PREFIX": "benchinq",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/15",
    "NZILA_NOTIFY_BATCH_WINDOW_SECONDS": "0",
    "NZILA_OUTBOX_SWEEP_SECONDS": "5",
    "NZILA_DELIVERY_SWEEP_SECONDS": "15",
    "NZILA_LOG_LEVEL": "WARNING",
    "NZILA_SAVED_SEARCH_ALERT_SECONDS": "3600",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402


def ensure_database() -> None:
    """Create the bench's database with the stack's own credentials (the settings read var/secrets.env)."""
    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname="postgres", autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


ensure_database()
import redis  # noqa: E402
from _celery import celery_process  # noqa: E402
from _django import percentile  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from localstack.process import ManagedProcess  # noqa: E402
from reliability.polling import poll_until  # noqa: E402
from tests.support.whatsapp_simulator import WhatsAppSimulator  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "inquiry_latency.txt"


def process(kind: str, args: list[str], env: dict[str, str]) -> ManagedProcess:
    return celery_process("bench-inq", kind, args, {**ENV, **env})


def world(n: int, tag: str):
    """n dealers, each with one member who has a WhatsApp number, a vehicle each; one buyer."""
    from buyers.models import Buyer
    from catalog.models import Currency, Dealer, Vehicle
    from notifications.models import NotificationPreference

    User = get_user_model()
    Currency.objects.get_or_create(
        code="USD", defaults={"name": "US dollar", "units_per_usd": 1, "rate_updated_at": timezone.now()}
    )
    pairs = []
    for i in range(n):
        dealer = Dealer.objects.create(name=f"Bench dealer {tag}-{i}", country="KE")
        member = User.objects.create(username=f"bench-{tag}-member-{i}")
        dealer.members.add(member)
        phone = f"+2547{int(tag, 16) % 100:02d}{i:06d}"
        NotificationPreference.objects.create(
            user=member, phone_e164=phone, quiet_hours_enabled=False, email_enabled=False
        )
        vehicle = Vehicle.objects.create(
            make="Toyota",
            model="Hilux",
            year=2020,
            price=20000,
            currency_id="USD",
            dealer=dealer,
            country="KE",
            listed_at=timezone.now(),
        )
        pairs.append((vehicle, member, phone.lstrip("+")))
    buyer_user = User.objects.create(username=f"bench-{tag}-buyer")
    buyer = Buyer.objects.create(user=buyer_user, full_name="Bench buyer", country="KE")
    return buyer, pairs


def main() -> None:
    from inquiries import services
    from notifications.models import Notification

    parser = argparse.ArgumentParser()
    parser.add_argument("--inquiries", type=int, default=60)
    parser.add_argument("--pace", type=float, default=0.25)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    for url in (settings.CELERY_BROKER_URL, settings.CELERY_RESULT_BACKEND):
        redis.Redis.from_url(url).flushdb()
    settings.INQUIRIES_NEW_PER_BUYER_DAY = settings.INQUIRIES_MESSAGES_PER_BUYER_HOUR = 10**6
    sim = WhatsAppSimulator(token="bench-token", app_secret="bench-secret").start()
    env = {
        "NZILA_WHATSAPP_API_URL": sim.base_url,
        "NZILA_WHATSAPP_PHONE_NUMBER_ID": sim.phone_number_id,
        "NZILA_WHATSAPP_ACCESS_TOKEN": sim.token,
        "NZILA_WHATSAPP_APP_SECRET": sim.app_secret,
    }
    os.environ.update(env)
    worker = process(
        "worker",
        [
            "-Q",
            "high,default,low",
            "-c",
            str(args.concurrency),
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"bench-inq-{os.getpid()}@%h",
            "--loglevel",
            "INFO",
        ],
        env,
    )
    beat = process("beat", ["-s", str(ROOT / "var" / f"bench-inq-beat-{os.getpid()}"), "--loglevel", "INFO"], env)
    try:
        poll_until(
            lambda: worker.log_file.exists() and " ready." in worker.log_file.read_text(errors="replace"),
            timeout=60,
            what="the worker",
        )
        tag = os.urandom(3).hex()
        buyer, pairs = world(args.inquiries, tag)
        committed: dict[str, float] = {}
        members: dict[int, float] = {}
        for vehicle, member, to in pairs:
            services.ask(buyer=buyer, vehicle_id=vehicle.pk, body="Is it available?", client_key=uuid.uuid4())
            committed[to] = members[member.pk] = time.time()
            time.sleep(args.pace)
        poll_until(
            lambda: sum(1 for m in list(sim.accepted) if m["body"]["to"] in committed) >= len(committed),
            timeout=300,
            what="every WhatsApp message",
        )
        arrivals = {m["body"]["to"]: m["at"] for m in list(sim.accepted) if m["body"]["to"] in committed}
        whatsapp = [arrivals[to] - at for to, at in committed.items()]
        notes = dict(
            Notification.objects.filter(user_id__in=members, event_type="inquiry_message").values_list(
                "user_id", "created_at"
            )
        )
        in_app = [notes[user].timestamp() - at for user, at in members.items() if user in notes]
        load = os.getloadavg()[0]
        lines = [
            f"inquiry → dealer notification, {datetime.now():%Y-%m-%d %H:%M}, {len(committed)} inquiries one every "
            f"{args.pace} s, worker concurrency {args.concurrency} on {os.cpu_count()} cores (load {load:.1f}), "
            "batching window 0 s, quiet hours off",
            f"  commit → in-app notification (outbox dispatch): p50 {percentile(in_app, 50) * 1000:.0f} ms, "
            f"p95 {percentile(in_app, 95) * 1000:.0f} ms, max {max(in_app) * 1000:.0f} ms",
            f"  commit → WhatsApp message at the provider: p50 {percentile(whatsapp, 50) * 1000:.0f} ms, "
            f"p95 {percentile(whatsapp, 95) * 1000:.0f} ms, max {max(whatsapp) * 1000:.0f} ms",
        ]
        print("\n".join(lines), flush=True)
        RESULTS.parent.mkdir(exist_ok=True)
        with RESULTS.open("a") as out:
            out.write("\n".join(lines) + "\n\n")
    finally:
        beat.stop()
        worker.stop()
        sim.stop()


if __name__ == "__main__":
    main()
