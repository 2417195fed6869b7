"""Django settings for the Nzila platform.

Every setting that differs between machines is read from the environment here, and only here,
with one comment saying what it is for. Defaults describe the local stack that `bin/stack up`
starts on loopback, so a fresh checkout runs without any configuration.
"""

import os
from pathlib import Path

from celery.schedules import crontab


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


# The repository root: platform/ lives one level below it.
BASE_DIR = Path(__file__).resolve().parents[2]
# Runtime state of the local stack (database cluster, engine data, logs, pid files).
VAR_DIR = Path(env_str("NZILA_VAR_DIR", str(BASE_DIR / "var")))

# Signing key; the default is only good for a laptop.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
# Debug pages; never on in production.
DEBUG = env_bool("DJANGO_DEBUG", True)
# Host names the web server answers to.
ALLOWED_HOSTS = env_str("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    # System of record (platform/).
    "catalog",
    "buyers",
    "sales",
    # Search sync (repository root).
    "indexers",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "nzila.urls"
WSGI_APPLICATION = "nzila.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "api" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# PostgreSQL, the system of record (psycopg 3).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        # Database name; the tests use NZILA_TEST_DB_NAME instead.
        "NAME": env_str("NZILA_DB_NAME", "nzila"),
        "USER": env_str("NZILA_DB_USER", "nzila"),
        "PASSWORD": env_str("NZILA_DB_PASSWORD", "nzila"),
        "HOST": env_str("NZILA_DB_HOST", "127.0.0.1"),
        "PORT": env_int("NZILA_DB_PORT", 5432),
        # Reuse connections between requests; workers keep theirs for the task's life.
        "CONN_MAX_AGE": env_int("NZILA_DB_CONN_MAX_AGE", 60),
        "TEST": {"NAME": env_str("NZILA_TEST_DB_NAME", "nzila_test")},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
# Stored times are UTC; users' own time zones are applied when talking to them.
TIME_ZONE = env_str("NZILA_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nzila vehicle export marketplace API",
    "VERSION": "1.0.0",
}

# --- Search engine -------------------------------------------------------------------------
# Where the engine answers (Elasticsearch in production, the embedded OpenSearch node locally).
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", "http://127.0.0.1:9200")
# "opensearch" selects the one transport adapter the elasticsearch client needs against OpenSearch;
# "elasticsearch" talks to Elasticsearch unchanged.
SEARCH_ENGINE_FLAVOR = env_str("SEARCH_ENGINE_FLAVOR", "opensearch")
# Prefix of every index and alias name, so tests and several stacks can share one cluster.
SEARCH_INDEX_PREFIX = env_str("NZILA_INDEX_PREFIX", "nzila")
# Per-request timeout for search calls, in seconds; a slow engine must not hold web workers.
SEARCH_TIMEOUT_SECONDS = float(env_str("NZILA_SEARCH_TIMEOUT", "5"))

# --- Sync pipeline (indexers/) -------------------------------------------------------------
# Changes claimed per indexer batch (one _bulk request each).
INDEXER_BATCH_SIZE = env_int("NZILA_INDEXER_BATCH_SIZE", 1000)
# Batches one drain task applies before handing over to a fresh task (keeps tasks short).
INDEXER_MAX_BATCHES_PER_TASK = env_int("NZILA_INDEXER_MAX_BATCHES_PER_TASK", 50)
# Tries per change before it is parked as a dead letter.
INDEXER_MAX_ATTEMPTS = env_int("NZILA_INDEXER_MAX_ATTEMPTS", 8)
# Seconds between sweeps that drain anything a missed kick left behind.
INDEXER_SWEEP_SECONDS = float(env_str("NZILA_INDEXER_SWEEP_SECONDS", "5"))
# Statuses that stay searchable. Reserved cars are shown (buyers can queue behind a reservation);
# sold and withdrawn ones leave the index, so buyers never find a car they cannot buy.
SEARCHABLE_STATUSES = tuple(env_str("NZILA_SEARCHABLE_STATUSES", "available,reserved").split(","))

# --- Celery (Redis broker) -----------------------------------------------------------------
# Broker for task messages.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
# Where task states live (so the API can report a task's status); results expire after a day.
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/1")
CELERY_RESULT_EXPIRES = 24 * 3600
# JSON only: no pickle from the broker, ever.
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged after it ran, and re-queued if its worker died: a killed worker loses nothing.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message reserved per process, so a dying worker holds back as little as possible.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Recycle processes now and then, so a slow leak cannot grow without bound.
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000
# Default limits (25 min soft, 30 max hard); small tasks set shorter ones.
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TIMEZONE = TIME_ZONE
# Redis re-delivers an unacknowledged message after this many seconds; longer than any task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 35 * 60}
CELERY_TASK_DEFAULT_QUEUE = "default"
# Queues by priority: payments and notifications jump the line; bulk work waits.
CELERY_TASK_ROUTES = {
    "indexers.tasks.*": {"queue": "default"},
}
CELERY_BEAT_SCHEDULE = {
    "indexers-sweep": {
        "task": "indexers.tasks.sweep",
        "schedule": INDEXER_SWEEP_SECONDS,
    },
    "indexers-reconcile": {
        "task": "indexers.tasks.reconcile_index",
        "schedule": crontab(minute="*/30"),
    },
}
# Beat keeps its schedule state with the rest of the stack's runtime files.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("NZILA_LOG_LEVEL", "INFO")},
    "loggers": {
        "elastic_transport": {"level": "WARNING"},
        "elasticsearch": {"level": "WARNING"},
    },
}
