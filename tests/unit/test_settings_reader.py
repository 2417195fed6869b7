"""The environment is read typed: a value that does not parse stops start-up, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

from localstack.paths import PYTHONPATH, ROOT


def _settings(env: dict[str, str], code: str = "import nzila.settings") -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ["PATH"], "PYTHONPATH": PYTHONPATH, "NZILA_DEV": "1", **env}
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_a_value_that_does_not_parse_is_refused_by_name():
    for name, value in (("NZILA_DB_PORT", "abc"), ("NZILA_HTTPS", "maybe"), ("NZILA_SEARCH_TIMEOUT", "soon")):
        result = _settings({name: value})
        assert result.returncode != 0, name
        assert f'"{name}" invalid' in result.stderr, result.stderr[-2000:]


def test_typed_values_and_lists_are_read():
    code = (
        "from nzila import settings as s; "
        "print(s.DATABASES['default']['PORT'], s.HTTPS, s.SEARCH_TIMEOUT_SECONDS, s.ALLOWED_HOSTS)"
    )
    result = _settings(
        {
            "NZILA_DB_PORT": "5499",
            "NZILA_HTTPS": "off",
            "NZILA_SEARCH_TIMEOUT": "2.5",
            "DJANGO_ALLOWED_HOSTS": " a , ,b",
        },
        code,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "5499 False 2.5 ['a', 'b']"


def test_an_old_variable_name_is_refused_naming_the_new_one():
    result = _settings({"PAYMENTS_USER_RATE": "5/hour"})
    assert result.returncode != 0
    assert "PAYMENTS_USER_RATE is now NZILA_PAYMENTS_USER_RATE" in result.stderr, result.stderr[-2000:]


def test_a_secrets_file_from_before_the_rename_keeps_its_values(tmp_path):
    from localstack import secrets_file

    path = tmp_path / "secrets.env"
    path.write_text("PAYMENTS_FERNET_KEYS=kept-key\nWHATSAPP_VERIFY_TOKEN=kept-token\n")
    secrets_file.ensure(path)
    values = secrets_file.read(path)
    assert values["NZILA_PAYMENTS_FERNET_KEYS"] == "kept-key"
    assert values["NZILA_WHATSAPP_VERIFY_TOKEN"] == "kept-token"
    assert "PAYMENTS_FERNET_KEYS" not in values
    code = "from nzila import settings as s; print(s.PAYMENTS_FERNET_KEYS)"
    result = _settings({"NZILA_SECRETS_FILE": str(path)}, code)
    assert "kept-key" in result.stdout, result.stderr[-2000:]
