"""Background jobs and notifications, measured on the local stack with real processes.

    .venv/bin/python bench/jobs_notifications.py [--events 500] [--beat-seconds 30] [--concurrency 2] [--pool threads]

- end to end: N domain events (one per buyer, so no batching) emitted in committed transactions →
  outbox → notifications → WhatsApp messages handed to a loopback Cloud API simulator: notifications/s,
  and the time from each commit to its message reaching the provider (p50/p95/max), with a zero
  batching window (in production the window, NOTIFICATIONS_BATCH_WINDOW_SECONDS, adds to this);
- trigger path: deals inserted (the database trigger writes the event; the beat's outbox sweep finds it):
  commit → provider latency, which the sweep interval bounds;
- beat drift: a 1-second schedule run for --beat-seconds; how far each send strays from the ideal grid.

Uses its own database (nzila_bench_jobs, migrated on first use), Redis databases 13/14 and a worker and
a beat it starts and stops itself. Prints figures; writes them to bench/results/jobs_notifications.txt.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
ENV = {
    "DJANGO_SETTINGS_MODULE": "nzila.settings",
    "NZILA_DB_NAME": "nzila_bench_jobs",
    "NZILA_INDEX_PREFIX": "benchjobs",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/14",
    "NZILA_NOTIFY_BATCH_WINDOW_SECONDS": "0",
    "NZILA_OUTBOX_SWEEP_SECONDS": "1",
    "NZILA_DELIVERY_SWEEP_SECONDS": "1",
    "NZILA_LOG_LEVEL": "WARNING",
    "NZILA_SAVED_SEARCH_ALERT_SECONDS": "3600",
}
os.environ.update(ENV)

import psycopg  # noqa: E402


def ensure_database() -> None:
    with psycopg.connect("host=127.0.0.1 user=nzila password=nzila dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [ENV["NZILA_DB_NAME"]]).fetchone():
            conn.execute(f"CREATE DATABASE {ENV['NZILA_DB_NAME']}")


ensure_database()
import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from _celery import celery_process  # noqa: E402
from _django import percentile  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from localstack.process import ManagedProcess  # noqa: E402
from reliability.polling import poll_until  # noqa: E402
from tests.support.whatsapp_simulator import WhatsAppSimulator  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "jobs_notifications.txt"  # appended to, one block per run


def process(kind: str, args: list[str], env: dict[str, str]) -> ManagedProcess:
    return celery_process("bench", kind, args, {**ENV, **env})


def arrived(sim, committed) -> int:
    """How many of the committed messages the WhatsApp simulator has accepted so far."""
    return sum(1 for m in list(sim.accepted) if m["body"]["to"] in committed)


def make_buyers(n: int, tag: str):
    from django.contrib.auth import get_user_model

    from buyers.models import Buyer
    from notifications.models import NotificationPreference

    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"bench-{tag}-{i}", email="") for i in range(n)])
    buyers = Buyer.objects.bulk_create(
        [
            Buyer(user=u, full_name=f"Bench {i}", country="KE", phone_e164=f"+2547{int(tag[-6:], 16) % 100:02d}{i:06d}")
            for i, u in enumerate(users)
        ]
    )
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user=u, quiet_hours_enabled=False, email_enabled=False, in_app_enabled=False)
            for u in users
        ]
    )
    return buyers


def end_to_end(sim: WhatsAppSimulator, n: int, *, pace: float = 0.0) -> dict:
    """n events, one per buyer; `pace` seconds apart (0: a burst, for throughput)."""
    from notifications.events import emit

    buyers = make_buyers(n, f"e2e{os.urandom(3).hex()}")
    committed: dict[str, float] = {}
    started = time.time()
    for buyer in buyers:
        with transaction.atomic():
            emit("payment_received", {"amount": "100", "currency": "USD"}, recipients=[buyer.user_id])
        committed[buyer.phone_e164.lstrip("+")] = time.time()
        if pace:
            time.sleep(pace)
    emitted = time.time()
    poll_until(
        lambda: sum(1 for m in list(sim.accepted) if m["body"]["to"] in committed) >= n,
        timeout=600,
        what="every message",
    )
    arrivals = {m["body"]["to"]: m["at"] for m in list(sim.accepted) if m["body"]["to"] in committed}
    latencies = [arrivals[to] - at for to, at in committed.items()]
    finished = max(arrivals.values())
    return {
        "events": n,
        "emit_seconds": emitted - started,
        "total_seconds": finished - started,
        "per_second": n / (finished - started),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "max": max(latencies),
    }


def trigger_path(sim: WhatsAppSimulator, n: int) -> dict:
    from django.utils import timezone

    from catalog.models import Currency, Dealer, Vehicle
    from sales.models import Deal

    Currency.objects.get_or_create(
        code="USD", defaults={"name": "US dollar", "units_per_usd": 1, "rate_updated_at": timezone.now()}
    )
    dealer = Dealer.objects.create(name="Bench dealer", country="KE")
    buyers = make_buyers(n, f"trg{os.urandom(3).hex()}")
    committed = {}
    for buyer in buyers:
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
        with transaction.atomic():
            Deal.objects.create(buyer=buyer, vehicle=vehicle, agreed_price=20000, currency_id="USD")
        committed[buyer.phone_e164.lstrip("+")] = time.time()
        time.sleep(0.1)
    poll_until(
        lambda: sum(1 for m in list(sim.accepted) if m["body"]["to"] in committed) >= n,
        timeout=120,
        what="trigger messages",
    )
    arrivals = {m["body"]["to"]: m["at"] for m in list(sim.accepted) if m["body"]["to"] in committed}
    latencies = [arrivals[to] - at for to, at in committed.items()]
    return {"events": n, "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "max": max(latencies)}


def beat_drift(beat_log: Path, since: float) -> dict:
    """When beat sent the 1-second outbox sweep (its own log), against the ideal 1-second grid."""
    pattern = re.compile(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}).*Sending due task notifications-outbox ")
    times = []
    for line in beat_log.read_text(errors="replace").splitlines():
        match = pattern.search(line)
        if match:
            stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            if stamp >= since:
                times.append(stamp)
    gaps = [b - a for a, b in zip(times, times[1:])]
    return {
        "sends": len(times),
        "gap_mean": statistics.mean(gaps) if gaps else float("nan"),
        "gap_p95": percentile(gaps, 95),
        "gap_max": max(gaps) if gaps else float("nan"),
        "cumulative_drift": (times[-1] - times[0] - (len(times) - 1)) if times else float("nan"),
    }


def sweep_queue_wait(worker_log: Path, beat_log: Path) -> float:
    """Median time from beat sending an outbox sweep to a worker receiving it (queueing behind others)."""

    def stamps(path, *texts):
        out = []
        for line in path.read_text(errors="replace").splitlines():
            if all(text in line for text in texts):
                out.append(datetime.strptime(line[1:24], "%Y-%m-%d %H:%M:%S,%f").timestamp())
        return out

    sent = stamps(beat_log, "Sending due task notifications-outbox ")
    received = stamps(worker_log, "notifications.tasks.dispatch_outbox[", "] received")
    waits = []
    for t in sent:
        later = [r for r in received if r >= t]
        if later:
            waits.append(min(later) - t)
    return statistics.median(waits) if waits else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--trigger-events", type=int, default=20)
    parser.add_argument("--latency-events", type=int, default=40)
    parser.add_argument("--beat-seconds", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--pool", default="prefork", help="prefork, or threads for I/O-bound sending")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    for url in (settings.CELERY_BROKER_URL, settings.CELERY_RESULT_BACKEND):
        redis.Redis.from_url(url).flushdb()
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
            "--pool",
            args.pool,
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"bench-{os.getpid()}@%h",
            "--loglevel",
            "INFO",
        ],
        env,
    )
    beat = None
    try:
        poll_until(
            lambda: worker.log_file.exists() and " ready." in worker.log_file.read_text(errors="replace"),
            timeout=60,
            what="the worker",
        )
        load = os.getloadavg()[0]
        lines = [
            f"jobs/notifications benchmark, {datetime.now():%Y-%m-%d %H:%M}, worker concurrency "
            f"{args.concurrency} ({args.pool}) on {os.cpu_count()} cores (load average {load:.1f} at start), batching "
            f"window 0 s, quiet hours off"
        ]
        beat_started = time.time()
        beat = process(
            "beat",
            ["-s", str(ROOT / "var" / f"bench-beat-{os.getpid()}"), "--loglevel", "INFO", "--max-interval", "1"],
            env,
        )
        lat = end_to_end(sim, args.latency_events, pace=0.25)
        lines.append(
            f"latency (emit() path, one event every 0.25 s, {lat['events']} events): commit → WhatsApp API "
            f"p50 {lat['p50'] * 1000:.0f} ms, p95 {lat['p95'] * 1000:.0f} ms, max {lat['max'] * 1000:.0f} ms"
        )
        print(lines[-1], flush=True)
        trig = trigger_path(sim, args.trigger_events)
        lines.append(
            f"latency (trigger path: deal INSERT → outbox sweep every 1 s → WhatsApp API, {trig['events']} "
            f"deals): commit → provider p50 {trig['p50'] * 1000:.0f} ms, p95 {trig['p95'] * 1000:.0f} ms, "
            f"max {trig['max'] * 1000:.0f} ms"
        )
        print(lines[-1], flush=True)
        e2e = end_to_end(sim, args.events)
        lines.append(
            f"throughput (burst of {e2e['events']} events, one per buyer): all handed to the WhatsApp API "
            f"in {e2e['total_seconds']:.1f} s = {e2e['per_second']:.1f} notifications/s (emitting took "
            f"{e2e['emit_seconds']:.1f} s); commit → provider p50 {e2e['p50']:.1f} s, max {e2e['max']:.1f} s"
        )
        print(lines[-1], flush=True)
        time.sleep(max(0, args.beat_seconds - (time.time() - beat_started)))
        drift = beat_drift(beat.log_file, beat_started)
        queue_wait = sweep_queue_wait(worker.log_file, beat.log_file)
        lines.append(f"load average at the end {os.getloadavg()[0]:.1f}")
        lines.append(
            f"beat drift (1 s schedule, {drift['sends']} sends): gap mean {drift['gap_mean']:.3f} s, "
            f"p95 {drift['gap_p95']:.3f} s, max {drift['gap_max']:.3f} s; cumulative drift "
            f"{drift['cumulative_drift'] * 1000:+.0f} ms; median wait from beat's send to a worker taking it "
            f"{queue_wait * 1000:.0f} ms"
        )
        print(lines[-1], flush=True)
        RESULTS.parent.mkdir(exist_ok=True)
        with RESULTS.open("a") as out:
            out.write("\n".join(lines) + "\n\n")
    finally:
        if beat:
            beat.stop()
        worker.stop()
        sim.stop()


if __name__ == "__main__":
    main()
