"""Settings for the test suite: the same stack, with its own database, index prefix and Redis databases.

Defaults only: a run can still point anywhere through the same environment variables, e.g.
`ELASTICSEARCH_URL=http://host:9200 bin/test`. Set before settings.py reads them, and inherited by
the Celery worker processes the tests start.
"""

import os

os.environ.setdefault("NZILA_DB_NAME", "nzila_test")
os.environ.setdefault("NZILA_TEST_DB_NAME", os.environ["NZILA_DB_NAME"])
os.environ.setdefault("NZILA_INDEX_PREFIX", "test")
_redis = f"redis://127.0.0.1:{os.environ.get('NZILA_REDIS_PORT', '6379')}"
os.environ.setdefault("CELERY_BROKER_URL", f"{_redis}/2")
os.environ.setdefault("CELERY_RESULT_BACKEND", f"{_redis}/3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nzila.test_settings")
# Tests hand the search log to Celery themselves (search_log_buffer.flush()), never from a background thread.
os.environ.setdefault("NZILA_SEARCH_LOG_FLUSH_SECONDS", "0")

# Tests compare search with Postgres right after each write: no shared answers, but in the tests of
# the sharing itself (tests/integration/test_search_sharing.py).
os.environ.setdefault("NZILA_SEARCH_ANSWER_SHARING_SECONDS", "0")
# Every test request comes from 127.0.0.1: the public per-address limit is out of the way unless a
# test lowers it to see it bite.
os.environ.setdefault("NZILA_PUBLIC_API_RATE", "1000000/minute")
# Plain HTTP on loopback (test client, live servers): no HTTPS redirect, no secure-only cookies.
os.environ.setdefault("NZILA_HTTPS", "0")
# The suite pays against localstripe and the operators' simulators (tests/support/payment_simulators):
# test mode, and never the local stack's own sandbox file (its endpoints are the stack's, not the tests').
os.environ.setdefault("NZILA_PAYMENTS_TEST_MODE", "1")
os.environ.setdefault("NZILA_PAYMENTS_SANDBOX_FILE", os.devnull)
# Photos the tests upload stay apart from the local stack's (one folder per index prefix, as several
# checkouts may share var/).
os.environ.setdefault(
    "NZILA_PHOTOS_ROOT",
    os.path.join(os.path.dirname(__file__), "..", "..", "var", f"test-media-{os.environ['NZILA_INDEX_PREFIX']}"),
)
# Static files collected under hashed names as in production (tests/support/static_files.py), into a
# folder of this checkout's own: several checkouts may share var/, and each collects its own files.
os.environ.setdefault(
    "NZILA_STATIC_ROOT",
    os.path.join(os.path.dirname(__file__), "..", "..", "var", f"test-static-{os.environ['NZILA_INDEX_PREFIX']}"),
)
# No backup repository unless a test makes one (the restore drill): the stack's under var/backups is
# never the tests' to back up.
os.environ.setdefault(
    "NZILA_BACKUP_DIR",
    os.path.join(os.path.dirname(__file__), "..", "..", "var", f"test-backups-{os.environ['NZILA_INDEX_PREFIX']}"),
)
# This checkout's generated secrets (as bin/setup makes them): never the built-in development values,
# and the same ones in the child processes the tests start and in the database role.
from localstack import secrets_file  # noqa: E402

secrets_file.ensure()

from .settings import *  # noqa: E402,F401,F403

# Fast password hashing: the tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
