"""Django settings for the Nzila platform.

Every setting that differs between machines is read from the environment here, and only here,
with one comment saying what it is for. Defaults describe the local stack that `bin/setup` starts on
loopback; its secrets are generated per installation into var/secrets.env (localstack/secrets_file.py),
and outside development (NZILA_DEV=1) the built-in ones are refused at start-up.
"""

import os
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from environs import Env
from kombu import Queue

from localstack import pgbackrest, secrets_file
from localstack.env_names import RENAMED
from nzila import static_files
from nzila.payment_endpoints import payment_test_endpoints
from nzila.photo_storages import photo_storages

# The one reader of the environment: typed, and a value that does not parse (NZILA_DB_PORT=abc,
# NZILA_DEV=maybe) stops start-up with an error naming the variable instead of a default in disguise.
env = Env(expand_vars=False)


def env_str(name: str, default: str) -> str:
    return env.str(name, default)


def env_int(name: str, default: int) -> int:
    return env.int(name, default)


def env_float(name: str, default: float) -> float:
    return float(env.float(name, default))


def env_bool(name: str, default: bool) -> bool:
    return env.bool(name, default)


def env_list(name: str, default: str = "") -> list[str]:
    """Comma-separated; blanks around and between items are dropped."""
    return [item.strip() for item in env.list(name, default.split(",")) if item.strip()]


# Built-in values of the secrets below, by environment variable: good for a laptop only. With DEBUG
# off, start-up refuses every one of them that is still in use (end of this file).
DEVELOPMENT_SECRETS: dict[str, str] = {}


def dev_secret(name: str, development_value: str) -> str:
    DEVELOPMENT_SECRETS[name] = development_value
    return env_str(name, development_value)


# Ports of the local stack's services on 127.0.0.1 (bin/setup starts them there); the URLs below
# default to them, so moving a service off a taken port is one variable.
LOCAL_REDIS_PORT = env_int("NZILA_REDIS_PORT", 6379)
LOCAL_ENGINE_PORT = env_int("NZILA_ENGINE_PORT", 9200)

# The repository root: platform/ lives one level below it.
BASE_DIR = Path(__file__).resolve().parents[2]
# Runtime state of the local stack (database cluster, engine data, logs, pid files).
VAR_DIR = Path(env_str("NZILA_VAR_DIR", str(BASE_DIR / "var")))

# This installation's generated secrets (bin/setup writes them once, mode 0600); the environment wins.
secrets_file.load(Path(env_str("NZILA_SECRETS_FILE", str(VAR_DIR / "secrets.env"))))

# A variable renamed to the NZILA_ prefix and still set under its old name would be ignored: refuse it.
_old_names = sorted(name for name in RENAMED if name in os.environ)
if _old_names:
    raise ImproperlyConfigured(
        "Environment variables renamed (see docs/settings.md): "
        + ", ".join(f"{name} is now {RENAMED[name]}" for name in _old_names)
    )

# Development mode: debug pages and the built-in secrets allowed. Off unless asked for (NZILA_DEV=1).
DEBUG = env_bool("NZILA_DEV", False)
# Signing key (sessions, CSRF, password resets).
SECRET_KEY = dev_secret("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
# Host names the web server answers to.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

# --- HTTPS, cookies, browser protections (Django's SECURE_* family) --------------------------------
# The site is reached over HTTPS (TLS ends here or at a proxy). On by default outside development;
# the local stack and the tests speak plain HTTP on loopback and turn it off (NZILA_HTTPS=0).
HTTPS = env_bool("NZILA_HTTPS", not DEBUG)
# Plain-HTTP requests are redirected to HTTPS.
SECURE_SSL_REDIRECT = env_bool("NZILA_SECURE_SSL_REDIRECT", HTTPS)
# Paths served over plain HTTP even so (regexes, comma-separated), e.g. an internal health probe.
SECURE_REDIRECT_EXEMPT = env_list("NZILA_SECURE_REDIRECT_EXEMPT")
# Behind a TLS-terminating proxy: the header it sets, "Header-Name:value" (e.g. X-Forwarded-Proto:https).
_proxy_header = env_str("NZILA_SECURE_PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.split(":", 1)[0].strip().upper().replace("-", "_"), _proxy_header.split(":", 1)[1].strip())
    if ":" in _proxy_header
    else None
)
# Strict-Transport-Security max-age in seconds (0: no header); a year once HTTPS is in use.
SECURE_HSTS_SECONDS = env_int("NZILA_SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
# HSTS also covers subdomains, and the domain may be put on browsers' preload lists.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("NZILA_SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("NZILA_SECURE_HSTS_PRELOAD", HTTPS)
# X-Content-Type-Options: nosniff.
SECURE_CONTENT_TYPE_NOSNIFF = env_bool("NZILA_SECURE_CONTENT_TYPE_NOSNIFF", True)
# Referrer-Policy header.
SECURE_REFERRER_POLICY = env_str("NZILA_SECURE_REFERRER_POLICY", "same-origin")
# Cross-Origin-Opener-Policy header.
SECURE_CROSS_ORIGIN_OPENER_POLICY = env_str("NZILA_SECURE_CROSS_ORIGIN_OPENER_POLICY", "same-origin")
# Pages may not be framed (clickjacking).
X_FRAME_OPTIONS = env_str("NZILA_X_FRAME_OPTIONS", "DENY")
# Session and CSRF cookies only over HTTPS.
SESSION_COOKIE_SECURE = env_bool("NZILA_SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("NZILA_CSRF_COOKIE_SECURE", HTTPS)
# Session cookie hidden from JavaScript; SameSite of both cookies.
SESSION_COOKIE_HTTPONLY = env_bool("NZILA_SESSION_COOKIE_HTTPONLY", True)
SESSION_COOKIE_SAMESITE = env_str("NZILA_SESSION_COOKIE_SAMESITE", "Lax")
CSRF_COOKIE_SAMESITE = env_str("NZILA_CSRF_COOKIE_SAMESITE", "Lax")
# Session lifetime in seconds (two weeks, Django's default).
SESSION_COOKIE_AGE = env_int("NZILA_SESSION_COOKIE_AGE", 14 * 24 * 3600)
# Origins allowed to POST with a session (scheme + host, comma-separated), e.g. https://nzila.example.
CSRF_TRUSTED_ORIGINS = env_list("NZILA_CSRF_TRUSTED_ORIGINS")

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
    # Swagger UI and Redoc served by the app, so the API docs work with no internet.
    "drf_spectacular_sidecar",
    # API tokens (hashed at rest; one per client, revocable) and brute-force protection of sign-in.
    "knox",
    "axes",
    # System of record (platform/).
    "catalog",
    "buyers",
    # Ports, freight, insurance, import taxes and rules: the reference data of delivered prices.
    "delivery",
    "sales",
    "payments",
    # Background jobs (retries, dead letters, schedules) and what they tell people.
    "jobs",
    # Base backups of Postgres on a schedule, and the age of the last good one (pgBackRest).
    "backups",
    "notifications",
    # Buyers' questions to dealers (threads, blocks, referrals): they become leads.
    "inquiries",
    # Search sync (repository root).
    "indexers",
    "api",
    # What buyers search for and open (search log), and the typeahead data learned from it.
    "insights",
    # Learned lead scores (model registry, serving, drift, A/B) and measured recommendations.
    "scoring",
    # Market value and deal ratings learned from the published listings (registry, serving, drift).
    "pricing",
    "recommendations",
    # People: roles, API tokens, the sign-in audit (platform/accounts; its pages are in web/accounts).
    "accounts",
    # Vehicle photos: upload checks, variants, storage (platform/media).
    "media",
    # The Content-Security-Policy header (django-csp).
    "csp",
    # Web pages (web/): the shared shell and buyers' pages, the dealers' console, the analysts' dashboard,
    # the account pages.
    "web",
    "web.dealers",
    "web.analytics",
    "web.accounts",
]

MIDDLEWARE = [
    # First, so the latency it records for /metrics covers every other layer.
    "api.request_metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages, JSON, CSS and JS gzipped for clients that accept it (photos as they are): nzila/compression.py.
    # On slow mobile data the search page's HTML goes from ~30 KB to ~6 KB. BREACH: the CSRF token is
    # masked afresh in every response and Django pads each gzip stream with random bytes.
    "nzila.compression.TextGZipMiddleware",
    # Static files (the pages' CSS, JS and vendored libraries) served by the app itself, compressed,
    # under hashed names cached for a year (nzila/static_files.py).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages themselves are asked for afresh on every visit (nzila/page_caching.py).
    "nzila.page_caching.pages_not_cached",
    # Content-Security-Policy and Permissions-Policy on every answer (CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Typeahead keystrokes answered here, before the layers they do not use (api/keystrokes.py).
    "api.keystrokes.KeystrokeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The visitor's language: the language cookie, then Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A broker's referral link (?ref=) remembered in the session (web/referrals.py).
    "web.referrals.ReferralMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A browser that just signed someone in gets its device cookie (accounts/signin_guard.py).
    "accounts.lockout.device_cookie_middleware",
    # Turns a refused sign-in (django-axes, the sign-in guard) into a 429 with Retry-After; keep it last.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context.shell",
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
        # Role and password the web and the workers connect as.
        "USER": env_str("NZILA_DB_USER", "nzila"),
        "PASSWORD": dev_secret("NZILA_DB_PASSWORD", "nzila"),
        # Server address; the local stack's PostgreSQL listens on loopback.
        "HOST": env_str("NZILA_DB_HOST", "127.0.0.1"),
        "PORT": env_int("NZILA_DB_PORT", 5432),
        # Reuse connections between requests; workers keep theirs for the task's life.
        "CONN_MAX_AGE": env_int("NZILA_DB_CONN_MAX_AGE", 60),
        # The database the test runner creates and drops.
        "TEST": {"NAME": env_str("NZILA_TEST_DB_NAME", "nzila_test")},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
# The pages' languages; translations under locale/ (compiled by bin/setup).
LANGUAGES = [("en", "English"), ("fr", "Français")]
# search/ is no Django app: the French of its field registry (labels, values) is named here.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "search" / "locale"]
# Stored times are UTC; users' own time zones are applied when talking to them.
TIME_ZONE = env_str("NZILA_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes the hashed files and their manifest (the set-up and the tests run it).
STATIC_ROOT = Path(env_str("NZILA_STATIC_ROOT", str(VAR_DIR / "static")))
# Front-end libraries copied from node_modules at set-up (web/vendor.py), served under static/vendor/.
STATICFILES_DIRS = [("vendor", BASE_DIR / "var" / "vendor")]
# Hashed names are cached by browsers for a year (nzila/static_files.py); whitenoise serves the
# collected files only, so a page never names a file the server cannot send.
WHITENOISE_ADD_HEADERS_FUNCTION = static_files.cache_hashed_files_for_a_year
# Currencies a buyer can show prices in.
DISPLAY_CURRENCIES = ["USD", "EUR", "XOF", "XAF", "NGN", "KES", "GHS", "ZAR", "CAD", "GBP"]
# Pages that need an account send visitors here.
LOGIN_URL = "/accounts/login/"

# --- Accounts (platform/accounts/) ---------------------------------------------------------
# The sign-in guard (address slow-down, account lock) and django-axes (the (account, address) lock) refuse
# before any password check (accounts/signin_guard.py).
AUTHENTICATION_BACKENDS = [
    "accounts.signin_guard.SignInGuardBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins (form, admin, API password exchange) of one account from one address before that
# pair is locked; the owner elsewhere, and everyone else there, are not.
AXES_FAILURE_LIMIT = env_int("NZILA_SIGNIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Hours a lock lasts (failures older than that are forgotten); also the window of the guard's counts.
AXES_COOLOFF_TIME = env_float("NZILA_SIGNIN_LOCKOUT_HOURS", 0.25)
# A refused attempt is not a failure: it neither extends the lock nor counts.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A browser that signed in to the account before (its device cookie) is not counted or locked.
AXES_WHITELIST_CALLABLE = "accounts.signin_guard.trusted_device"
# 429 with Retry-After; the API's JSON error shape under /api/.
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Failures from one address (any accounts) before each further attempt waits 2, 4, 8 ... seconds.
SIGNIN_ADDRESS_FREE_FAILURES = env_int("NZILA_SIGNIN_ADDRESS_FREE_FAILURES", 10)
# The longest an address waits between attempts once slowed down.
SIGNIN_ADDRESS_MAX_DELAY_SECONDS = env_int("NZILA_SIGNIN_ADDRESS_MAX_DELAY_SECONDS", 60)
# Failures of one account from any addresses (a botnet) before it is locked for every browser that has
# not signed in to it before; the owner can also ask for a one-time sign-in link.
SIGNIN_ACCOUNT_FAILURE_LIMIT = env_int("NZILA_SIGNIN_ACCOUNT_FAILURE_LIMIT", 50)
# Days a browser's device cookie (the accounts that signed in on it) is honoured.
SIGNIN_DEVICE_DAYS = env_int("NZILA_SIGNIN_DEVICE_DAYS", 180)
# Minutes an e-mailed one-time sign-in link (or registration link) works.
SIGNIN_LINK_MINUTES = env_int("NZILA_SIGNIN_LINK_MINUTES", 30)
# Registration and sign-in link requests per client address and hour.
SIGNUP_RATE = env_str("NZILA_SIGNUP_RATE", "10/hour")
# A successful sign-in clears that (account, address) pair's failures only: the counts are per pair,
# so an attacker signing in to an account of their own resets nothing of anyone else's.
AXES_RESET_ON_SUCCESS = True
# The sign-in forms name the field "username"; the API's password exchange too.
AXES_USERNAME_FORM_FIELD = "username"
# The audit of sign-ins is ours (accounts.SignInEvent); axes keeps only its failure counters.
AXES_DISABLE_ACCESS_LOG = True
# The client's address is the socket's (REMOTE_ADDR), so a client cannot pick one to dodge the lock.
# API tokens: knox's token, extended with a name and the roles it may use.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# Knox's own migrations create its default token table even when the model is swapped out; without
# them no such table is made (its only model is swapped), so nothing holds a foreign key to auth_user
# that Django does not know about.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    # Days an API token lasts; its holder makes a new one before then.
    "TOKEN_TTL": timedelta(days=env_int("NZILA_API_TOKEN_DAYS", 90)),
    # Tokens start with this, so a leaked one is recognisable (e.g. by secret scanners).
    "TOKEN_PREFIX": "nzila_",
    "AUTH_HEADER_PREFIX": "Token",
}
# Password reset links stay valid this many seconds.
PASSWORD_RESET_TIMEOUT = env_int("NZILA_PASSWORD_RESET_SECONDS", 3 * 24 * 3600)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so a request without credentials gets 401 with `WWW-Authenticate: Token`. No Basic
        # auth: it re-hashed a password on every request; clients exchange a password for a token once.
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # JSON bodies must be objects, with no NUL or lone surrogate anywhere (api/parsers.py): a 400
    # naming the field, not a 500 from a view or from rendering an error message that echoes one.
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JsonObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    # Proxies in front of the app that append to X-Forwarded-For. 0: the client is REMOTE_ADDR, so a
    # client cannot pick its own address (and dodge a per-address limit) by sending the header.
    "NUM_PROXIES": env_int("NZILA_NUM_PROXIES", 0),
}
# Requests one client address may make to public search, typeahead and the card list (N/second,
# minute, hour): far above what a person typing produces, low enough to stop a scraper. 429 past it.
PUBLIC_API_RATE = env_str("NZILA_PUBLIC_API_RATE", "1200/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Nzila vehicle export marketplace API",
    "VERSION": "1.0.0",
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The error envelope and every operation's 400/401/403/404/429/503, documented in one place.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.errors.document_errors"],
}

# --- Search engine -------------------------------------------------------------------------
# Where the engine answers (Elasticsearch in production, the embedded OpenSearch node locally); several
# nodes of one cluster are comma-separated, and a request that cannot reach one goes to the next.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", f"http://127.0.0.1:{LOCAL_ENGINE_PORT}")
# "opensearch" selects the one transport adapter the elasticsearch client needs against OpenSearch;
# "elasticsearch" talks to Elasticsearch unchanged.
SEARCH_ENGINE_FLAVOR = env_str("SEARCH_ENGINE_FLAVOR", "opensearch")
# Primary shards and replicas of each vehicle index (a rebuild applies a change). Replicas need
# more than one node: 1 on a cluster keeps every shard searchable when a node is lost.
SEARCH_INDEX_SHARDS = env_int("NZILA_SEARCH_INDEX_SHARDS", 1)
SEARCH_INDEX_REPLICAS = env_int("NZILA_SEARCH_INDEX_REPLICAS", 0)
# How often the engine makes new writes searchable: most of the commit-to-searchable lag (half of
# it on average). Shorter means fresher results and more refreshes, each of which empties the
# engine's request cache (docs/search.md: 1s vs 500ms measured). Applied by the next rebuild.
SEARCH_INDEX_REFRESH_INTERVAL = env_str("NZILA_SEARCH_REFRESH_INTERVAL", "1s")
# Seconds an answer of the engine is shared by identical search and typeahead requests (0: never),
# in each web process; buyers asking for the same page meanwhile wait for the one request on its
# way. Results may be this much older than the engine's last refresh (search/sharing.py).
SEARCH_ANSWER_SHARING_SECONDS = env_float("NZILA_SEARCH_ANSWER_SHARING_SECONDS", 1.0)
# Prefix of every index and alias name, so tests and several stacks can share one cluster.
SEARCH_INDEX_PREFIX = env_str("NZILA_INDEX_PREFIX", "nzila")
# Per-request timeout for search calls, in seconds; a slow engine must not hold web workers.
SEARCH_TIMEOUT_SECONDS = env_float("NZILA_SEARCH_TIMEOUT", 5)
# A buyer's browse counts its facets on a sample of about this many documents (in the page's own
# round trip), and facet groups matching more than this many keep the sampled counts (flagged in the
# response's `exhaustive`); narrower groups, and any index no larger than this, are counted exactly.
# 0: always exact (docs/search.md, benchmark at 1M vehicles).
SEARCH_EXACT_FACETS_UP_TO = env_int("NZILA_SEARCH_EXACT_FACETS_UP_TO", 100_000)
# Seconds between hand-offs of buffered search-log lines to Celery; 0 keeps them until flushed by hand.
SEARCH_LOG_FLUSH_SECONDS = env_float("NZILA_SEARCH_LOG_FLUSH_SECONDS", 1)
# Seconds between rebuilds of the typeahead index (make/model counts, popular queries).
SEARCH_SUGGESTIONS_REFRESH_SECONDS = env_float("NZILA_SEARCH_SUGGESTIONS_REFRESH_SECONDS", 300)

# --- Sync pipeline (indexers/) -------------------------------------------------------------
# Changes claimed per indexer batch (one _bulk request each).
INDEXER_BATCH_SIZE = env_int("NZILA_INDEXER_BATCH_SIZE", 1000)
# Batches one drain task applies before handing over to a fresh task (keeps tasks short).
INDEXER_MAX_BATCHES_PER_TASK = env_int("NZILA_INDEXER_MAX_BATCHES_PER_TASK", 50)
# Timeout of the indexers' engine requests (bulk, refresh, scans), in seconds; longer than a search's.
INDEXER_REQUEST_TIMEOUT_SECONDS = env_float("NZILA_INDEXER_REQUEST_TIMEOUT", 60)
# Tries per change before it is parked as a dead letter.
INDEXER_MAX_ATTEMPTS = env_int("NZILA_INDEXER_MAX_ATTEMPTS", 8)
# Seconds between sweeps that drain anything a missed kick left behind.
INDEXER_SWEEP_SECONDS = env_float("NZILA_INDEXER_SWEEP_SECONDS", 5)
# Seconds a ready change may wait for a Celery worker before the change listener applies it itself
# (Redis down, or a worker that stopped consuming): well above a healthy lag, so it stays a last resort.
INDEXER_STALL_SECONDS = env_float("NZILA_INDEXER_STALL_SECONDS", 30)
# Statuses that stay searchable. Reserved cars are shown (buyers can queue behind a reservation);
# sold and withdrawn ones leave the index, so buyers never find a car they cannot buy.
SEARCHABLE_STATUSES = tuple(env_str("NZILA_SEARCHABLE_STATUSES", "available,reserved").split(","))

# --- Cache (Redis) -------------------------------------------------------------------------
# Shared cache on the stack's Redis, in its own database number: API throttles (payment rate limits)
# and short-lived abuse counters live here, so every web process sees the same counts.
CACHES = {
    "default": {
        # Django's Redis cache, answered from the process's own memory while Redis is away (nzila/cache.py).
        "BACKEND": "nzila.cache.ResilientRedisCache",
        # Redis URL of the cache (its own database number on the stack's Redis).
        "LOCATION": env_str("NZILA_CACHE_URL", f"redis://127.0.0.1:{LOCAL_REDIS_PORT}/12"),
        # Key prefix, so several stacks (or test runs) can share one Redis database.
        "KEY_PREFIX": env_str("NZILA_CACHE_PREFIX", "nzila"),
        # An unreachable Redis costs a request a moment, not TCP's minutes of retries.
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 1.0},
    }
}

# --- Payments (platform/payments/) ---------------------------------------------------------
# A payment sandbox file (KEY=VALUE lines: test mode, a local Stripe endpoint and its test key, the
# operators' simulators), read if present like the secrets file; the environment wins. The local stack
# writes it at every start (localstack/payment_sandbox.py).
secrets_file.load(Path(env_str("NZILA_PAYMENTS_SANDBOX_FILE", str(VAR_DIR / "payments-sandbox.env"))))
# Test mode: no real money. Payment pages say so on a banner, offer Stripe's test cards and the
# simulators' test numbers; stale exchange rates are accepted for mobile money (their date still
# shows). Off: start-up refuses test endpoints and test keys (nzila/payment_endpoints.py).
PAYMENTS_TEST_MODE = env_bool("NZILA_PAYMENTS_TEST_MODE", False)
# Stripe secret key (sk_live_... in production; the local stack generates an sk_test_ one for its
# test endpoint). A test key outside test mode stops start-up.
STRIPE_API_KEY = env_str("STRIPE_API_KEY", "")
# Stripe API base URL; the local stack's test mode points it at its localstripe, the tests at theirs.
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com")
# Signing secret of our webhook endpoint (whsec_...): unsigned or badly signed events are refused.
STRIPE_WEBHOOK_SECRET = dev_secret("STRIPE_WEBHOOK_SECRET", "whsec_local_development_only")
# Oldest signature timestamp accepted, in seconds: older deliveries are refused as replays.
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env_int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300)
# Clock skew allowed the other way, in seconds: a signature dated further ahead is refused.
STRIPE_WEBHOOK_FUTURE_SKEW_SECONDS = env_int("STRIPE_WEBHOOK_FUTURE_SKEW_SECONDS", 60)
# Timeout of one Stripe HTTP call, in seconds.
STRIPE_TIMEOUT_SECONDS = env_float("STRIPE_TIMEOUT_SECONDS", 20)
# Fernet keys (comma-separated, newest first) that encrypt provider customer ids at rest; older keys
# still decrypt, so keys can be rotated.
PAYMENTS_FERNET_KEYS = dev_secret("NZILA_PAYMENTS_FERNET_KEYS", "bnppbGEtZGV2LW9ubHkta2V5LW5vdC1mb3ItcHJvZCE=")
# Key of the unguessable token in mobile-money callback URLs (operators sign nothing themselves).
PAYMENTS_CALLBACK_SECRET = dev_secret("NZILA_PAYMENTS_CALLBACK_SECRET", "dev-callback-secret")
# Tries of one provider call on a transient error (network, 429, 5xx); card errors are never retried.
PAYMENTS_RETRY_MAX_TRIES = env_int("NZILA_PAYMENTS_RETRY_MAX_TRIES", 3)
# First backoff delay in seconds; it doubles on each retry.
PAYMENTS_RETRY_BASE_SECONDS = env_float("NZILA_PAYMENTS_RETRY_BASE_SECONDS", 0.5)
# Upper bound of one backoff delay, in seconds.
PAYMENTS_RETRY_CAP_SECONDS = env_float("NZILA_PAYMENTS_RETRY_CAP_SECONDS", 30)
# Payment attempts that reached a provider one signed-in buyer may make (DRF throttle rate).
PAYMENTS_USER_RATE = env_str("NZILA_PAYMENTS_USER_RATE", "50/hour")
# Payment attempts that reached a provider one staff member may make (DRF throttle rate).
PAYMENTS_STAFF_RATE = env_str("NZILA_PAYMENTS_STAFF_RATE", "1000/hour")
# Failed payments from one IP address or one card fingerprint before it is blocked.
PAYMENTS_FAILURE_BLOCK_THRESHOLD = env_int("NZILA_PAYMENTS_FAILURE_BLOCK_THRESHOLD", 5)
# Window in which those failures are counted, in seconds.
PAYMENTS_FAILURE_WINDOW_SECONDS = env_int("NZILA_PAYMENTS_FAILURE_WINDOW_SECONDS", 3600)
# How long a blocked IP address or card stays blocked, in seconds.
PAYMENTS_BLOCK_SECONDS = env_int("NZILA_PAYMENTS_BLOCK_SECONDS", 3600)
# A payment open this long (seconds) without news is asked about by the reconciler.
PAYMENTS_PENDING_AFTER_SECONDS = env_int("NZILA_PAYMENTS_PENDING_AFTER_SECONDS", 120)
# Payments asked about per reconciliation batch.
PAYMENTS_RECONCILE_BATCH_SIZE = env_int("NZILA_PAYMENTS_RECONCILE_BATCH_SIZE", 100)
# Public base URL that mobile-money operators call back (our /api/v1/payments/callbacks/...).
PAYMENTS_CALLBACK_BASE_URL = env_str("NZILA_PAYMENTS_CALLBACK_BASE_URL", "http://127.0.0.1:8000")
# Exchange-rate source: JSON with a USD base and a "rates" object (open.er-api.com's shape).
PAYMENTS_FX_URL = env_str("NZILA_PAYMENTS_FX_URL", "https://open.er-api.com/v6/latest/USD")
# Timeout of one exchange-rate request, in seconds.
PAYMENTS_FX_TIMEOUT_SECONDS = env_float("NZILA_PAYMENTS_FX_TIMEOUT_SECONDS", 10)
# Rates older than this (hours) raise a staff alert and are refused for mobile-money conversion.
PAYMENTS_FX_MAX_AGE_HOURS = env_int("NZILA_PAYMENTS_FX_MAX_AGE_HOURS", 48)
# Test mode only: convert with rates older than the limit above instead of pausing mobile money (the
# rate's date is recorded and shown all the same). Refused at start-up outside test mode.
PAYMENTS_FX_ACCEPT_STALE = env_bool("NZILA_PAYMENTS_FX_ACCEPT_STALE", False)
# Failure rate above which staff are alerted, over the window below.
PAYMENTS_FAILURE_ALERT_RATE = env_float("NZILA_PAYMENTS_FAILURE_ALERT_RATE", 0.05)
# Window of that failure rate, in minutes.
PAYMENTS_FAILURE_ALERT_WINDOW_MINUTES = env_int("NZILA_PAYMENTS_FAILURE_ALERT_WINDOW_MINUTES", 60)
# Finished payments needed in the window before the rate means anything.
PAYMENTS_FAILURE_ALERT_MIN_PAYMENTS = env_int("NZILA_PAYMENTS_FAILURE_ALERT_MIN_PAYMENTS", 20)
# Hours between two reminders of one overdue invoice.
PAYMENTS_REMINDER_INTERVAL_HOURS = env_int("NZILA_PAYMENTS_REMINDER_INTERVAL_HOURS", 24)
# Where staff alerts are mailed (empty: recorded and logged only).
PAYMENTS_STAFF_EMAIL = env_str("NZILA_PAYMENTS_STAFF_EMAIL", "")
# Timeout of one mobile-money operator call, in seconds.
MOBILE_MONEY_TIMEOUT_SECONDS = env_float("NZILA_MOBILE_MONEY_TIMEOUT_SECONDS", 15)
# M-Pesa Daraja: base URL, app key and secret, paybill short code and its STK passkey.
MPESA_BASE_URL = env_str("NZILA_MPESA_BASE_URL", "https://api.safaricom.co.ke")
MPESA_CONSUMER_KEY = env_str("NZILA_MPESA_CONSUMER_KEY", "")
MPESA_CONSUMER_SECRET = env_str("NZILA_MPESA_CONSUMER_SECRET", "")
MPESA_SHORTCODE = env_str("NZILA_MPESA_SHORTCODE", "174379")
MPESA_PASSKEY = env_str("NZILA_MPESA_PASSKEY", "")
# MTN MoMo collections: base URL, subscription key, API user and key, target environment.
MTN_MOMO_BASE_URL = env_str("NZILA_MTN_MOMO_BASE_URL", "https://proxy.momoapi.mtn.com")
MTN_MOMO_SUBSCRIPTION_KEY = env_str("NZILA_MTN_MOMO_SUBSCRIPTION_KEY", "")
MTN_MOMO_API_USER = env_str("NZILA_MTN_MOMO_API_USER", "")
MTN_MOMO_API_KEY = env_str("NZILA_MTN_MOMO_API_KEY", "")
MTN_MOMO_TARGET_ENVIRONMENT = env_str("NZILA_MTN_MOMO_TARGET_ENVIRONMENT", "sandbox")
# Orange Money web payment: base URL, OAuth client id and secret, merchant key.
ORANGE_MONEY_BASE_URL = env_str("NZILA_ORANGE_MONEY_BASE_URL", "https://api.orange.com")
ORANGE_MONEY_CLIENT_ID = env_str("NZILA_ORANGE_MONEY_CLIENT_ID", "")
ORANGE_MONEY_CLIENT_SECRET = env_str("NZILA_ORANGE_MONEY_CLIENT_SECRET", "")
ORANGE_MONEY_MERCHANT_KEY = env_str("NZILA_ORANGE_MONEY_MERCHANT_KEY", "")
# Airtel Money collections: base URL, OAuth client id and secret.
AIRTEL_MONEY_BASE_URL = env_str("NZILA_AIRTEL_MONEY_BASE_URL", "https://openapi.airtel.africa")
AIRTEL_MONEY_CLIENT_ID = env_str("NZILA_AIRTEL_MONEY_CLIENT_ID", "")
AIRTEL_MONEY_CLIENT_SECRET = env_str("NZILA_AIRTEL_MONEY_CLIENT_SECRET", "")

# --- Celery (Redis broker) -----------------------------------------------------------------
# Broker for task messages.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"redis://127.0.0.1:{LOCAL_REDIS_PORT}/0")
# Where task states live (so the API can report a task's status); results expire after a day.
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", f"redis://127.0.0.1:{LOCAL_REDIS_PORT}/1")
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
# Redis re-delivers an unacknowledged message (its worker died) after this many seconds; it must be
# longer than any task runs, or a slow task would run twice. Tests shorten it to see a redelivery.
# Consumers look for such abandoned messages every interval × throttle seconds (kombu's defaults: 10 × 10).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Seconds before an unacknowledged message is delivered again (see above).
    "visibility_timeout": env_int("NZILA_BROKER_VISIBILITY_TIMEOUT", 35 * 60),
    "unacked_restore_interval": env_int("NZILA_BROKER_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("NZILA_BROKER_RESTORE_THROTTLE", 10),
}
# Queues by priority, declared here so no worker invents one: "high" (payments, notifications) jumps
# the line, "default" is everything else, "low" is bulk work and reports. Run at least one worker
# that consumes "high" alone, so a burst of bulk work can never delay a payment or a message.
CELERY_TASK_QUEUES = (
    Queue("high", routing_key="high"),
    Queue("default", routing_key="default"),
    Queue("low", routing_key="low"),
)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_CREATE_MISSING_QUEUES = False
# Routes by task name; exact names win over patterns.
CELERY_TASK_ROUTES = {
    "indexers.tasks.*": {"queue": "default"},
    "insights.tasks.*": {"queue": "low"},
    # A new lead's score should not wait behind bulk work; training and reports can.
    "scoring.tasks.score_leads": {"queue": "default"},
    "scoring.tasks.score_unscored_leads": {"queue": "default"},
    "scoring.tasks.*": {"queue": "low"},
    "recommendations.tasks.*": {"queue": "low"},
    "payments.tasks.*": {"queue": "high"},
    "notifications.tasks.match_saved_searches": {"queue": "low"},
    "notifications.tasks.*": {"queue": "high"},
    "catalog.tasks.*": {"queue": "low"},
    # A dealer waits for their photos' variants: ahead of the bulk work, behind payments.
    "media.tasks.*": {"queue": "default"},
    # Deadlines and refunds of buyers' deposits: money, so beside payments.
    "sales.tasks.sweep_reservations": {"queue": "high"},
    "sales.tasks.send_commission_statements": {"queue": "low"},
    "sales.tasks.accrue_broker_commissions": {"queue": "low"},
    "sales.tasks.*": {"queue": "default"},
    "jobs.tasks.clean_up_audit_log": {"queue": "low"},
    "jobs.tasks.*": {"queue": "default"},
    "backups.tasks.*": {"queue": "low"},
}
# Task states (STARTED too) for the task status API.
CELERY_TASK_TRACK_STARTED = True
# Sweeps that run every few seconds expire rather than pile up while no worker is there.
_SWEEP_OPTIONS = {"expires": 60}
CELERY_BEAT_SCHEDULE = {
    "indexers-sweep": {
        "task": "indexers.tasks.sweep",
        "schedule": INDEXER_SWEEP_SECONDS,
    },
    "indexers-reconcile": {
        "task": "indexers.tasks.reconcile_index",
        "schedule": crontab(minute="*/30"),
    },
    # Typeahead's makes, models and popular queries, recounted from the index and the search log.
    "insights-refresh-suggestions": {
        "task": "insights.tasks.refresh_suggestions",
        "schedule": SEARCH_SUGGESTIONS_REFRESH_SECONDS,
    },
    # Ask the providers about payments stuck pending and apply what they say.
    "payments-reconcile": {"task": "payments.tasks.process_pending_payments", "schedule": crontab(minute="*/10")},
    # Overdue invoices get a reminder once a day.
    "payments-reminders": {"task": "payments.tasks.send_payment_reminders", "schedule": crontab(hour=10, minute=0)},
    # Exchange rates from the configured provider, daily at 00:30 (a rate change re-indexes the
    # vehicles priced in that currency, so once a day, at night).
    "payments-fx-refresh": {"task": "payments.tasks.refresh_exchange_rates", "schedule": crontab(hour=0, minute=30)},
    # Stale rates and a high failure rate raise staff alerts.
    "payments-health": {"task": "payments.tasks.check_payment_health", "schedule": crontab(minute="*/15")},
    # Reservations past their deadlines lapse or expire, and deposits owed back are refunded (retried).
    "reservation-sweep": {"task": "sales.tasks.sweep_reservations", "schedule": 60.0, "options": _SWEEP_OPTIONS},
    # Deals with no progress for JOBS_STALLED_DEAL_DAYS: one follow-up per stall to buyer and dealer.
    "stalled-deals": {"task": "sales.tasks.find_stalled_deals", "schedule": crontab(hour=9, minute=0)},
    # Shipments past their ETA and not delivered: the buyer hears once per missed ETA.
    "delayed-shipments": {"task": "sales.tasks.find_delayed_shipments", "schedule": crontab(hour=11, minute=0)},
    # Status changes are pushed from the outbox as they happen; this sweep tells whatever was missed.
    "shipment-updates-sweep": {
        "task": "sales.tasks.sweep_shipment_updates",
        "schedule": crontab(hour="*/6", minute=15),
    },
    # Vehicles changed since the last run: price history, price drops, watched target prices.
    "vehicle-price-changes": {"task": "catalog.tasks.check_price_changes", "schedule": crontab(minute=20)},
    # Delivered prices follow rates that come into force, and ages on 1 January (no row changes then).
    "delivered-price-restamp": {
        "task": "catalog.tasks.restamp_delivered_prices",
        "schedule": crontab(minute=5, hour=0),
    },
    # New or changed vehicles percolated against the saved searches.
    "saved-search-alerts": {
        "task": "notifications.tasks.match_saved_searches",
        # Seconds between two percolation runs of the saved searches.
        "schedule": env_int("NZILA_SAVED_SEARCH_ALERT_SECONDS", 300),
        "options": _SWEEP_OPTIONS,
    },
    # Brokers' commissions: paid deals accrue and refunds reverse within minutes (sales.commissions).
    "broker-commission-accrual": {
        "task": "sales.tasks.accrue_broker_commissions",
        "schedule": crontab(minute="*/10"),
    },
    # Dealers get their pending commissions, and brokers their statements, every Monday morning.
    "pending-commissions": {
        "task": "sales.tasks.send_commission_statements",
        "schedule": crontab(day_of_week="mon", hour=10, minute=0),
    },
    # Old audit and bookkeeping rows go, in batches, once a month.
    "audit-log-cleanup": {
        "task": "jobs.tasks.clean_up_audit_log",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
    # Domain events left in the outbox (written by triggers, or a missed kick) become notifications.
    "notifications-outbox": {
        "task": "notifications.tasks.dispatch_outbox",
        # Seconds between two sweeps of the notifications outbox.
        "schedule": env_float("NZILA_OUTBOX_SWEEP_SECONDS", 5),
        "options": _SWEEP_OPTIONS,
    },
    # WhatsApp and e-mail notifications whose batching window or quiet hours are over.
    # The system of record's base backup, when one is due (BACKUP_EVERY_HOURS, BACKUP_FULL_EVERY_DAYS).
    "backups-base-backup": {
        "task": "backups.tasks.take_base_backup",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 540},
    },
    "notifications-delivery": {
        "task": "notifications.tasks.deliver_due",
        # Seconds between two sweeps for due WhatsApp and e-mail notifications.
        "schedule": env_float("NZILA_DELIVERY_SWEEP_SECONDS", 15),
        "options": _SWEEP_OPTIONS,
    },
    # Messages whose send task never reached the broker, and saved searches whose sync did not.
    "notifications-queued-messages": {
        "task": "notifications.tasks.sweep_queued_messages",
        "schedule": crontab(minute="*/5"),
        "options": _SWEEP_OPTIONS,
    },
    "notifications-saved-search-resync": {
        "task": "notifications.tasks.resync_saved_searches",
        "schedule": crontab(minute="*/10"),
        "options": _SWEEP_OPTIONS,
    },
}
# Beat's scheduler writes a heartbeat on every tick, for the health check (jobs/beat.py).
CELERY_BEAT_SCHEDULER = "jobs.beat:HeartbeatScheduler"
# Beat keeps its schedule state with the rest of the stack's runtime files.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Operations: health and metrics ----------------------------------------------------------
# Seconds the health check waits for a worker to answer its ping.
HEALTH_WORKER_PING_SECONDS = env_float("NZILA_HEALTH_WORKER_PING_SECONDS", 1)
# Beat is reported dead when its last tick is older than this, in seconds.
HEALTH_BEAT_MAX_SILENCE_SECONDS = env_int("NZILA_HEALTH_BEAT_MAX_SILENCE_SECONDS", 60)
# Bearer token of the Prometheus scraper on /metrics (staff sessions also see it); generated per
# installation into var/secrets.env. Empty: staff only.
METRICS_TOKEN = env_str("NZILA_METRICS_TOKEN", "")

# --- Backups of the system of record (pgBackRest: platform/backups/, docs/operations.md) ------
# Folder of the pgBackRest configuration (pgbackrest.conf) and repository (var/backups); the local stack writes it
# when it starts Postgres. No configuration there: backups are reported as not configured.
BACKUP_DIR = Path(env_str("NZILA_BACKUP_DIR", str(pgbackrest.LOCAL_DIR)))
# The stanza (pgBackRest's name for the cluster it backs up) in that configuration.
BACKUP_STANZA = env_str("NZILA_BACKUP_STANZA", pgbackrest.LOCAL_STANZA)
# A base backup is taken when the newest good one is older than this many hours (beat asks every 10 minutes).
BACKUP_EVERY_HOURS = env_float("NZILA_BACKUP_EVERY_HOURS", 24)
# That backup is a full one when the newest full backup is older than this many days, else differential.
BACKUP_FULL_EVERY_DAYS = env_float("NZILA_BACKUP_FULL_EVERY_DAYS", 7)
# Retention: full backups kept; older ones expire with the WAL only they needed (the restore window).
BACKUP_RETENTION_FULL = env_int("NZILA_BACKUP_RETENTION_FULL", 2)
# Retention: differential backups kept.
BACKUP_RETENTION_DIFF = env_int("NZILA_BACKUP_RETENTION_DIFF", 7)
# Health calls the last good backup stale past this many hours; /metrics exports it for the alert.
BACKUP_MAX_AGE_HOURS = env_float("NZILA_BACKUP_MAX_AGE_HOURS", 26)

# --- Background jobs (platform/jobs/) ------------------------------------------------------
# Redis for the jobs' own bookkeeping: shared rate-limit buckets and per-task outcome counters.
JOBS_REDIS_URL = env_str("NZILA_JOBS_REDIS_URL", CELERY_BROKER_URL)
# Retries of a transient failure before the task is dead-lettered.
JOBS_MAX_RETRIES = env_int("NZILA_JOBS_MAX_RETRIES", 5)
# First retry delay in seconds; it doubles on each retry (with jitter) up to the maximum.
JOBS_RETRY_BACKOFF_SECONDS = env_float("NZILA_JOBS_RETRY_BACKOFF_SECONDS", 10)
JOBS_RETRY_BACKOFF_MAX_SECONDS = env_float("NZILA_JOBS_RETRY_BACKOFF_MAX_SECONDS", 600)
# A task whose failure rate (last 24 h) is above this is flagged on the staff endpoint.
JOBS_FAILURE_ALERT_RATE = env_float("NZILA_JOBS_FAILURE_ALERT_RATE", 0.05)
# Rows read per page by the scheduled walkers, and ids per fanned-out batch task.
JOBS_PAGE_SIZE = env_int("NZILA_JOBS_PAGE_SIZE", 1000)
JOBS_BATCH_SIZE = env_int("NZILA_JOBS_BATCH_SIZE", 100)
# A deal in an open stage this many days without a stage change is stalled.
JOBS_STALLED_DEAL_DAYS = env_int("NZILA_STALLED_DEAL_DAYS", 7)
# Stalled-deal follow-ups sent per minute, platform-wide.
JOBS_FOLLOW_UPS_PER_MINUTE = env_int("NZILA_FOLLOW_UPS_PER_MINUTE", 10)
# Days the Django admin's audit log (LogEntry) and processed outbox events are kept.
JOBS_AUDIT_LOG_RETENTION_DAYS = env_int("NZILA_AUDIT_LOG_RETENTION_DAYS", 365)
JOBS_OUTBOX_RETENTION_DAYS = env_int("NZILA_OUTBOX_RETENTION_DAYS", 30)

# --- Reservations (platform/sales/reservations.py): a car held by a deposit ------------------------
# The deposit asked to reserve a car, as a percentage of its price.
SALES_RESERVATION_DEPOSIT_PERCENT = env_float("NZILA_RESERVATION_DEPOSIT_PERCENT", 10)
# Minutes a buyer has to pay the deposit once the reservation starts; the car is held meanwhile.
SALES_RESERVATION_PAY_MINUTES = env_int("NZILA_RESERVATION_PAY_MINUTES", 30)
# Hours the dealer has to accept or decline a paid reservation before it expires and is refunded.
SALES_RESERVATION_DEALER_HOURS = env_int("NZILA_RESERVATION_DEALER_HOURS", 48)

# --- Inquiries (platform/inquiries/): buyers' questions to dealers --------------------------------
# Longest message, in characters.
INQUIRIES_MAX_BODY_CHARS = env_int("NZILA_INQUIRY_MAX_CHARS", 2000)
# Links a buyer's message may carry (spam is links); a dealer's (a photo album, a shipping quote).
INQUIRIES_MAX_LINKS = env_int("NZILA_INQUIRY_MAX_LINKS", 1)
INQUIRIES_DEALER_MAX_LINKS = env_int("NZILA_INQUIRY_DEALER_MAX_LINKS", 5)
# New conversations one buyer may start in 24 hours.
INQUIRIES_NEW_PER_BUYER_DAY = env_int("NZILA_INQUIRY_NEW_PER_BUYER_DAY", 10)
# New conversations about one vehicle in an hour, all buyers together (a flood from rotating accounts).
INQUIRIES_NEW_PER_VEHICLE_HOUR = env_int("NZILA_INQUIRY_NEW_PER_VEHICLE_HOUR", 20)
# Messages one buyer may send in an hour, over all conversations.
INQUIRIES_MESSAGES_PER_BUYER_HOUR = env_int("NZILA_INQUIRY_MESSAGES_PER_BUYER_HOUR", 30)
# Messages of one buyer in one conversation in 24 hours.
INQUIRIES_MESSAGES_PER_THREAD_DAY = env_int("NZILA_INQUIRY_MESSAGES_PER_THREAD_DAY", 20)
# Buyer messages in a row without an answer before the buyer must wait for the dealer.
INQUIRIES_UNANSWERED_IN_A_ROW = env_int("NZILA_INQUIRY_UNANSWERED_IN_A_ROW", 5)
# Guest questions (each sends a code) from one client address in an hour.
INQUIRIES_GUEST_STARTS_PER_ADDRESS_HOUR = env_int("NZILA_INQUIRY_GUEST_STARTS_PER_ADDRESS_HOUR", 10)
# How long a referral link's broker sticks to the visitor's session, in days.
INQUIRIES_REFERRAL_DAYS = env_int("NZILA_REFERRAL_DAYS", 30)

# --- Notifications (platform/notifications/) ------------------------------------------------
# Events for one user within this many seconds go out as one WhatsApp / e-mail message.
NOTIFICATIONS_BATCH_WINDOW_SECONDS = env_float("NZILA_NOTIFY_BATCH_WINDOW_SECONDS", 120)
# Tries of one send (the first included) before the message is failed and dead-lettered.
NOTIFICATIONS_SEND_MAX_ATTEMPTS = env_int("NZILA_NOTIFY_SEND_MAX_ATTEMPTS", 3)
# First retry delay of a send in seconds (doubling, with jitter).
NOTIFICATIONS_SEND_BACKOFF_SECONDS = env_float("NZILA_NOTIFY_SEND_BACKOFF_SECONDS", 5)
# Tries of one outbox event before it is parked as dead.
NOTIFICATIONS_OUTBOX_MAX_ATTEMPTS = env_int("NZILA_OUTBOX_MAX_ATTEMPTS", 8)
# Outbox events turned into notifications per transaction.
NOTIFICATIONS_OUTBOX_BATCH_SIZE = env_int("NZILA_OUTBOX_BATCH_SIZE", 500)
# Default time zone of users with neither a buyer profile nor one of their own.
NOTIFICATIONS_DEFAULT_TIME_ZONE = env_str("NZILA_NOTIFY_DEFAULT_TIME_ZONE", "Africa/Nairobi")
# Public base URL of the web app, for links in messages.
NOTIFICATIONS_SITE_URL = env_str("NZILA_SITE_URL", "http://127.0.0.1:8000")
# A message still queued, never tried, this many seconds after it was written (its send task never
# reached the broker) is queued again by the sweep.
NOTIFICATIONS_QUEUED_STALE_SECONDS = env_int("NZILA_NOTIFY_QUEUED_STALE_SECONDS", 300)
# Saved searches changed within this many minutes are registered again with the engine by the sweep
# (a sync whose task never reached the broker); longer broker outages: `manage.py search_rebuild`.
SAVED_SEARCH_RESYNC_MINUTES = env_int("NZILA_SAVED_SEARCH_RESYNC_MINUTES", 60)
# One-time codes (a guest's phone or e-mail, a dealer's WhatsApp number): minutes they live, in seconds.
NOTIFICATIONS_CODE_TTL_SECONDS = env_int("NZILA_CODE_TTL_SECONDS", 900)
# Wrong tries of one code before it dies (a new code must be asked for).
NOTIFICATIONS_CODE_MAX_ATTEMPTS = env_int("NZILA_CODE_MAX_ATTEMPTS", 5)
# Codes sent to one phone number or e-mail address per hour, whoever asks.
NOTIFICATIONS_CODES_PER_ADDRESS_HOUR = env_int("NZILA_CODES_PER_ADDRESS_HOUR", 3)
# WhatsApp Cloud API: base URL with version, sending phone number id, access token, app secret (signs
# status webhooks), the verify token of the subscription handshake, template language, and the
# provider's rate limit (messages per second, shared by every worker through a Redis token bucket).
WHATSAPP_API_URL = env_str("NZILA_WHATSAPP_API_URL", "https://graph.facebook.com/v21.0")
WHATSAPP_PHONE_NUMBER_ID = env_str("NZILA_WHATSAPP_PHONE_NUMBER_ID", "000000000000000")
WHATSAPP_ACCESS_TOKEN = env_str("NZILA_WHATSAPP_ACCESS_TOKEN", "dev-whatsapp-token")
WHATSAPP_APP_SECRET = dev_secret("NZILA_WHATSAPP_APP_SECRET", "dev-whatsapp-app-secret")
WHATSAPP_VERIFY_TOKEN = dev_secret("NZILA_WHATSAPP_VERIFY_TOKEN", "dev-whatsapp-verify-token")
WHATSAPP_TEMPLATE_LANGUAGE = env_str("NZILA_WHATSAPP_TEMPLATE_LANGUAGE", "en")
WHATSAPP_MESSAGES_PER_SECOND = env_int("NZILA_WHATSAPP_MESSAGES_PER_SECOND", 100)
WHATSAPP_TIMEOUT_SECONDS = env_float("NZILA_WHATSAPP_TIMEOUT_SECONDS", 10)
# E-mail over SMTP (Django's mail framework); the default is a server on loopback. The local stack
# (localstack/stack.py) uses the console backend instead: mails, password resets too, go to its web log.
EMAIL_BACKEND = env_str("NZILA_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("NZILA_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("NZILA_EMAIL_PORT", 1025)
EMAIL_HOST_USER = env_str("NZILA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("NZILA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("NZILA_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("NZILA_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("NZILA_DEFAULT_FROM_EMAIL", "Nzila <no-reply@nzila.example>")

# --- Lead scoring (platform/scoring/) and recommendations (platform/recommendations/) -------
# A lead with no deal paid and no progress for this many days counts as lost (its outcome label).
SCORING_LOST_AFTER_DAYS = env_int("NZILA_SCORING_LOST_AFTER_DAYS", 60)
# Trained models (joblib files) live here; the registry table records each one's path under it.
SCORING_MODEL_DIR = Path(env_str("NZILA_SCORING_MODEL_DIR", str(VAR_DIR / "models")))
# Share of leads whose shown score comes from the model (the rest: the six rules), by a stable hash.
SCORING_AB_MODEL_SHARE = env_float("NZILA_SCORING_AB_MODEL_SHARE", 0.5)
# Salt of the A/B hash: change it to draw a fresh assignment for a new experiment.
SCORING_AB_SALT = env_str("NZILA_SCORING_AB_SALT", "lead-score-2026")
# Retrain schedule as five cron fields (minute hour day-of-month month day-of-week); monthly by default.
SCORING_RETRAIN_CRON = env_str("NZILA_SCORING_RETRAIN_CRON", "0 2 1 * *")
# Population stability index above which a feature (or the score) has drifted: an alert is raised.
SCORING_DRIFT_PSI_ALERT = env_float("NZILA_SCORING_DRIFT_PSI_ALERT", 0.2)
# Days of recent leads compared with the training data in the drift report.
SCORING_DRIFT_WINDOW_DAYS = env_int("NZILA_SCORING_DRIFT_WINDOW_DAYS", 30)
# Seconds between sweeps that score leads no on-commit task reached (bulk loads, raw SQL).
SCORING_SWEEP_SECONDS = env_float("NZILA_SCORING_SWEEP_SECONDS", 300)
# Similar-vehicle blend shown to buyers: "current" (0.7 text / 0.3 co-views), "tuned" (weights from
# bench/recommendations.py) or "ab" (each viewer to one of the two by a stable hash).
RECOMMENDATIONS_BLEND_ARM = env_str("NZILA_RECOMMENDATIONS_BLEND_ARM", "ab")
# Weight of text/structured similarity in the "tuned" arm (co-views get the rest): the best nDCG@10 on
# validation sessions in bench/recommendations.py (simulated data, seed 7); re-run it on real sessions.
RECOMMENDATIONS_TUNED_SIMILARITY_WEIGHT = env_float("NZILA_RECOMMENDATIONS_TUNED_SIMILARITY_WEIGHT", 0.2)


# --- Market value and deal ratings (platform/pricing/) ------------------------------------
# Trained market-value models (joblib files); the registry table records each one's path under it.
MARKET_VALUE_MODEL_DIR = Path(env_str("NZILA_MARKET_VALUE_MODEL_DIR", str(VAR_DIR / "models" / "market-value")))
# The published listings the model learns from (read through the loader's readers).
MARKET_VALUE_DATA_DIR = Path(env_str("NZILA_MARKET_VALUE_DATA_DIR", str(BASE_DIR.parent / "shared" / "data")))
# Retrain schedule as five cron fields; monthly on the 1st at 03:00 by default. Promoted only if better.
MARKET_VALUE_RETRAIN_CRON = env_str("NZILA_MARKET_VALUE_RETRAIN_CRON", "0 3 1 * *")
# Seconds between sweeps that value listings written or changed since they were last valued.
MARKET_VALUE_SWEEP_SECONDS = env_float("NZILA_MARKET_VALUE_SWEEP_SECONDS", 15)
# Listings valued per batch (the sweep, and the re-stamping after a promotion).
MARKET_VALUE_BATCH_SIZE = env_int("NZILA_MARKET_VALUE_BATCH_SIZE", 2000)


def _cron(fields: str):
    minute, hour, day_of_month, month_of_year, day_of_week = fields.split()
    return crontab(minute, hour, day_of_week, day_of_month, month_of_year)


CELERY_BEAT_SCHEDULE.update(
    {
        # Retrain the lead model; the new one is promoted only if it beats the current one.
        "scoring-retrain": {"task": "scoring.tasks.retrain", "schedule": _cron(SCORING_RETRAIN_CRON)},
        # Drift of the features and of the score against the training data, daily.
        "scoring-drift": {"task": "scoring.tasks.drift_report", "schedule": crontab(hour=4, minute=10)},
        # Retrain the market-value model; the new one is promoted only if it beats the current one.
        "market-value-retrain": {"task": "pricing.tasks.retrain", "schedule": _cron(MARKET_VALUE_RETRAIN_CRON)},
        # Drift of the listings' features and values against the serving model's training data, daily.
        "market-value-drift": {"task": "pricing.tasks.drift_report", "schedule": crontab(hour=4, minute=40)},
        # Listings written or changed since their valuation (any write path) are valued again here.
        "market-value-sweep": {
            "task": "pricing.tasks.value_changed_vehicles",
            "schedule": MARKET_VALUE_SWEEP_SECONDS,
            "options": _SWEEP_OPTIONS,
        },
        # Leads written without the ORM (bulk loads, raw SQL) get their score here.
        "scoring-sweep": {
            "task": "scoring.tasks.score_unscored_leads",
            "schedule": SCORING_SWEEP_SECONDS,
            "options": _SWEEP_OPTIONS,
        },
    }
)

# --- Vehicle photos (platform/media/) -------------------------------------------------------
# Where photos are stored: "filesystem" (under PHOTOS_ROOT, the default) or "s3" (an S3-compatible bucket).
PHOTOS_STORAGE = env_str("NZILA_PHOTOS_STORAGE", "filesystem")
# Local storage: originals under private/ (never served), variants under public/ (served at PHOTOS_PUBLIC_URL).
PHOTOS_ROOT = Path(env_str("NZILA_PHOTOS_ROOT", str(VAR_DIR / "media")))
# The address variants are served from: the app's /media/ locally, the bucket's public address with s3.
PHOTOS_PUBLIC_URL = env_str("NZILA_PHOTOS_PUBLIC_URL", "/media/")
# S3-compatible bucket for variants (public-read) and the one for originals (private); the endpoint is
# the provider's (empty: AWS). Credentials come from boto3's usual environment variables or role.
PHOTOS_S3_PUBLIC_BUCKET = env_str("NZILA_PHOTOS_S3_PUBLIC_BUCKET", "")
PHOTOS_S3_PRIVATE_BUCKET = env_str("NZILA_PHOTOS_S3_PRIVATE_BUCKET", "")
PHOTOS_S3_ENDPOINT_URL = env_str("NZILA_PHOTOS_S3_ENDPOINT_URL", "") or None
PHOTOS_S3_REGION = env_str("NZILA_PHOTOS_S3_REGION", "") or None
# Largest upload accepted per photo, in bytes (a phone's full-size JPEG is 3-8 MB).
PHOTOS_MAX_BYTES = env_int("NZILA_PHOTOS_MAX_BYTES", 15 * 1024 * 1024)
# Largest image accepted, in pixels (width x height): anything above is treated as a decompression bomb.
PHOTOS_MAX_PIXELS = env_int("NZILA_PHOTOS_MAX_PIXELS", 50_000_000)
# Smallest side accepted, in pixels: a thumbnail-sized photo helps no buyer.
PHOTOS_MIN_SIDE = env_int("NZILA_PHOTOS_MIN_SIDE", 200)
# Photos per vehicle.
PHOTOS_MAX_PER_VEHICLE = env_int("NZILA_PHOTOS_MAX_PER_VEHICLE", 30)
# Widths of the variants made of each photo (for srcset); none wider than the photo itself.
PHOTOS_VARIANT_WIDTHS = [int(w) for w in env_list("NZILA_PHOTOS_VARIANT_WIDTHS", "160,320,640,1024,1600")]
# Also make AVIF variants (smaller than WebP, slower to encode) when the installed Pillow writes AVIF.
PHOTOS_AVIF = env_bool("NZILA_PHOTOS_AVIF", True)
# A photo still waiting for its variants this many seconds after upload is queued again by the sweep.
PHOTOS_STALE_SECONDS = env_int("NZILA_PHOTOS_STALE_SECONDS", 300)
CELERY_BEAT_SCHEDULE["media-sweep"] = {"task": "media.tasks.sweep_pending", "schedule": crontab(minute="*/5")}
# Files in the photo storages that no photo uses (a deleted photo, a failed upload) are removed once
# older than this many seconds: long enough for any upload's transaction and for caches to move on.
PHOTOS_ORPHAN_GRACE_SECONDS = env_int("NZILA_PHOTOS_ORPHAN_GRACE_SECONDS", 24 * 3600)
CELERY_BEAT_SCHEDULE["media-orphan-sweep"] = {"task": "media.tasks.sweep_orphans", "schedule": crontab(minute=17)}
# Multipart uploads above this size spill to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
# Requests may carry several full-size photos.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024


# --- Content-Security-Policy and Permissions-Policy (django-csp, django-permissions-policy) ------------
def _origin(url: str) -> list[str]:
    """The scheme and host of an absolute address (photos from a bucket), none for a path on this site."""
    parts = url.split("/", 3)
    return ["/".join(parts[:3])] if url.startswith(("https://", "http://")) and len(parts) >= 3 else []


# Every script, style sheet, font, fetch and form target is this site's own: no inline script or style
# (an injected <script> or style attribute does nothing), no eval, no plugin, no framing. Images also
# come from the photos' address and as data: URIs (the tiny placeholders behind a photo still loading).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_origin(PHOTOS_PUBLIC_URL)],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page uses are off for the site and anything it embeds. Photo upload needs none of
# them: a file input (a phone offers its camera there) is not the camera API.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "nzila.static_files.HashedStaticStorage"},
}
STORAGES.update(
    photo_storages(
        kind=PHOTOS_STORAGE,
        root=PHOTOS_ROOT,
        public_url=PHOTOS_PUBLIC_URL,
        s3_public_bucket=PHOTOS_S3_PUBLIC_BUCKET,
        s3_private_bucket=PHOTOS_S3_PRIVATE_BUCKET,
        s3_endpoint_url=PHOTOS_S3_ENDPOINT_URL,
        s3_region=PHOTOS_S3_REGION,
    )
)

# --- Error reporting ------------------------------------------------------------------------
# Sentry DSN; error reporting is on only when it is set (web and workers alike).
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # The environment name Sentry files events under.
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        # Share of requests and tasks traced for performance (0: none).
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0),
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Callback tokens and the WhatsApp verify token never reach a log (nzila/redaction.py).
    "filters": {"redact_secrets": {"()": "nzila.redaction.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]}},
    # Level of the root logger (DEBUG, INFO, WARNING, ...).
    "root": {"handlers": ["console"], "level": env_str("NZILA_LOG_LEVEL", "INFO")},
    "loggers": {
        "elastic_transport": {"level": "WARNING"},
        "elasticsearch": {"level": "WARNING"},
        # Its start-up banner, in every process at every start; lock-outs are logged at WARNING.
        "axes.apps": {"level": "WARNING"},
    },
}

# Secure by default: outside development, refuse to start on any secret anyone can read in this file.
_development_secrets_in_use = sorted(
    name for name, built_in in DEVELOPMENT_SECRETS.items() if env_str(name, built_in) in {built_in, ""}
)
if not DEBUG and _development_secrets_in_use:
    raise ImproperlyConfigured(
        "Refusing to start with built-in development secrets: "
        + ", ".join(_development_secrets_in_use)
        + ". Run bin/setup (it generates them into var/secrets.env), set them in the environment, "
        "or set NZILA_DEV=1 on a development machine."
    )

# Real money only at real endpoints: outside test mode, refuse Stripe test keys, a Stripe base other than
# api.stripe.com and operators' sandboxes or local simulators.
_test_payment_endpoints = payment_test_endpoints(
    stripe_api_key=STRIPE_API_KEY,
    stripe_api_base=STRIPE_API_BASE,
    operator_urls={
        "NZILA_MPESA_BASE_URL": MPESA_BASE_URL,
        "NZILA_MTN_MOMO_BASE_URL": MTN_MOMO_BASE_URL,
        "NZILA_ORANGE_MONEY_BASE_URL": ORANGE_MONEY_BASE_URL,
        "NZILA_AIRTEL_MONEY_BASE_URL": AIRTEL_MONEY_BASE_URL,
    },
    fx_accept_stale=PAYMENTS_FX_ACCEPT_STALE,
)
if not DEBUG and not PAYMENTS_TEST_MODE and _test_payment_endpoints:
    raise ImproperlyConfigured(
        "Refusing to start on payment test endpoints or test keys without test mode: "
        + "; ".join(_test_payment_endpoints)
        + ". Set the live values, or NZILA_PAYMENTS_TEST_MODE=1 for a stack that moves no real money."
    )
