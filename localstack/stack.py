"""The whole local stack in dependency order: `up` starts what is not running, `down` stops what it started.

python -m localstack.stack up | down | status
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .engine import Engine
from .paths import LOG_DIR, PYTHONPATH, ROOT, VAR_DIR, VENV_PYTHON
from .payment_sandbox import SANDBOX_FILE, PaymentSandbox
from .postgres import Postgres
from .process import ManagedProcess, ServiceError, port_is_open, wait_until
from .redis import Redis
from .secrets_file import ensure as ensure_secrets

WEB_PORT = int(os.environ.get("NZILA_WEB_PORT", 8000))
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else sys.executable)
METRICS_DIR = VAR_DIR / "run" / "prometheus"
CHILD_ENV = {
    "PYTHONPATH": PYTHONPATH,
    "DJANGO_SETTINGS_MODULE": "nzila.settings",
    # The local stack serves plain HTTP on 127.0.0.1; a deployment behind TLS leaves this unset.
    "NZILA_HTTPS": os.environ.get("NZILA_HTTPS", "0"),
    # No mail server runs locally: mails (password resets, notifications) are written to the logs.
    "NZILA_EMAIL_BACKEND": os.environ.get("NZILA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
}


def celery_worker_argv(
    name: str, *, queues: str = "high,default,low", concurrency: int = 2, python: str = PYTHON
) -> list[str]:
    """A Celery worker of this app, named `name@host`: prefork, without gossip or mingle (workers
    coordinate through Postgres and the broker, never with each other). Shared by the stack, the
    tests and the benches."""
    return [
        *(python, "-m", "celery", "-A", "nzila", "worker", "-Q", queues, "-c", str(concurrency)),
        *("--pool", "prefork", "--without-gossip", "--without-mingle", "-n", f"{name}@%h", "--loglevel", "INFO"),
    ]


def celery_beat_argv(schedule_file: Path, *, python: str = PYTHON) -> list[str]:
    return [python, "-m", "celery", "-A", "nzila", "beat", "-s", str(schedule_file), "--loglevel", "INFO"]


def app_processes() -> list[ManagedProcess]:
    return [
        ManagedProcess("worker", celery_worker_argv("worker"), CHILD_ENV, ROOT),
        ManagedProcess("beat", celery_beat_argv(VAR_DIR / "celerybeat-schedule"), CHILD_ENV, ROOT),
        ManagedProcess("search-listener", [PYTHON, "manage.py", "search_listen"], CHILD_ENV, ROOT),
        ManagedProcess(
            "web",
            [
                PYTHON,
                "-m",
                "gunicorn",
                "nzila.wsgi",
                "--bind",
                f"127.0.0.1:{WEB_PORT}",
                "--workers",
                "2",
                "--threads",
                "8",
                "--timeout",
                "60",
                "--access-logfile",
                str(LOG_DIR / "web-access.log"),
                # Callback tokens and the WhatsApp verify token are cut out of the access log.
                "--logger-class",
                "nzila.gunicorn_logging.RedactingLogger",
            ],
            # The workers' request histograms are merged for /metrics through files here.
            {**CHILD_ENV, "PROMETHEUS_MULTIPROC_DIR": str(METRICS_DIR)},
            ROOT,
        ),
    ]


# How many of the newest demo vehicles the set-up illustrates.
DEMO_ILLUSTRATIONS = 1000


def manage(*args: str) -> None:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env={**os.environ, **CHILD_ENV})
    if result.returncode != 0:
        raise ServiceError(f"manage.py {' '.join(args)} failed (exit {result.returncode})")


def web_ready() -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{WEB_PORT}/api/v1/health", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # answering, even if something behind it is unhealthy
    except OSError:
        return False


def up(*, demo_data: bool = True) -> None:
    # Before anything starts: the database role, Django and the workers all read these.
    print(f"secrets: {ensure_secrets()}", flush=True)
    # Logs hold request lines and payment events: readable by their owner only.
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    LOG_DIR.chmod(0o700)
    for service in (Postgres(), Redis(), Engine()):
        print(f"starting {type(service).__name__.lower()} ...", flush=True)
        service.start()
    # Test mode: localstripe and the operators' simulators, and the sandbox file every process reads.
    print("starting the payment sandbox (localstripe, operator simulators) ...", flush=True)
    sandbox = PaymentSandbox(web_port=WEB_PORT)
    print(f"payment sandbox: {sandbox.start()}", flush=True)
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    # Exchange rates with their source and date (no provider is reachable here); older rows only.
    manage("load_rates_snapshot")
    if demo_data:
        manage("load_demo_data")
        # The newest demo vehicles (the first pages buyers see) get drawings, labelled as illustrations,
        # through the photo pipeline; drawing all ~27,000 would keep the set-up busy for many minutes
        # (`manage.py illustrate_vehicles` with no limit draws the rest).
        manage("illustrate_vehicles", "--limit", str(DEMO_ILLUSTRATIONS))
    # Build the index on first start (or after the engine lost it); a no-op when it exists.
    manage("search_rebuild", "--if-missing")
    # Typeahead reads its own small index, derived from the vehicle index; fill it before first use.
    manage("search_suggestions_rebuild")
    for proc in app_processes():
        if proc.name == "web" and not proc.running():
            # A fresh web server starts its metrics afresh (files of dead workers would count forever).
            shutil.rmtree(METRICS_DIR, ignore_errors=True)
            METRICS_DIR.mkdir(parents=True)
        if proc.name == "web" and not proc.running() and port_is_open(WEB_PORT):
            raise ServiceError(
                f"Port {WEB_PORT} is taken by another process; the web server needs it. "
                f"Stop that process or set NZILA_WEB_PORT to a free port."
            )
        print(f"starting {proc.name} ...", flush=True)
        proc.start()
    web = app_processes()[-1]
    wait_until(web_ready, timeout=60, what="the web server", log=web.log_file, alive=web.running)
    time.sleep(0.5)
    for proc in app_processes():
        if not proc.running():
            raise ServiceError(f"{proc.name} exited right after start; see {proc.log_file}")
    print(
        f"\nNzila is up: http://127.0.0.1:{WEB_PORT}/\n  API docs: http://127.0.0.1:{WEB_PORT}/api/docs\n"
        f"  Health:   http://127.0.0.1:{WEB_PORT}/api/v1/health\n  Logs:     {LOG_DIR}"
    )
    if demo_data:
        # One account per role; passwords are generated and printed here once (`--reset` makes new ones).
        manage("demo_accounts", "--url", f"http://127.0.0.1:{WEB_PORT}/")
    print(test_mode_help(sandbox))


def test_mode_help(sandbox: PaymentSandbox) -> str:
    from .operator_simulators import payer

    return (
        f"\nPayments run in test mode: no real money moves.\n"
        f"  Pay:      {sandbox.web_url}/accounts/payments/ (the demo buyer has open invoices)\n"
        f"  Cards:    4242 4242 4242 4242 succeeds, 4000 0000 0000 0341 is declined, "
        f"4000 0027 6000 3184 asks for 3-D Secure (chosen on the pay page)\n"
        f"  Phones:   any number of the buyer's country; ending {payer.DECLINES} the payer declines, ending "
        f"{payer.NEVER_ANSWERS} never answers, others approve after {payer.DECISION_SECONDS:g} s\n"
        f"  Staff:    {sandbox.web_url}/admin/payments/ as demo-staff: payments, ledger, exchange rates\n"
        f"  Stripe:   localstripe at {sandbox.stripe_url}, its events signed to our webhook endpoint\n"
        f"  Settings: {SANDBOX_FILE}"
    )


def down() -> None:
    for proc in reversed(app_processes()):
        if proc.stop():
            print(f"stopped {proc.name}")
    if PaymentSandbox().stop():
        print("stopped the payment sandbox")
    for service in (Engine(), Redis(), Postgres()):
        if service.stop():
            print(f"stopped {type(service).__name__.lower()}")


def status() -> int:
    services = {"postgres": Postgres().running(), "redis": Redis().running(), "engine": Engine().running()}
    services.update({proc.name: proc.running() for proc in PaymentSandbox().processes()})
    services.update({proc.name: proc.running() for proc in app_processes()})
    for name, running in services.items():
        print(f"{name:16} {'running' if running else 'stopped'}")
    return 0 if all(services.values()) else 1


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    try:
        if command == "up":
            up(demo_data="--no-demo-data" not in argv)
        elif command == "down":
            down()
        elif command == "status":
            return status()
        else:
            print("usage: python -m localstack.stack up [--no-demo-data] | down | status", file=sys.stderr)
            return 2
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
