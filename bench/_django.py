"""Django set-up for benchmark scripts: the `nzila_bench` database on the dev stack, a `bench` index prefix.

Create it once: `NZILA_DB_NAME=nzila_bench .venv/bin/python manage.py migrate`.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "platform"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nzila.settings")
os.environ.setdefault("NZILA_INDEX_PREFIX", "bench")
# Its own database, so that benchmarks neither disturb nor are disturbed by the dev data.
os.environ.setdefault("NZILA_DB_NAME", "nzila_bench")
os.environ.setdefault("NZILA_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]
