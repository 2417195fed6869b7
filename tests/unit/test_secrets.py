"""Per-installation secrets: generated once, private, and refused at start-up when built-in."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from cryptography.fernet import Fernet

from localstack import secrets_file
from localstack.paths import PYTHONPATH, ROOT


def _django(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """Import the production settings in a clean process (nothing inherited but PATH)."""
    clean = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": PYTHONPATH,
        "DJANGO_SETTINGS_MODULE": "nzila.settings",
        # Never the shared var/ sandbox of a local stack: production has none.
        "NZILA_PAYMENTS_SANDBOX_FILE": os.devnull,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_secrets_are_generated_once_private_and_usable(tmp_path):
    path = secrets_file.ensure(tmp_path / "secrets.env")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = secrets_file.read(path)
    assert set(first) == set(secrets_file.GENERATORS)
    assert len(set(first.values())) == len(first), "every secret is its own random value"
    Fernet(first["NZILA_PAYMENTS_FERNET_KEYS"])  # a valid key
    assert first["STRIPE_WEBHOOK_SECRET"].startswith("whsec_")
    assert len(first["DJANGO_SECRET_KEY"]) >= 50

    secrets_file.ensure(path)
    assert secrets_file.read(path) == first, "a re-run keeps the installation's values"
    assert secrets_file.read(secrets_file.ensure(tmp_path / "other.env")) != first


def test_a_missing_entry_is_added_and_loose_permissions_tightened(tmp_path):
    path = tmp_path / "secrets.env"
    path.write_text("DJANGO_SECRET_KEY=kept-as-it-is\n")
    path.chmod(0o644)
    secrets_file.ensure(path)
    values = secrets_file.read(path)
    assert values["DJANGO_SECRET_KEY"] == "kept-as-it-is"
    assert set(values) == set(secrets_file.GENERATORS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_start_up_refuses_every_built_in_secret_by_name(tmp_path):
    result = _django({"NZILA_SECRETS_FILE": str(tmp_path / "none.env")}, "import django; django.setup()")
    assert result.returncode != 0
    assert "Refusing to start with built-in development secrets" in result.stderr
    # The metrics token has no built-in value (empty: staff only), so it is never refused.
    for name in set(secrets_file.GENERATORS) - {"NZILA_METRICS_TOKEN"}:
        assert name in result.stderr
    assert "NZILA_METRICS_TOKEN" not in result.stderr


def test_one_built_in_secret_left_is_named_alone(tmp_path):
    path = secrets_file.ensure(tmp_path / "secrets.env")
    result = _django(
        {"NZILA_SECRETS_FILE": str(path), "STRIPE_WEBHOOK_SECRET": "whsec_local_development_only"},
        "import django; django.setup()",
    )
    assert result.returncode != 0
    assert "development secrets: STRIPE_WEBHOOK_SECRET." in result.stderr


def test_generated_secrets_start_with_debug_off(tmp_path):
    path = secrets_file.ensure(tmp_path / "secrets.env")
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.HTTPS)"
    result = _django({"NZILA_SECRETS_FILE": str(path)}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_development_mode_is_asked_for_and_allows_the_built_in_values(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = _django({"NZILA_SECRETS_FILE": str(tmp_path / "none.env"), "NZILA_DEV": "1"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


def test_check_deploy_has_no_security_warning_in_production_mode(tmp_path):
    path = secrets_file.ensure(tmp_path / "secrets.env")
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": PYTHONPATH,
        "NZILA_SECRETS_FILE": str(path),
        "NZILA_PAYMENTS_SANDBOX_FILE": os.devnull,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_secure_setting_is_read_from_the_environment(tmp_path):
    path = secrets_file.ensure(tmp_path / "secrets.env")
    env = {
        "NZILA_SECRETS_FILE": str(path),
        "NZILA_SECURE_HSTS_SECONDS": "60",
        "NZILA_SECURE_SSL_REDIRECT": "0",
        "NZILA_SESSION_COOKIE_SECURE": "0",
        "NZILA_CSRF_TRUSTED_ORIGINS": "https://a.example,https://b.example",
        "NZILA_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto:https",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "','.join(s.CSRF_TRUSTED_ORIGINS), ':'.join(s.SECURE_PROXY_SSL_HEADER))"
    )
    result = _django(env, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "60",
        "False",
        "False",
        "True",
        "https://a.example,https://b.example",
        "HTTP_X_FORWARDED_PROTO:https",
    ]


def test_production_refuses_payment_test_endpoints_and_keys_unless_test_mode_is_set(tmp_path):
    path = secrets_file.ensure(tmp_path / "secrets.env")
    test_endpoints = {
        "NZILA_SECRETS_FILE": str(path),
        "STRIPE_API_KEY": "sk_test_generated",
        "STRIPE_API_BASE": "http://127.0.0.1:8420",
        "NZILA_MPESA_BASE_URL": "http://127.0.0.1:8421",
    }
    refused = _django(test_endpoints, "import django; django.setup()")
    assert refused.returncode != 0
    assert "Refusing to start on payment test endpoints or test keys without test mode" in refused.stderr
    for reason in ("STRIPE_API_KEY is a test key", "STRIPE_API_BASE is http://127.0.0.1:8420", "NZILA_MPESA_BASE_URL"):
        assert reason in refused.stderr

    code = "import django; django.setup(); from django.conf import settings; print(settings.PAYMENTS_TEST_MODE)"
    allowed = _django({**test_endpoints, "NZILA_PAYMENTS_TEST_MODE": "1"}, code)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.split() == ["True"]


def test_production_refuses_to_charge_with_stale_rates_unless_test_mode_is_set(tmp_path):
    env = {
        "NZILA_SECRETS_FILE": str(secrets_file.ensure(tmp_path / "secrets.env")),
        "NZILA_PAYMENTS_FX_ACCEPT_STALE": "1",
    }
    refused = _django(env, "import django; django.setup()")
    assert refused.returncode != 0 and "NZILA_PAYMENTS_FX_ACCEPT_STALE charges with stale" in refused.stderr
    allowed = _django({**env, "NZILA_PAYMENTS_TEST_MODE": "1"}, "import django; django.setup()")
    assert allowed.returncode == 0, allowed.stderr


def test_the_sandbox_file_of_the_local_stack_sets_test_mode(tmp_path):
    secrets = secrets_file.ensure(tmp_path / "secrets.env")
    sandbox = tmp_path / "payments-sandbox.env"
    sandbox.write_text("NZILA_PAYMENTS_TEST_MODE=1\nSTRIPE_API_KEY=sk_test_x\nSTRIPE_API_BASE=http://127.0.0.1:8420\n")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.PAYMENTS_TEST_MODE, s.STRIPE_API_BASE)"
    )
    result = _django({"NZILA_SECRETS_FILE": str(secrets), "NZILA_PAYMENTS_SANDBOX_FILE": str(sandbox)}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "http://127.0.0.1:8420"]
