"""The environment is read typed: a value that does not parse stops start-up, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

from services.paths import PYTHONPATH, ROOT


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
