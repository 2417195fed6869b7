"""Upload-to-visible: the time from a dealer's photo upload through the API until the search API's result
card for that vehicle carries the new cover.

    .venv/bin/python bench/photo_upload_to_visible.py [--uploads 30] [--pace 1.0] [--concurrency 2]

The whole production path runs, each part a real process: gunicorn serving the API (multipart upload,
checks, original stored, row committed), a Celery worker making the variants (WebP, and AVIF when
Pillow writes it), the trigger re-stamping the vehicle, the change listener and the drain writing the
document, the engine refreshing, and the search API answering. Each upload is a fresh 1600x1067 JPEG
(a phone photo's size) for a vehicle already in search; the clock starts before the POST and stops at
the first search answer showing the cover (polled every 50 ms).

Uses its own database (nzila_bench_photos, migrated on first use), index prefix, photo folder under var/
and Redis databases 10/11, on the dev stack's Postgres, Redis and engine (bin/setup). Prints p50/p95/max;
appends them to bench/results/photo_upload_to_visible.txt.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import socket
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
ENV = {
    "DJANGO_SETTINGS_MODULE": "nzila.settings",
    "NZILA_DB_NAME": "nzila_bench_photos",
    "NZILA_INDEX_PREFIX": "benchphoto",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/10",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/11",
    "NZILA_PHOTOS_ROOT": str(ROOT / "var" / "bench-photos-media"),
    "NZILA_LOG_LEVEL": "WARNING",
    # Plain HTTP on 127.0.0.1, as the local stack serves it (no redirect to https).
    "NZILA_HTTPS": "0",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import requests  # noqa: E402
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

from _django import percentile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

from localstack.paths import PYTHONPATH  # noqa: E402
from localstack.process import ManagedProcess  # noqa: E402
from localstack.stack import celery_worker_argv  # noqa: E402
from reliability.polling import poll_until  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "photo_upload_to_visible.txt"
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process(name: str, argv: list[str]) -> ManagedProcess:
    proc = ManagedProcess(f"bench-photo-{name}-{os.getpid()}", argv, env={"PYTHONPATH": PYTHONPATH, **ENV}, cwd=ROOT)
    proc.log_file.unlink(missing_ok=True)
    proc.start()
    return proc


def photo(n: int) -> bytes:
    """A 1600x1067 JPEG with a gradient and a band (so the encoders have real work), distinct per n."""
    image = Image.linear_gradient("L").resize((1600, 1067)).convert("RGB")
    band = Image.new("RGB", (1600, 120), ((n * 37) % 256, (n * 91) % 256, (n * 53) % 256))
    image.paste(band, (0, (n * 97) % 900))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def world(tag: str, count: int, password: str):
    """A dealer with one member and `count` vehicles, all listable."""
    from django.contrib.auth import get_user_model

    from catalog.models import Currency, Dealer, Vehicle

    Currency.objects.get_or_create(
        code="USD", defaults={"name": "US dollar", "units_per_usd": 1, "rate_updated_at": timezone.now()}
    )
    dealer = Dealer.objects.create(name=f"Bench photos {tag}", country="JP", city="Yokohama")
    member = get_user_model().objects.create_user(f"bench-photo-{tag}", password=password)
    dealer.members.add(member)
    vehicles = [
        Vehicle.objects.create(
            make="Toyota",
            model="Hilux",
            year=2020,
            price=20000,
            currency_id="USD",
            dealer=dealer,
            country="JP",
            listed_at=timezone.now(),
        )
        for _ in range(count)
    ]
    return dealer, member, vehicles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--pace", type=float, default=1.0, help="seconds between one cover showing and the next upload")
    parser.add_argument("--concurrency", type=int, default=2, help="the worker's processes")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("search_rebuild", verbosity=0)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    worker = process("worker", celery_worker_argv(f"bench-photo-{os.getpid()}", concurrency=args.concurrency))
    listener = process("listener", [PYTHON, "manage.py", "search_listen"])
    web = process(
        "web",
        [PYTHON, "-m", "gunicorn", "nzila.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"],
    )
    try:
        poll_until(lambda: " ready." in worker.log_file.read_text(errors="replace"), timeout=90, what="the worker")
        poll_until(lambda: _answers(f"{base}/api/v1/health"), timeout=60, what="gunicorn")
        tag, password = secrets.token_hex(3), secrets.token_urlsafe(12)
        dealer, member, vehicles = world(tag, args.uploads, password)
        api = requests.Session()
        token = api.post(
            f"{base}/api/v1/auth/tokens",
            json={"name": "bench", "username": member.username, "password": password},
            timeout=30,
        )
        token.raise_for_status()
        api.headers["Authorization"] = f"Token {token.json()['token']}"
        search = f"{base}/api/v1/vehicles/search"
        query = {"dealer": dealer.pk, "size": 100, "sort": "newest"}
        poll_until(
            lambda: len(requests.get(search, params=query, timeout=30).json().get("results", [])) == len(vehicles),
            timeout=120,
            what="the bench's vehicles in search",
        )
        timings = []
        for n, vehicle in enumerate(vehicles):
            data = photo(n)
            start = time.perf_counter()
            answer = api.post(
                f"{base}/api/v1/dealers/{dealer.pk}/vehicles/{vehicle.pk}/photos",
                files={"photos": (f"IMG_{n:04d}.JPG", data, "image/jpeg")},
                timeout=60,
            )
            assert answer.status_code == 201, answer.text
            poll_until(lambda v=vehicle: _has_cover(search, query, v.pk), timeout=120, interval=0.05, what="the cover")
            timings.append(time.perf_counter() - start)
            time.sleep(args.pace)
        load = os.getloadavg()[0]
        lines = [
            f"photo upload → cover in search results, {datetime.now():%Y-%m-%d %H:%M}, {len(timings)} uploads of "
            f"1600x1067 JPEG one at a time, worker concurrency {args.concurrency} on {os.cpu_count()} cores "
            f"(load {load:.1f}), variants {settings.PHOTOS_VARIANT_WIDTHS} in "
            f"{'AVIF+WebP' if _avif() else 'WebP'}",
            f"  p50 {percentile(timings, 50):.2f} s, p95 {percentile(timings, 95):.2f} s, "
            f"min {min(timings):.2f} s, max {max(timings):.2f} s",
        ]
        print("\n".join(lines), flush=True)
        RESULTS.parent.mkdir(exist_ok=True)
        with RESULTS.open("a") as out:
            out.write("\n".join(lines) + "\n\n")
    finally:
        web.stop()
        listener.stop()
        worker.stop()


def _answers(url: str) -> bool:
    try:
        requests.get(url, timeout=2)
    except requests.RequestException:
        return False
    return True


def _has_cover(search: str, query: dict, vehicle_id: int) -> bool:
    results = requests.get(search, params=query, timeout=30).json().get("results", [])
    return any(r["id"] == vehicle_id and r.get("cover") for r in results)


def _avif() -> bool:
    from media.processing import variant_formats

    return "avif" in variant_formats()


if __name__ == "__main__":
    main()
