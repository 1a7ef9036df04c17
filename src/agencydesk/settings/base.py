"""Settings read from the environment.

With no environment at all AgencyDesk runs on localhost: SQLite in WAL mode in
the data folder, a secret generated once and kept there, the database task
backend with an in-process worker.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from agencydesk.core.queues import QUEUES

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("AGENCYDESK_DATA_DIR", Path.cwd() / "data")).resolve()


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    # Keep a generated key in the data folder so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "agencydesk.core",
    "agencydesk.accounts",
    "agencydesk.calendars",
    "agencydesk.clients",
    "agencydesk.messaging",
    "agencydesk.commitments",
    "agencydesk.work",
    "agencydesk.approvals",
    "agencydesk.insights",
    "agencydesk.integrations.telegram",
    "agencydesk.integrations.email",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "agencydesk.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "agencydesk.core.middleware.UserLanguageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "agencydesk.urls"
WSGI_APPLICATION = "agencydesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "agencydesk.core.context_processors.navigation",
            ],
        },
    },
]


def _database() -> dict:
    default_sqlite = f"sqlite:///{DATA_DIR / 'agencydesk.sqlite3'}"
    url = os.environ.get("DATABASE_URL") or default_sqlite
    if url.startswith("sqlite:"):
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    # Persistent connections on both: a new SQLite connection per request (with its
    # PRAGMAs) cost a third of a small API request's time.
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # WAL lets readers work while the worker writes; IMMEDIATE takes the
            # write lock up front so concurrent writers wait instead of failing.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "insights:today"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login rate limiting: five failures per username and address lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# A lockout is never the end: the reset link by e-mail clears it (accounts.signals),
# and administrators clear it on the lockouts page. Links expire after an hour.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", "3600"))

# Response headers (core.middleware.SecurityHeadersMiddleware and django-csp).
# No inline script anywhere: htmx is told not to inject its indicator <style>
# (templates/base.html), the language switcher submits itself from agencydesk/app.js.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("uk", "Українська"),
    ("bg", "Български"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("AGENCYDESK_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Served straight from the app folders: no collectstatic step on a laptop.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REDIS_URL = os.environ.get("REDIS_URL", "")
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "rq" if REDIS_URL else "database")


def _tasks() -> dict:
    # Every backend knows both queues; workers serve them in the order of TASK_QUEUES.
    if TASKS_BACKEND == "rq":
        return {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
    if TASKS_BACKEND == "immediate":
        return {
            "default": {
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "QUEUES": TASK_QUEUES,
            }
        }
    if TASKS_BACKEND != "database":
        raise ValueError(
            f"TASKS_BACKEND must be 'database', 'rq' or 'immediate', not {TASKS_BACKEND!r}"
        )
    return {
        "default": {
            "BACKEND": "agencydesk.core.task_backends.QueueOrderedDatabaseBackend",
            "QUEUES": TASK_QUEUES,
        }
    }


TASK_QUEUES = list(QUEUES)
TASKS = _tasks()
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"} for name in TASK_QUEUES}
# A task row the database backend marks running, of a worker that cannot be
# asked whether it still lives (another machine), is given up after this long.
TASKS_RUNNING_TIMEOUT = int(os.environ.get("TASKS_RUNNING_TIMEOUT", "900"))

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "desk@agencydesk.localhost")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"ordinary_refusal": {"()": "agencydesk.core.log_filters.OrdinaryRefusalFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["ordinary_refusal"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "agencydesk": {"level": os.environ.get("LOG_LEVEL", "INFO")},
        "axes": {"level": "WARNING"},
    },
}

AGENCY_NAME = os.environ.get("AGENCYDESK_AGENCY_NAME", _("Your agency"))
# Default targets of the rules, in business minutes of the client's calendar.
# After this time of the client's day a deliverable is due too late to be reviewed the same day.
AGENCYDESK_LATE_IN_DAY = os.environ.get("AGENCYDESK_LATE_IN_DAY", "15:00")
# How far ahead the clock creates the occurrences of recurring deliverables.
AGENCYDESK_RECURRING_AHEAD_DAYS = int(os.environ.get("AGENCYDESK_RECURRING_AHEAD_DAYS", "14"))
# How many calendar days a client's approval link stays valid after it was sent.
AGENCYDESK_APPROVAL_LINK_DAYS = int(os.environ.get("AGENCYDESK_APPROVAL_LINK_DAYS", "30"))
AGENCYDESK_FIRST_RESPONSE_MINUTES = int(os.environ.get("AGENCYDESK_FIRST_RESPONSE_MINUTES", "10"))

# Telegram (integrations/telegram): the bot's token, the Bot API's address (tests
# point it at a local fake server), and the secret Telegram sends with each webhook call.
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_API_URL = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org")
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
# Seconds to wait for Telegram's answer; no answer after sending is the ambiguous case.
TELEGRAM_TIMEOUT = float(os.environ.get("TELEGRAM_TIMEOUT", "10"))

# E-mail (integrations/email): the Fernet key that encrypts mailbox passwords at
# rest (required in production; derived from SECRET_KEY elsewhere), and seconds
# to wait for an IMAP or SMTP server.
AGENCYDESK_MAILBOX_KEY = os.environ.get("AGENCYDESK_MAILBOX_KEY", "")
EMAIL_CONNECT_TIMEOUT = float(os.environ.get("EMAIL_CONNECT_TIMEOUT", "20"))
