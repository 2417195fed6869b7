"""Fixtures and factories for the jobs and notification tests: a real SMTP server on loopback, the
WhatsApp simulator, short windows and backoffs (for this process and the workers it starts), and
buyers, deals and shipments in one call."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from decimal import Decimal
from email import message_from_bytes

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth import get_user_model

from indexers import index_admin
from search.client import get_client
from search.indexes import saved_searches_alias
from tests.support.factories import ensure_currencies, make_dealer, make_vehicle
from tests.support.whatsapp_simulator import WhatsAppSimulator

_n = itertools.count(1)


class SmtpInbox:
    """aiosmtpd handler: keeps every message it was handed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.original_content),
            }
        )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m["message"] for m in self.messages if address in m["to"]]


def drop_percolator_indexes() -> None:
    """Every physical saved-search index, and a plain one of the alias's name (the layout before the
    alias), so the next registration builds the percolator afresh."""
    es = get_client()
    index_admin.drop_indexes(es, index_admin.physical_indexes(es, index_admin.SAVED_SEARCHES))
    es.indices.delete(index=saved_searches_alias(), ignore_unavailable=True)


@pytest.fixture
def clean_percolator():
    drop_percolator_indexes()
    yield
    drop_percolator_indexes()


@pytest.fixture
def smtp_server():
    import socket

    with socket.socket() as probe:  # a free loopback port (the controller cannot report one it picked)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


@pytest.fixture
def clean_broker():
    """Empty this run's broker and result databases, so no task of an earlier test runs in this one."""
    for url in (settings.CELERY_BROKER_URL, settings.CELERY_RESULT_BACKEND, settings.JOBS_REDIS_URL):
        redis.Redis.from_url(url).flushdb()
    from jobs.monitoring import scheduled_task_names

    scheduled_task_names.cache_clear()


@pytest.fixture
def fast_settings(settings, monkeypatch):
    """Short windows and backoffs, here and (through the environment) in the workers tests start."""
    values = {
        "NOTIFICATIONS_BATCH_WINDOW_SECONDS": ("NZILA_NOTIFY_BATCH_WINDOW_SECONDS", 1.0),
        "NOTIFICATIONS_SEND_BACKOFF_SECONDS": ("NZILA_NOTIFY_SEND_BACKOFF_SECONDS", 0.2),
        "JOBS_RETRY_BACKOFF_SECONDS": ("NZILA_JOBS_RETRY_BACKOFF_SECONDS", 0.2),
        "JOBS_RETRY_BACKOFF_MAX_SECONDS": ("NZILA_JOBS_RETRY_BACKOFF_MAX_SECONDS", 1.0),
    }
    for name, (env, value) in values.items():
        setattr(settings, name, value)
        monkeypatch.setenv(env, str(value))
    # Loopback mail really goes over SMTP (pytest-django would swap in the in-memory backend).
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    return settings


@pytest.fixture
def whatsapp(fast_settings, monkeypatch):
    sim = WhatsAppSimulator(token="test-token", app_secret="test-app-secret").start()
    env = {
        "NZILA_WHATSAPP_API_URL": sim.base_url,
        "NZILA_WHATSAPP_PHONE_NUMBER_ID": sim.phone_number_id,
        "NZILA_WHATSAPP_ACCESS_TOKEN": sim.token,
        "NZILA_WHATSAPP_APP_SECRET": sim.app_secret,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
        setattr(fast_settings, key.removeprefix("NZILA_"), value)  # the Django setting drops the prefix
    yield sim
    sim.stop()


@pytest.fixture
def mail_to(smtp_server, fast_settings, monkeypatch):
    monkeypatch.setenv("NZILA_EMAIL_PORT", str(smtp_server.port))
    fast_settings.EMAIL_PORT = smtp_server.port
    return smtp_server


# --- factories ----------------------------------------------------------------------------------


def make_user(**overrides):
    n = next(_n)
    fields = {"username": f"user{n}-{time.time_ns()}", "email": f"user{n}@example.test"}
    fields.update(overrides)
    return get_user_model().objects.create_user(**fields)


def make_buyer(*, phone: str = "+254712345678", time_zone: str = "Africa/Nairobi", country: str = "KE", **user):
    from buyers.models import Buyer

    account = make_user(**user)
    return Buyer.objects.create(
        user=account, full_name=f"Buyer {account.pk}", country=country, phone_e164=phone, time_zone=time_zone
    )


def make_deal(buyer=None, vehicle=None, **overrides):
    from sales.models import Deal

    ensure_currencies()
    buyer = buyer or make_buyer()
    vehicle = vehicle or make_vehicle()
    fields = {
        "buyer": buyer,
        "vehicle": vehicle,
        "agreed_price": Decimal("12000.00"),
        "currency_id": "USD",
        "stage": "negotiation",
    }
    fields.update(overrides)
    return Deal.objects.create(**fields)


def make_shipment(deal=None, **overrides):
    from sales.models import Shipment

    fields = {"deal": deal or make_deal(), "origin_port": "Yokohama", "destination_port": "Mombasa", "status": "booked"}
    fields.update(overrides)
    return Shipment.objects.create(**fields)


def quiet_all_day(user) -> None:
    """No quiet hours: delivery tests should not depend on the time of day they run at."""
    from notifications.models import NotificationPreference

    NotificationPreference.objects.update_or_create(user=user, defaults={"quiet_hours_enabled": False})


__all__ = [
    "beat_process",
    "clean_broker",
    "fast_settings",
    "mail_to",
    "make_buyer",
    "make_deal",
    "make_dealer",
    "make_shipment",
    "make_user",
    "make_vehicle",
    "quiet_all_day",
    "smtp_server",
    "whatsapp",
]


@pytest.fixture
def beat_process(tmp_path):
    """A real Celery beat process with its own schedule file, stopped at the end of the test."""
    import os
    import sys

    from localstack.process import ManagedProcess
    from tests.support.processes import start_test_process

    started: list[ManagedProcess] = []

    def start(env: dict[str, str] | None = None) -> ManagedProcess:
        proc = start_test_process(
            f"test-beat-{os.getpid()}-{len(started)}",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "nzila",
                "beat",
                "-s",
                str(tmp_path / "beat-schedule"),
                "--loglevel",
                "INFO",
                "--max-interval",
                "1",
            ],
            env,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop(timeout=20)


def last_code(address: str) -> str:
    """The code last sent to this address, read from the message log (the test stands in for the phone)."""
    import re

    from notifications.models import Message

    body = Message.objects.filter(recipient=address, body__contains="Nzila code").latest("pk").body
    return re.search(r"\b(\d{6})\b", body).group(1)
