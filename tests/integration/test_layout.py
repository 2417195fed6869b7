"""`platform/` must never shadow the standard library's `platform` module, anywhere the code runs."""

import os
import subprocess
import sys

from localstack.paths import PYTHONPATH, ROOT

CHECK = "import uuid, platform; print(platform.system())"


def run(code: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, **env}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_stdlib_platform_from_the_repository_root():
    assert run(CHECK) == "Linux"


def test_stdlib_platform_inside_django():
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'nzila.settings'; django.setup(); " + CHECK
    assert run(code, PYTHONPATH=PYTHONPATH) == "Linux"


def test_stdlib_platform_inside_the_celery_app():
    # The worker and beat processes import exactly this, with exactly this path (localstack/stack.py).
    code = "from nzila.celery import app; app.loader.import_default_modules(); " + CHECK
    assert run(code, PYTHONPATH=PYTHONPATH, DJANGO_SETTINGS_MODULE="nzila.settings") == "Linux"


def test_manage_py_shell_sees_the_stdlib_module():
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "Linux"
