"""Test mode of the local stack: no real money, every payment path runnable end to end.

`up` starts localstripe (its state in var/localstripe.pickle) and the four operator simulators, tells
localstripe to deliver its events, signed with this installation's STRIPE_WEBHOOK_SECRET, to our webhook
endpoint, and writes var/payments-sandbox.env, which settings.py reads like the secrets file:
NZILA_PAYMENTS_TEST_MODE=1, the Stripe base and a generated sk_test_ key, the operators' simulator URLs
and credentials, our callback base, and NZILA_PAYMENTS_FX_ACCEPT_STALE=1 (the shipped rates snapshot is
older than the 48 h limit; its date shows wherever it converts). The generated key is kept across runs;
the URLs follow the ports of this run. Production never reads this file's values: it sets its own, and
start-up refuses test endpoints and test keys outside test mode (nzila/payment_endpoints.py).
"""

from __future__ import annotations

import os
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import secrets_file
from .operator_simulators.__main__ import SIMULATORS
from .operator_simulators.mobile import AirtelMoneySimulator, MpesaSimulator, MtnMomoSimulator, OrangeMoneySimulator
from .paths import ROOT, VAR_DIR
from .process import ManagedProcess, ServiceError, port_is_open, wait_until

SANDBOX_FILE = VAR_DIR / "payments-sandbox.env"
LOCALSTRIPE_STATE = VAR_DIR / "localstripe.pickle"
WEBHOOK_PATH = "/api/v1/payments/webhooks/stripe"
AIRTEL_CALLBACK_PATH = "/api/v1/payments/callbacks/airtel_money"


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv if venv.exists() else "python3")


@dataclass
class PaymentSandbox:
    web_port: int = field(default_factory=lambda: int(os.environ.get("NZILA_WEB_PORT", 8000)))
    stripe_port: int = field(default_factory=lambda: int(os.environ.get("NZILA_STRIPE_PORT", 8420)))
    # The first of four ports (M-Pesa, MTN MoMo, Orange Money, Airtel Money).
    simulator_port: int = field(default_factory=lambda: int(os.environ.get("NZILA_SIMULATOR_PORT", 8430)))
    # Told apart from the stack's own processes (pid files, logs) when a test runs a second sandbox.
    name_suffix: str = ""
    state_file: Path = LOCALSTRIPE_STATE

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def stripe_url(self) -> str:
        return f"http://127.0.0.1:{self.stripe_port}"

    def simulator_url(self, provider: str) -> str:
        return f"http://127.0.0.1:{self.simulator_port + SIMULATORS[provider][1]}"

    def processes(self) -> list[ManagedProcess]:
        return [
            ManagedProcess(
                f"localstripe{self.name_suffix}",
                [_python(), "-m", "localstack.localstripe_server", "--port", str(self.stripe_port)]
                + ["--state", str(self.state_file)],
                {"PYTHONPATH": str(ROOT)},
                ROOT,
            ),
            ManagedProcess(
                f"operator-simulators{self.name_suffix}",
                [_python(), "-m", "localstack.operator_simulators", "--port", str(self.simulator_port)]
                + ["--airtel-callback", self.web_url + AIRTEL_CALLBACK_PATH],
                {"PYTHONPATH": str(ROOT)},
                ROOT,
            ),
        ]

    def running(self) -> bool:
        return all(proc.running() for proc in self.processes())

    def start(self, *, webhook_secret: str | None = None) -> Path:
        """Start both processes if not running, point localstripe's webhooks at us (signed with
        `webhook_secret`, by default this installation's), and write the sandbox file."""
        self.start_processes()
        self.point_webhooks(webhook_secret)
        return self.write_env()

    def start_processes(self) -> None:
        localstripe, simulators = self.processes()
        needs = [
            (localstripe, [self.stripe_port], "NZILA_STRIPE_PORT"),
            (simulators, [self.simulator_port + i for i in range(len(SIMULATORS))], "NZILA_SIMULATOR_PORT"),
        ]
        for proc, ports, variable in needs:
            if proc.running():
                continue
            for port in ports:
                if port_is_open(port):
                    raise ServiceError(
                        f"Port {port} is taken by another process; {proc.name} needs it. "
                        f"Stop that process or set {variable}."
                    )
            proc.start()
            wait_until(
                lambda ps=ports: all(port_is_open(p) for p in ps),
                timeout=30,
                what=proc.name,
                log=proc.log_file,
                alive=proc.running,
            )

    def stop(self) -> bool:
        stopped = False
        for proc in reversed(self.processes()):
            stopped = proc.stop() or stopped
        return stopped

    def point_webhooks(self, secret: str | None = None) -> None:
        """localstripe keeps webhook endpoints in memory: registered at every start."""
        secret = secret or secrets_file.value("STRIPE_WEBHOOK_SECRET", "")
        if not secret:
            raise ServiceError("STRIPE_WEBHOOK_SECRET is not set; the secrets file should have made one.")
        data = urllib.parse.urlencode({"url": self.web_url + WEBHOOK_PATH, "secret": secret}).encode()
        with urllib.request.urlopen(f"{self.stripe_url}/_config/webhooks/nzila", data=data, timeout=10):
            pass

    def environment(self, stripe_key: str) -> dict[str, str]:
        mpesa, mtn, orange, airtel = MpesaSimulator, MtnMomoSimulator, OrangeMoneySimulator, AirtelMoneySimulator
        return {
            "NZILA_PAYMENTS_TEST_MODE": "1",
            "NZILA_PAYMENTS_FX_ACCEPT_STALE": "1",
            "STRIPE_API_BASE": self.stripe_url,
            "STRIPE_API_KEY": stripe_key,
            "NZILA_PAYMENTS_CALLBACK_BASE_URL": self.web_url,
            "NZILA_MPESA_BASE_URL": self.simulator_url("mpesa"),
            "NZILA_MPESA_CONSUMER_KEY": mpesa.consumer_key,
            "NZILA_MPESA_CONSUMER_SECRET": mpesa.consumer_secret,
            "NZILA_MPESA_SHORTCODE": mpesa.shortcode,
            "NZILA_MPESA_PASSKEY": mpesa.passkey,
            "NZILA_MTN_MOMO_BASE_URL": self.simulator_url("mtn_momo"),
            "NZILA_MTN_MOMO_SUBSCRIPTION_KEY": mtn.subscription_key,
            "NZILA_MTN_MOMO_API_USER": mtn.api_user,
            "NZILA_MTN_MOMO_API_KEY": mtn.api_key,
            "NZILA_ORANGE_MONEY_BASE_URL": self.simulator_url("orange_money"),
            "NZILA_ORANGE_MONEY_CLIENT_ID": orange.client_id,
            "NZILA_ORANGE_MONEY_CLIENT_SECRET": orange.client_secret,
            "NZILA_ORANGE_MONEY_MERCHANT_KEY": orange.merchant_key,
            "NZILA_AIRTEL_MONEY_BASE_URL": self.simulator_url("airtel_money"),
            "NZILA_AIRTEL_MONEY_CLIENT_ID": airtel.client_id,
            "NZILA_AIRTEL_MONEY_CLIENT_SECRET": airtel.client_secret,
        }

    def write_env(self, path: Path = SANDBOX_FILE) -> Path:
        """The sandbox file (0600): the Stripe test key generated once and kept, the rest rewritten."""
        key = secrets_file.read(path).get("STRIPE_API_KEY", "")
        if not key.startswith("sk_test_"):
            key = "sk_test_" + secrets.token_urlsafe(24)
        lines = [
            "# Test mode of the local stack (localstack/payment_sandbox.py): no real money moves.",
            "# Rewritten at every start of the stack; the Stripe test key is kept.",
            *(f"{name}={value}" for name, value in self.environment(key).items()),
        ]
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write("\n".join(lines) + "\n")
        os.chmod(path, 0o600)
        return path
