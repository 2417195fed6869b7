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
    clean = {"PATH": os.environ["PATH"], "PYTHONPATH": PYTHONPATH, "DJANGO_SETTINGS_MODULE": "nzila.settings", **env}
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
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": PYTHONPATH, "NZILA_SECRETS_FILE": str(path)}
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
