"""ReviewSec settings, read from the environment (django-environ).

With no environment at all this is the embedded default: SQLite in ``var/``, Celery tasks run
in-process, DEBUG on, the demo marketplace off unless ``DEMO_MARKET=1`` (``make run`` turns it on).
Set ``DATABASE_URL`` (PostgreSQL, psycopg 3) and ``REDIS_URL`` (Celery broker + Django cache) for
the real stack. ``reviewsec.settings_production`` tightens everything for deployment.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# --- Core -------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)
# The fallback key is for local development only; production settings refuse to start without
# SECRET_KEY in the environment.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-reviewsec-local-development-only")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served locally: /api/v1/docs/ works offline
    "corsheaders",
    "reviewsec.catalog",
    "reviewsec.analyses",
    "reviewsec.web",
    "reviewsec.demo_market",
    "reviewsec.api",
    # Before moderation: its post_migrate gives the moderators group the groups' permissions.
    "reviewsec.groups",
    "reviewsec.moderation",
    "reviewsec.submissions",
]

MIDDLEWARE = [
    # First: /healthz answers probes by IP over plain HTTP, before host checks and HTTPS redirects.
    "reviewsec.health.middleware.HealthCheckMiddleware",
    # Then: a Content-Length that is not a number is a 400 (reviewsec.request_limits).
    "reviewsec.request_limits.ContentLengthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware, so CORS headers reach every /api/v1/ response (django-cors-headers).
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if not DEBUG:
    # runserver serves static files itself in development; WhiteNoise serves them everywhere else.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "reviewsec.urls"
WSGI_APPLICATION = "reviewsec.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'reviewsec.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # https://docs.djangoproject.com/en/5.2/ref/databases/#database-is-locked-errors
    # Several writers share the file (the in-process task thread, the crawler's child process):
    # IMMEDIATE transactions take the write lock up front instead of failing on a read-to-write
    # upgrade, and a writer waits up to 20 s for its turn.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
    )
    # A file, not memory, for the test database: the in-process crawl thread and the crawler's
    # child process open their own connections and must see the same data.
    # One file per test process, so parallel test runs never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-reviewsec-{os.getpid()}.sqlite3")}
    VAR_DIR.mkdir(exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
# Celery workers and beat write a heartbeat this often (it expires after three missed beats).
HEARTBEAT_INTERVAL_SECONDS = env.float("HEARTBEAT_INTERVAL_SECONDS", default=10)
# /healthz shows each check's figures and the live worker nodes only to staff or to a request
# with "Authorization: Bearer <HEALTHZ_TOKEN>"; everyone else sees the statuses ("" = no token).
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, reusing its redis-py clients (reviewsec/cache.py).
            "BACKEND": "reviewsec.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "reviewsec",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# With acks_late, Redis hands a message that has been out unacknowledged for visibility_timeout
# seconds to another worker: that is how the job of a worker killed mid-crawl is redelivered.
# It must outlast all a worker does while holding one message, or a running task is delivered
# twice: the countdown it waits out (retry back-off, recrawl stagger: at most 15 minutes) plus
# the run (the hard time limit), plus a margin.
# https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 20 * 60
    ),
    # Workers look for such messages every 10 s; kombu's default scans only every 10th time.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# --- ReviewSec --------------------------------------------------------------------------------

# A verdict younger than this is served as it is, without a new crawl.
ANALYSIS_MAX_AGE_SECONDS = env.int("ANALYSIS_MAX_AGE_SECONDS", default=24 * 3600)
# The local Amazon-shaped shop under /demo-market/ and its host on the crawler's allow-list.
DEMO_MARKET = env.bool("DEMO_MARKET", default=False)
# Where the crawler finds the demo market: this server itself (make run serves on port 8000).
DEMO_MARKET_BASE_URL = env.str("DEMO_MARKET_BASE_URL", default="http://127.0.0.1:8000/demo-market")
# Review lists of the demo market only for a "signed-in" demo session, as on Amazon since late
# 2024: for trying the extension's collector. Off by default, so the crawler's demo flow works.
DEMO_MARKET_SIGNIN_WALL = env.bool("DEMO_MARKET_SIGNIN_WALL", default=False)
# Tests run the crawl task to the end inside the request instead of in a background thread.
ANALYSIS_RUN_INLINE = env.bool("ANALYSIS_RUN_INLINE", default=False)
# A crawl's whole time budget (seconds), and how many review pages it reads at most.
CRAWL_TIMEOUT_SECONDS = env.int("CRAWL_TIMEOUT_SECONDS", default=15 * 60)
CRAWL_MAX_REVIEW_PAGES = env.int("CRAWL_MAX_REVIEW_PAGES", default=100)
# Each crawl leaves a warm child (Scrapy and Django imported) waiting for the next one
# (crawler.runner.Spares); the test suite turns it off (tests/conftest.py).
CRAWL_WARM_CHILD = env.bool("CRAWL_WARM_CHILD", default=True)

# Scheduled recrawls (reviewsec.analyses.scheduling): intervals in hours by how interesting a
# product is, and how many jobs one beat run may start, spread over its period.
RECRAWL_INTERVAL_HOURS = {
    "hot": env.float("RECRAWL_HOT_HOURS", default=24),
    "base": env.float("RECRAWL_BASE_HOURS", default=7 * 24),
    "quiet": env.float("RECRAWL_QUIET_HOURS", default=30 * 24),
    "minimum": env.float("RECRAWL_MINIMUM_HOURS", default=12),
}
RECRAWL_BATCH_SIZE = env.int("RECRAWL_BATCH_SIZE", default=20)
RECRAWL_PERIOD_SECONDS = env.int("RECRAWL_PERIOD_SECONDS", default=15 * 60)
# Threshold refits (reviewsec.analyses.refits): a fresh random sample of products with enough
# reviews; the new model is activated only when the fit is sane.
REFIT_SAMPLE_SIZE = env.int("REFIT_SAMPLE_SIZE", default=100)
REFIT_MIN_PRODUCTS = env.int("REFIT_MIN_PRODUCTS", default=30)
REFIT_MIN_REVIEWS = env.int("REFIT_MIN_REVIEWS", default=50)
# The nightly reviewer-graph fit is activated only over at least this many ratings (DESIGN §4).
REVIEWER_FIT_MIN_REVIEWS = env.int("REVIEWER_FIT_MIN_REVIEWS", default=200)
# Housekeeping (reviewsec.analyses.housekeeping).
JOB_RETENTION_DAYS = env.int("JOB_RETENTION_DAYS", default=30)
# Without a broker the server itself runs the every-minute resend of lost jobs in a thread
# (reviewsec.lib.dispatch.InProcessBeat); the test suite turns it off (tests/conftest.py).
IN_PROCESS_BEAT = env.bool("IN_PROCESS_BEAT", default=True)

# Crawler politeness and deployment knobs (read by crawler.settings through the environment).
CRAWLER_USER_AGENT = env.str(
    "CRAWLER_USER_AGENT", default="ReviewSecBot/0.1 (+https://github.com/reviewsec/reviewsec)"
)
CRAWLER_PROXY_URL = env.str("CRAWLER_PROXY_URL", default="")

# Reviews clients bring (reviewsec.submissions): extension batches and uploaded review files.
# A batch holds at most this many reviews, in a JSON body of at most this many bytes (413 over).
SUBMISSION_MAX_REVIEWS = env.int("SUBMISSION_MAX_REVIEWS", default=100)
SUBMISSION_MAX_BODY_BYTES = env.int("SUBMISSION_MAX_BODY_BYTES", default=512 * 1024)
# Reviews one client (API key, else hashed IP) may submit for one product in 24 hours (429 over).
SUBMISSION_DAILY_CAP = env.int("SUBMISSION_DAILY_CAP", default=2000)
# The largest review file /upload/ and POST /api/v1/uploads accept (413 over).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Checked while the file streams in: its size once decompressed (a .gz), and one line's length.
UPLOAD_MAX_DECOMPRESSED_BYTES = env.int("UPLOAD_MAX_DECOMPRESSED_BYTES", default=100 * 1024 * 1024)
UPLOAD_MAX_LINE_CHARS = env.int("UPLOAD_MAX_LINE_CHARS", default=1024 * 1024)

# --- JSON API (reviewsec.api) -------------------------------------------------------------------

# https://www.django-rest-framework.org/api-guide/settings/ — only reviewsec.api uses DRF.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["reviewsec.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["reviewsec.api.throttling.ApiRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["reviewsec.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "reviewsec.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Proxies in front of the app that append to X-Forwarded-For; 0 trusts only REMOTE_ADDR, so a
    # client cannot dodge the anonymous rate limit with a forged header.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
# Requests per period ("N/second|minute|hour|day"), counted in the default cache (Redis when set).
API_RATE_ANON = env.str("API_RATE_ANON", default="30/minute")
API_RATE_KEY = env.str("API_RATE_KEY", default="600/minute")
# Wrong API keys one address may send before it is answered 429 without a lookup.
API_RATE_AUTH_FAILURES = env.str("API_RATE_AUTH_FAILURES", default="10/minute")
# Files one address may send to the /upload/ form (the API's uploads count in API_RATE_*).
UPLOAD_RATE = env.str("UPLOAD_RATE", default="30/minute")
# The largest request body the API reads; anything bigger is refused with 400 before parsing.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=16 * 1024)

# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "ReviewSec API",
    "DESCRIPTION": "Whether a product's reviews were manipulated: verdicts for browser extensions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# https://github.com/adamchainz/django-cors-headers — the API only; extensions have per-install
# origins, so they are matched by pattern; other sites (a partner's page) come from the env.
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOWED_ORIGIN_REGEXES = [
    r"^chrome-extension://[a-p]{32}$",
    r"^moz-extension://[0-9a-f-]{36}$",
]
CORS_EXPOSE_HEADERS = ["Location", "Retry-After"]

# --- Internationalisation and static files ------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

# "plain" for people at a terminal, "json" (one object per line) for a log shipper. Either way
# every line logged while a Celery task runs carries its task_id, and job_id for a crawl job
# (reviewsec.logs). Celery workers and beat log through this too (reviewsec.celery).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain").lower()
LOG_LEVEL_NAME = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "reviewsec.logs.ContextFilter"},
        "expected_failure": {"()": "reviewsec.logs.ExpectedFailureFilter"},
    },
    "formatters": {
        "plain": {"()": "reviewsec.logs.PlainFormatter"},
        "json": {"()": "reviewsec.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["context"],
            # A crawl child's Scrapy lowers its own loggers' levels; the handler keeps the floor.
            "level": LOG_LEVEL_NAME,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL_NAME},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # An expected failure (a robot check) is recorded on its job; Celery's trace of it is noise.
        "celery.app.trace": {"filters": ["expected_failure"]},
    },
}
