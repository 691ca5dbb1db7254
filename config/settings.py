"""Shuzhi settings: one module, configured from the environment.

Every value has a default that works on a developer's machine with no service running (the
"embedded default": SQLite under ``var/``, Celery tasks run in-process, local files). Production
sets ``DEBUG=0`` and the variables documented in README.md; without ``SECRET_KEY`` it refuses to
start rather than run with a guessable key.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
SITE_DIR = BASE_DIR / "site"
VAR_DIR = Path(os.environ.get("SHUZHI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Shuzhi refuses to start without a secret key: "
            "set the SECRET_KEY environment variable to a long random string, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "django-insecure-shuzhi-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Shuzhi, top of the map first.
    "portal",
    "analytics",
    "certificates",
    "courses",
    "assessments",
    "competencies",
    "people",
    "jobs",
    # Wagtail
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.redirects",
    "wagtail.contrib.typed_table_block",
    "wagtail.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "ninja",  # so its API docs use bundled static files, not a CDN
    # Django and infrastructure
    "django_celery_results",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
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
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.display_preferences",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'shuzhi.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE transactions take the write lock
    # up front, so concurrent writers wait (up to the timeout) instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------------

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker every task runs in-process at once, so the embedded default needs no service.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_STORE_EAGER_RESULT = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_TRACK_STARTED = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 200)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 600_000)  # KiB
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 3600)
# Periodic work (run `celery -A config beat` beside the worker).
CELERY_BEAT_SCHEDULE = {
    # Attempts whose time ran out while nobody was looking are graded with what was saved.
    "assessments-close-expired": {
        "task": "assessments.tasks.close_expired_attempts",
        "schedule": 60.0,
    },
}
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# With acks_late on Redis a task still running when the visibility timeout ends is delivered again.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 600}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic tasks: each feature app names its own here (config is the wiring).
CELERY_BEAT_SCHEDULE: dict = {}

# --- Internationalisation ----------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [SITE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files ---------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # also creates var/ for the default SQLite file
STATICFILES_DIRS = [
    SITE_DIR / "static",
    # plotly.js from the plotly package itself: charts never load a script from a CDN.
    ("vendor/plotly", Path(importlib.util.find_spec("plotly").origin).parent / "package_data"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development WhiteNoise serves straight from the finders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Auth -------------------------------------------------------------------------------------

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:my_learning"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Wagtail ------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "数智 Shuzhi"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "xlsx", "pdf", "txt", "vtt", "mp4", "webm", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 200 * 1024 * 1024
# Nothing may call out to the internet at run time.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILEMBEDS_FINDERS: list = []
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

# --- Mail ---------------------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "shuzhi@localhost")

# --- Security -------------------------------------------------------------------------------------

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Nothing frames the site; Wagtail marks its own preview views SAMEORIGIN where it needs them.
X_FRAME_OPTIONS = "DENY"

# The front end runs no inline script; the Wagtail admin needs a looser policy (see
# portal.middleware). Plotly sets inline styles, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "media-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}

# --- Shuzhi ---------------------------------------------------------------------------------------

# Reports never show a figure that describes fewer people than this (privacy guardrail).
SHUZHI_MIN_GROUP_SIZE = env_int("SHUZHI_MIN_GROUP_SIZE", 5)

# --- people: roster import -----------------------------------------------------------------------

# Files that hold personal data and must never be served by URL (uploaded rosters and their
# reports) live here, outside MEDIA_ROOT. Workers must see the same directory as the web tier.
SHUZHI_PRIVATE_DIR = Path(os.environ.get("SHUZHI_PRIVATE_DIR", VAR_DIR / "private"))
SHUZHI_ROSTER_MAX_UPLOAD_MB = env_int("SHUZHI_ROSTER_MAX_UPLOAD_MB", 50)
# Uploaded roster files not imported within this many days are deleted (their record stays).
SHUZHI_ROSTER_RETENTION_DAYS = env_int("SHUZHI_ROSTER_RETENTION_DAYS", 7)
CELERY_BEAT_SCHEDULE["people-purge-roster-uploads"] = {
    "task": "people.tasks.purge_roster_uploads",
    "schedule": 6 * 3600,
}

# --- analytics ------------------------------------------------------------------------------------

# New evidence queues its cadres; one refresh runs this many seconds after the first write.
ANALYTICS_REFRESH_DEBOUNCE_S = env_int("ANALYTICS_REFRESH_DEBOUNCE_S", 30)
CELERY_BEAT_SCHEDULE["analytics-refresh-all"] = {
    "task": "analytics.tasks.refresh_all_task",
    "schedule": crontab(hour=2, minute=30),  # nightly, Asia/Shanghai
}

# --- portal ---------------------------------------------------------------------------------------

# Show the demo logins (and their shared password) on the home and login pages. On by default
# only in DEBUG; a production site never shows them, whatever data it holds.
SHUZHI_DEMO_LOGINS = env_bool("SHUZHI_DEMO_LOGINS", DEBUG)

# --- Courses -------------------------------------------------------------------------------------

# Credit hours (学时) a cadre should earn each calendar year (My learning shows progress).
SHUZHI_ANNUAL_CREDIT_HOURS = env_int("SHUZHI_ANNUAL_CREDIT_HOURS", 50)
# Active-time rule (docs/courses.md): a heartbeat adds the time since the previous one, at most
# the cap; a gap longer than the idle limit adds nothing. The browser beats every 30 s.
SHUZHI_COURSES_HEARTBEAT_CAP = env_int("SHUZHI_COURSES_HEARTBEAT_CAP", 45)
SHUZHI_COURSES_IDLE_LIMIT = env_int("SHUZHI_COURSES_IDLE_LIMIT", 90)
# Assigned cadres get one email reminder when the deadline is this many days away or fewer.
SHUZHI_COURSES_REMINDER_DAYS = env_int("SHUZHI_COURSES_REMINDER_DAYS", 7)
CELERY_BEAT_SCHEDULE["courses-deadline-reminders"] = {
    "task": "courses.tasks.send_deadline_reminders",
    "schedule": 24 * 3600,
}

# --- Certificates --------------------------------------------------------------------------------

# The Ed25519 key that signs Open Badges credentials: a PEM in SHUZHI_ISSUER_KEY or a file named
# by SHUZHI_ISSUER_KEY_FILE. Without either, development generates one into var/ (see
# docs/certificates.md); `check --deploy` fails in production until one is configured.
CERTIFICATES_ISSUER_KEY = os.environ.get("SHUZHI_ISSUER_KEY", "")
CERTIFICATES_ISSUER_KEY_FILE = os.environ.get("SHUZHI_ISSUER_KEY_FILE", "")
CERTIFICATES_DEMO_KEY_FILE = VAR_DIR / "issuer-ed25519.pem"
CERTIFICATES_GENERATE_DEMO_KEY = DEBUG
# The signer class (certificates.signing.Signer) for the issuer key; SM2 would be another one.
CERTIFICATES_SIGNER = "certificates.signing.Ed25519Signer"
# Absolute URLs in QR codes and credentials point here (the public address of the site).
CERTIFICATES_BASE_URL = os.environ.get("SITE_URL", WAGTAILADMIN_BASE_URL).rstrip("/")
CERTIFICATES_ISSUER_NAME_ZH = os.environ.get("SHUZHI_ISSUER_NAME_ZH", "数智干部数字素养培训平台")
CERTIFICATES_ISSUER_NAME_EN = os.environ.get(
    "SHUZHI_ISSUER_NAME_EN", "Shuzhi Digital Competence Training Platform"
)
# Issued PDFs and batch ZIPs are personal data: kept outside MEDIA_ROOT, served by permission.
CERTIFICATES_PRIVATE_ROOT = Path(
    os.environ.get("SHUZHI_CERTIFICATES_ROOT", VAR_DIR / "private" / "certificates")
)
# Public verification: at most this many look-ups per client IP per window (seconds).
CERTIFICATES_VERIFY_LIMIT = env_int("CERTIFICATES_VERIFY_LIMIT", 30)
CERTIFICATES_VERIFY_WINDOW = env_int("CERTIFICATES_VERIFY_WINDOW", 60)
# Font families certificates are set in; `manage.py check` fails when none is installed.
CERTIFICATES_CJK_FONTS = ["Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei"]
# Certificates rendered per WeasyPrint document in a batch (bounds memory and font subsets).
CERTIFICATES_BATCH_CHUNK = env_int("CERTIFICATES_BATCH_CHUNK", 100)
LOGGING["loggers"]["weasyprint"] = {"level": "WARNING"}
LOGGING["loggers"]["fontTools"] = {"level": "WARNING"}
