"""Django settings, read from the environment so one build serves every deployment.

The embedded default (no variables set) is SQLite under ./var/ and in-process tasks.
"""

import os
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
    # A cached anonymous page is answered here, before sessions, CSRF and auth cost anything.
    "newsdesk.web.cache.PageCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The time zone a signed-in reader chose; everyone else (and every cached page) sees UTC.
    "newsdesk.web.accounts.middleware.ReaderTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so its 404 and 400 pages have the reader and the messages a page needs.
    "newsdesk.web.errors.refuse_nul_bytes",
]

ROOT_URLCONF = "newsdesk.urls"
# A stale CSRF token: explain, and give back what the reader typed (newsdesk/web/errors.py).
CSRF_FAILURE_VIEW = "newsdesk.web.errors.csrf_failure"
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

# An empty DATABASE_URL means the default, as if it were unset.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'newsdesk.sqlite3'}"
    )
}
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
# Connections outlive a request on both engines: on SQLite, opening one per request (with its
# PRAGMAs and Django's function registrations) cost more CPU than rendering an article page.
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
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}

# --- Task layer: Celery with Redis at scale, in-process (eager) on the embedded default.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A worker logs a line per task, as Celery does; in process that line is noise.
LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"}
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
# Processes that extract pages for the in-process crawl (newsdesk/extract/processes.py): one per
# core, since extraction holds the GIL; 0 extracts in the crawl's own threads, as Celery workers
# (processes already) do.
_CORES = len(os.sched_getaffinity(0))
NEWSDESK_EXTRACT_PROCESSES = env.int(
    "NEWSDESK_EXTRACT_PROCESSES", default=0 if CELERY_BROKER_URL or _CORES < 2 else min(_CORES, 8)
)

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

# --- Embeddings, nearest neighbours, related articles (newsdesk/enrich/{embeddings,vectors}, related.py).
# Default: all-MiniLM-L6-v2 on the CPU. Another local ONNX encoder: set the model (and tokenizer) path.
NEWSDESK_EMBEDDING_MODEL_PATH = env.str("NEWSDESK_EMBEDDING_MODEL_PATH", default="")
NEWSDESK_EMBEDDING_TOKENIZER_PATH = env.str("NEWSDESK_EMBEDDING_TOKENIZER_PATH", default="")
# An OpenAI-compatible endpoint instead: base URL (POST {url}/embeddings), model name, optional key.
NEWSDESK_EMBEDDING_URL = env.str("NEWSDESK_EMBEDDING_URL", default="")
NEWSDESK_EMBEDDING_MODEL = env.str("NEWSDESK_EMBEDDING_MODEL", default="")
NEWSDESK_EMBEDDING_API_KEY = env.str("NEWSDESK_EMBEDDING_API_KEY", default="")
NEWSDESK_EMBEDDING_TIMEOUT = env.float("NEWSDESK_EMBEDDING_TIMEOUT", default=30.0)
# The endpoint's vector size, when known; otherwise asked of it once.
NEWSDESK_EMBEDDING_DIMENSIONS = env.int("NEWSDESK_EMBEDDING_DIMENSIONS", default=0)
# Neighbour search looks this far back (the in-memory index holds this window).
NEWSDESK_VECTOR_WINDOW_DAYS = env.int("NEWSDESK_VECTOR_WINDOW_DAYS", default=30)
# Related articles stored per article (pages show up to 6).
NEWSDESK_RELATED_STORED = env.int("NEWSDESK_RELATED_STORED", default=8)

# SQLite search ranks in a second index of the newest this many articles first
# (newsdesk/store/search_index.py); the scheduler trims it back to about this size.
NEWSDESK_SEARCH_RECENT_ROWS = env.int("NEWSDESK_SEARCH_RECENT_ROWS", default=200_000)

# --- Beyond one machine: page cache, rate limits, Celery at scale, health and metrics
# (newsdesk/web/{cache,ratelimit}.py, newsdesk/web/ops/, newsdesk/tasks.py; see docs/deploy.md).
# Anonymous pages are cached this long at most; content changes invalidate them sooner. 0 turns it off.
NEWSDESK_PAGE_CACHE_SECONDS = env.int("NEWSDESK_PAGE_CACHE_SECONDS", default=300)
# Fragments every reader shares (an article's side column), kept per content generation; 0 = off.
NEWSDESK_FRAGMENT_CACHE_SECONDS = env.int("NEWSDESK_FRAGMENT_CACHE_SECONDS", default=300)
# Without a shared cache (no REDIS_URL) the web and crawler processes of one machine share
# the content generation through this small file.
NEWSDESK_CONTENT_GENERATION_FILE = env.str(
    "NEWSDESK_CONTENT_GENERATION_FILE", default=str(VAR_DIR / "content-generation")
)
# How many reverse proxies (nginx = 1) append to X-Forwarded-For; 0 trusts none of it.
NEWSDESK_TRUSTED_PROXY_COUNT = env.int("NEWSDESK_TRUSTED_PROXY_COUNT", default=0)
if NEWSDESK_TRUSTED_PROXY_COUNT:
    # Our proxy terminates TLS and says so; Django then builds https:// links and secure cookies.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
NEWSDESK_RATELIMIT_ENABLED = env.bool("NEWSDESK_RATELIMIT_ENABLED", default=True)
# Requests a minute to the JSON API (/api/v1/, newsdesk/web/api) per client address.
NEWSDESK_API_RATE_PER_MINUTE = env.int("NEWSDESK_API_RATE_PER_MINUTE", default=120)
# Who may read /metrics (addresses or networks), after the proxy rule above.
NEWSDESK_METRICS_ALLOWED_IPS = env.list("NEWSDESK_METRICS_ALLOWED_IPS", default=["127.0.0.1/32", "::1/128"])
# Database gauges on /metrics are counted at most this often (a full count on a big archive costs).
NEWSDESK_METRICS_CACHE_SECONDS = env.int("NEWSDESK_METRICS_CACHE_SECONDS", default=15)
NEWSDESK_HEALTH_CHECK_BROKER = env.bool("NEWSDESK_HEALTH_CHECK_BROKER", default=True)
MIDDLEWARE[0:0] = [
    "newsdesk.web.ops.middleware.RequestMetricsMiddleware",
    "newsdesk.web.ops.middleware.ProbeMiddleware",
]

# A task whose worker died is handed to another worker after this long; it must exceed the
# longest task (CELERY_TASK_TIME_LIMIT), or slow tasks would run twice (harmless, but wasted).
NEWSDESK_TASK_VISIBILITY_TIMEOUT = env.int("NEWSDESK_TASK_VISIBILITY_TIMEOUT", default=900)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("NEWSDESK_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("NEWSDESK_TASK_TIME_LIMIT", default=300)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": NEWSDESK_TASK_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": min(10, NEWSDESK_TASK_VISIBILITY_TIMEOUT),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("NEWSDESK_WORKER_MAX_TASKS_PER_CHILD", default=1000)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A feed poll or page fetch queued this long ago and still not done is queued again (a message
# lost with the broker, or a page that failed transiently).
NEWSDESK_REQUEUE_AFTER_SECONDS = env.int("NEWSDESK_REQUEUE_AFTER_SECONDS", default=600)
# Per-host politeness across every worker, through Redis (only with REDIS_URL).
NEWSDESK_SHARED_HOST_LIMITS = env.bool("NEWSDESK_SHARED_HOST_LIMITS", default=bool(REDIS_URL))
CELERY_BEAT_SCHEDULE = {
    "poll-due-feeds": {
        "task": "newsdesk.tasks.poll_due_feeds",
        "schedule": float(NEWSDESK_SCHEDULER_INTERVAL),
    },
    "refresh-planner-statistics": {
        "task": "newsdesk.tasks.refresh_statistics",
        "schedule": 6 * 3600.0,
    },
    "trim-search-index": {
        "task": "newsdesk.tasks.trim_search_index",
        "schedule": 600.0,
    },
}

# --- AI panel (newsdesk/ai/): "extractive" runs offline; "openai" is any OpenAI-compatible endpoint.
NEWSDESK_AI_PROVIDER = env.str("NEWSDESK_AI_PROVIDER", default="extractive")
NEWSDESK_LLM_BASE_URL = env.str("NEWSDESK_LLM_BASE_URL", default="http://127.0.0.1:11434/v1")
NEWSDESK_LLM_MODEL = env.str("NEWSDESK_LLM_MODEL", default="")
NEWSDESK_LLM_API_KEY = env.str("NEWSDESK_LLM_API_KEY", default="")
# Seconds to connect and between streamed pieces; failed calls are retried this often.
NEWSDESK_LLM_TIMEOUT = env.float("NEWSDESK_LLM_TIMEOUT", default=30.0)
NEWSDESK_LLM_RETRIES = env.int("NEWSDESK_LLM_RETRIES", default=2)
NEWSDESK_LLM_MAX_TOKENS = env.int("NEWSDESK_LLM_MAX_TOKENS", default=600)
# Uncached panel requests allowed per window, per IP address and per signed-in reader.
NEWSDESK_AI_RATE_PER_IP = env.int("NEWSDESK_AI_RATE_PER_IP", default=30)
NEWSDESK_AI_RATE_PER_USER = env.int("NEWSDESK_AI_RATE_PER_USER", default=60)
NEWSDESK_AI_RATE_WINDOW = env.int("NEWSDESK_AI_RATE_WINDOW", default=600)
NEWSDESK_AI_MAX_QUESTION_CHARS = env.int("NEWSDESK_AI_MAX_QUESTION_CHARS", default=300)
# Languages "Translate" offers: the site's UI languages unless set.
NEWSDESK_AI_TRANSLATE_LANGUAGES = env.list(
    "NEWSDESK_AI_TRANSLATE_LANGUAGES", default=[code for code, _ in LANGUAGES]
)

# --- PostgreSQL (DATABASE_URL=postgres://user:password@host:port/name; docs/deploy.md).
# A kept-alive connection is checked before a request reuses it, so a database restart or
# failover costs one reconnect, not a failed page. The URL's ?conn_health_checks= wins.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# django-environ passes these URL switches on as strings, and Django reads "false" as true.
for _switch in ("CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS"):
    if isinstance(DATABASES["default"].get(_switch), str):
        DATABASES["default"][_switch] = DATABASES["default"][_switch].strip().lower() in (
            "1",
            "true",
            "yes",
            "on",
        )

# Stories (newsdesk/enrich/stories): a story closes after this many hours without a new article;
# the burst bonus favours the story that received an article seconds ago (0 turns it off).
NEWSDESK_STORY_WINDOW_HOURS = env.float("NEWSDESK_STORY_WINDOW_HOURS", default=72.0)
NEWSDESK_STORY_BURST_BONUS = env.float("NEWSDESK_STORY_BURST_BONUS", default=2.0)

# --- Readers: accounts (django-allauth), comments, moderation, follows
# (newsdesk/web/{accounts,comments,moderation,follows}; docs in newsdesk/web/accounts/__init__.py).
INSTALLED_APPS += ["allauth", "allauth.account"]
MIDDLEWARE.append("allauth.account.middleware.AccountMiddleware")
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
TEMPLATES[0]["OPTIONS"].setdefault("libraries", {}).update(
    {
        "newsdesk_comments": "newsdesk.web.comments.templatetags",
        "newsdesk_follows": "newsdesk.web.follows.templatetags",
    }
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_SIGNUP_FORM_CLASS = "newsdesk.web.accounts.forms.DisplayNameSignupForm"
# Bots fill every field; people never see this one.
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
ACCOUNT_FORMS = {"signup": "newsdesk.web.accounts.signup.ReaderSignupForm"}
ACCOUNT_USER_DISPLAY = "newsdesk.web.accounts.lib.display_name"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ALLAUTH_TRUSTED_PROXY_COUNT = NEWSDESK_TRUSTED_PROXY_COUNT
# Failed logins: per address, and per account being guessed at (allauth's "key").
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("NEWSDESK_LOGIN_FAILED_RATE", default="10/m/ip,5/5m/key"),
    "signup": env.str("NEWSDESK_SIGNUP_RATE", default="10/h/ip"),
}

# Mail: printed on the console unless an SMTP server is configured, as
# NEWSDESK_EMAIL_URL=smtp+tls://user:password@host:587 or Django's EMAIL_HOST, EMAIL_PORT, ...
if env.str("NEWSDESK_EMAIL_URL", default=""):
    globals().update(env.email_url("NEWSDESK_EMAIL_URL"))
    # django-environ reads smtps:// as STARTTLS, which port 465 never speaks: it wants TLS at once.
    if globals().get("EMAIL_PORT") == 465 and globals().get("EMAIL_USE_TLS"):
        EMAIL_USE_TLS, EMAIL_USE_SSL = False, True
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("NEWSDESK_FROM_EMAIL", default=f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Comments: authors may edit this long; this many reports from distinct readers hide a comment;
# accounts younger than this have comments with links held for review.
NEWSDESK_COMMENT_EDIT_MINUTES = env.int("NEWSDESK_COMMENT_EDIT_MINUTES", default=15)
NEWSDESK_COMMENT_HIDE_AFTER_REPORTS = env.int("NEWSDESK_COMMENT_HIDE_AFTER_REPORTS", default=3)
NEWSDESK_COMMENT_NEW_ACCOUNT_DAYS = env.int("NEWSDESK_COMMENT_NEW_ACCOUNT_DAYS", default=3)
NEWSDESK_COMMENT_MAX_CHARS = env.int("NEWSDESK_COMMENT_MAX_CHARS", default=4000)
NEWSDESK_COMMENTS_PAGE_SIZE = env.int("NEWSDESK_COMMENTS_PAGE_SIZE", default=20)
# Comments (and reports) allowed per window, per account and per IP address.
NEWSDESK_COMMENT_RATE_PER_USER = env.int("NEWSDESK_COMMENT_RATE_PER_USER", default=5)
NEWSDESK_COMMENT_RATE_PER_IP = env.int("NEWSDESK_COMMENT_RATE_PER_IP", default=20)
NEWSDESK_COMMENT_RATE_WINDOW = env.int("NEWSDESK_COMMENT_RATE_WINDOW", default=300)

# --- Production over HTTPS: a deploy sets NEWSDESK_HTTPS=1 (plain-HTTP `make run` leaves it off).
NEWSDESK_HTTPS = env.bool("NEWSDESK_HTTPS", default=False)
if NEWSDESK_HTTPS:
    SECURE_SSL_REDIRECT = env.bool("NEWSDESK_SSL_REDIRECT", default=True)
    # Probes and scrapers inside the machine speak plain HTTP to the app server.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("NEWSDESK_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("NEWSDESK_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("NEWSDESK_HSTS_PRELOAD", default=True)
    ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
