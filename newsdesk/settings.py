"""Django settings, read from the environment so one build serves every deployment.

The embedded default (no variables set) is SQLite under ./var/ and in-process tasks.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

env = environ.Env()

VAR_DIR = Path(env.str("NEWSDESK_VAR_DIR", default=str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _dev_secret_key() -> str:
    """A per-install random key, so a fresh checkout never runs on a published secret."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env.bool("NEWSDESK_DEBUG", default=False)
SECRET_KEY = env.str("NEWSDESK_SECRET_KEY", default="") or _dev_secret_key()
ALLOWED_HOSTS = env.list("NEWSDESK_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("NEWSDESK_CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env.str("NEWSDESK_SITE_NAME", default="newsdesk")
SITE_URL = env.str("NEWSDESK_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "newsdesk",
    "newsdesk.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "newsdesk.web.pages.context.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'newsdesk.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the crawler writes; IMMEDIATE avoids
    # "database is locked" on lock upgrades inside write transactions.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("NEWSDESK_DB_CONN_MAX_AGE", default=60))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Serve app static files straight from the package until collectstatic has run.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("NEWSDESK_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}

# --- Task layer: Celery with Redis at scale, in-process (eager) on the embedded default.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# --- Fetching: polite by default.
NEWSDESK_USER_AGENT = env.str(
    "NEWSDESK_USER_AGENT",
    default="newsdesk/0.1 (+https://github.com/newsdesk/newsdesk; self-hosted news reader)",
)
NEWSDESK_ALLOW_PRIVATE_NETWORKS = env.bool("NEWSDESK_ALLOW_PRIVATE_NETWORKS", default=False)
NEWSDESK_CONNECT_TIMEOUT = env.float("NEWSDESK_CONNECT_TIMEOUT", default=10.0)
NEWSDESK_READ_TIMEOUT = env.float("NEWSDESK_READ_TIMEOUT", default=20.0)
NEWSDESK_MAX_BODY_BYTES = env.int("NEWSDESK_MAX_BODY_BYTES", default=8 * 1024 * 1024)
NEWSDESK_MAX_REDIRECTS = env.int("NEWSDESK_MAX_REDIRECTS", default=5)
NEWSDESK_HOST_CONCURRENCY = env.int("NEWSDESK_HOST_CONCURRENCY", default=2)
NEWSDESK_HOST_DELAY = env.float("NEWSDESK_HOST_DELAY", default=1.0)
NEWSDESK_CRAWL_WORKERS = env.int("NEWSDESK_CRAWL_WORKERS", default=8)

# --- Polling: adaptive within these bounds.
NEWSDESK_POLL_MIN_SECONDS = env.int("NEWSDESK_POLL_MIN_SECONDS", default=5 * 60)
NEWSDESK_POLL_MAX_SECONDS = env.int("NEWSDESK_POLL_MAX_SECONDS", default=24 * 3600)
NEWSDESK_DISABLE_AFTER_ERRORS = env.int("NEWSDESK_DISABLE_AFTER_ERRORS", default=20)
NEWSDESK_SCHEDULER_INTERVAL = env.int("NEWSDESK_SCHEDULER_INTERVAL", default=60)

# --- Sources and display.
NEWSDESK_LOAD_DEFAULT_SOURCES = env.bool("NEWSDESK_LOAD_DEFAULT_SOURCES", default=True)
# "full" shows the extracted text; "excerpt" shows a teaser and sends readers to the publisher.
NEWSDESK_DISPLAY_POLICY = env.str("NEWSDESK_DISPLAY_POLICY", default="full")
NEWSDESK_EXCERPT_WORDS = env.int("NEWSDESK_EXCERPT_WORDS", default=60)
NEWSDESK_MAX_HASHTAGS = env.int("NEWSDESK_MAX_HASHTAGS", default=8)
NEWSDESK_PAGE_SIZE = env.int("NEWSDESK_PAGE_SIZE", default=20)
