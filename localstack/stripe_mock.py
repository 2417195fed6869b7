"""Stripe's official stripe-mock: a server answering from Stripe's OpenAPI spec, so a request the real
API would refuse as malformed (unknown parameter, wrong type, wrong path) is refused here too.

Built from source once with the Go toolchain (`go install`, about 30 s), into var/. Its version is
pinned to the spec of the pinned `stripe` library: STRIPE_MOCK_VERSION serves API_VERSION, the
version `stripe==15.6.2` sends, and the server runs with -strict-version-check, so upgrading one
without the other fails the contract tests instead of passing them against the wrong spec.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .paths import VAR_DIR
from .process import ManagedProcess, ServiceError, exclusive, port_is_open, wait_until
from .system import require_command

STRIPE_MOCK_VERSION = "v0.203.0"
API_VERSION = "2026-08-26.dahlia"
MODULE = "github.com/stripe/stripe-mock"
GO_DIR = VAR_DIR / "go"
BIN_DIR = VAR_DIR / "bin" / f"stripe-mock-{STRIPE_MOCK_VERSION}"


def go_command() -> str:
    """The Go toolchain: on PATH, where the official archive installs it, or Debian's package."""
    for candidate in (shutil.which("go"), "/usr/local/go/bin/go"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return require_command("go", "golang-go")


def install() -> Path:
    """The stripe-mock binary of the pinned version, built once."""
    binary = BIN_DIR / "stripe-mock"
    if binary.exists():
        return binary
    with exclusive("stripe-mock-install"):
        if binary.exists():
            return binary
        env = {**os.environ, "GOPATH": str(GO_DIR), "GOBIN": str(BIN_DIR), "GOFLAGS": "-mod=mod"}
        result = subprocess.run(
            [go_command(), "install", f"{MODULE}@{STRIPE_MOCK_VERSION}"], env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise ServiceError(f"go install {MODULE}@{STRIPE_MOCK_VERSION} failed:\n{result.stderr[-3000:]}")
    return binary


def bundled_fixtures() -> Path:
    """The fixtures the binary answers with (ids and values of every resource), as shipped."""
    install()
    return GO_DIR / "pkg" / "mod" / f"{MODULE}@{STRIPE_MOCK_VERSION}" / "embedded" / "openapi" / "fixtures3.json"


@dataclass
class StripeMock:
    port: int = 12111
    # A fixtures file of one's own (bundled_fixtures() with changes), or the bundled ones.
    fixtures: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def process(self) -> ManagedProcess:
        argv = [str(install()), "-http-addr", f"127.0.0.1:{self.port}", "-strict-version-check"]
        if self.fixtures:
            argv += ["-fixtures", str(self.fixtures)]
        return ManagedProcess(f"stripe-mock-{self.port}", argv)

    def start(self) -> None:
        proc = self.process
        if proc.running():
            return
        if port_is_open(self.port):
            raise ServiceError(f"Port {self.port} is taken by another process; stripe-mock needs it.")
        proc.log_file.unlink(missing_ok=True)
        proc.start()
        wait_until(
            lambda: port_is_open(self.port), timeout=30, what="stripe-mock", log=proc.log_file, alive=proc.running
        )

    def stop(self) -> bool:
        return self.process.stop()
