"""Lentera settings: one module, driven by environment variables.

Every default runs the demo (SQLite in ./data, DEBUG on, console email). Production sets
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL. The helpers below fail loudly on
values they cannot read instead of guessing.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("LENTERA_DATA_DIR", str(BASE_DIR / "data")))
DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Demo and development: a random key kept in the data folder, made on first run.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The public address (https://lentera.example.go.id): certificate QR codes point there. Empty: the
# address of the request that issues them.
SITE_URL = env_str("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "lentera.lib",
    "lentera.accounts",
    "lentera.curriculum",
    "lentera.delivery",
    "lentera.assessment",
    "lentera.certificates",
    "lentera.evaluation",
    "lentera.impact",
    "lentera.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lentera.lib.security.ContentSecurityPolicyMiddleware",
    # the database out of reach while a view runs: 503 "under maintenance, try again shortly"
    "lentera.lib.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lentera.lib.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lentera.accounts.middleware.CurrentLibraryMiddleware",
    # last, as django-axes asks: it turns a refused login into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lentera.urls"
WSGI_APPLICATION = "lentera.wsgi.application"

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
                "lentera.lib.context_processors.current_library",
            ],
        },
    },
]

# Database: SQLite (WAL) in the data folder unless DATABASE_URL is set.
SQLITE_ENGINE = "django.db.backends.sqlite3"
# Every SQLite database gets these, the default one and one named by DATABASE_URL alike:
# - WAL: readers never wait for the writer. A busy timeout: a writer waits up to 5 s for another
#   instead of failing at once with "database is locked". IMMEDIATE transactions: a transaction
#   takes the write lock when it begins (waiting its turn), so one that reads then writes is never
#   refused at its first write because another wrote in between.
# - secure_delete: a deleted row's bytes are overwritten, not left in free pages where a copy of the
#   file would still show them (anonymous feedback, docs/architecture.md).
SQLITE_OPTIONS: dict[str, Any] = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA secure_delete=ON;"
    ),
    "transaction_mode": "IMMEDIATE",
}


def database_settings(environ: Mapping[str, str], data_dir: Path) -> dict[str, dict[str, Any]]:
    """DATABASES from an environment: DATABASE_URL when set, else an SQLite file in the data folder.

    Options given in a DATABASE_URL's query string win over SQLITE_OPTIONS."""
    url = environ.get("DATABASE_URL", "")
    if url:
        raw_age = environ.get("DB_CONN_MAX_AGE", "")
        try:
            conn_max_age = int(raw_age) if raw_age else 60
        except ValueError as exc:
            raise ImproperlyConfigured(f"DB_CONN_MAX_AGE={raw_age!r} is not an integer") from exc
        database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        database = {"ENGINE": SQLITE_ENGINE, "NAME": str(data_dir / "lentera.sqlite3")}
    if database.get("ENGINE") == SQLITE_ENGINE:
        database["OPTIONS"] = {**SQLITE_OPTIONS, **database.get("OPTIONS", {})}
    return {"default": database}


DATABASES = database_settings(os.environ, DATA_DIR)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes' lockout check first (refuses a locked-out username before any password is
    # checked), then the ordinary username and password. The subclass only adds that an
    # authenticate() without a request (a management command, a test's client.login()) is not a
    # login from the web and is not counted; see lentera/accounts/backends.py.
    "lentera.accounts.backends.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (django-axes), counted two ways (lentera/accounts/lockout.py):
# - per username AND client address: AXES_FAILURE_LIMIT (5) wrong passwords from one address lock
#   that username there, for AXES_COOLOFF_TIME. This is the lockout a person meets after their own
#   typos; a colleague at another address (or the same person at home) can still sign in.
# - per username across all addresses: LOGIN_USERNAME_CEILING (30) wrong passwords within the
#   cool-off lock the username everywhere. A guesser who rotates addresses gets 30 tries, not five
#   per address; locking someone else out takes 30 tries instead of five, from a stranger's own
#   address it takes six lockouts' worth, and each address is also rate limited (lib/ratelimit.py).
# Shared-PC friendliness: one person's typos at the library's shared PC lock only that person's
# username (others sign in from the same PC), and the whole building behind one NAT address is not
# locked out by one person. The coordinator's unlock and a new password by email clear both counts.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LOGIN_USERNAME_CEILING = env_int("LOGIN_USERNAME_CEILING", 30)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "lentera.accounts.lockout.LoginLockoutHandler"
AXES_RESET_ON_SUCCESS = True
# Tries during a lockout are refused without restarting the clock, so "try again in 15 minutes"
# stays true for someone who tries once more after ten.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A page of its own at the login address: the lockout message and the way out (a new password by
# email lifts the lock), status 429 (lentera/accounts/views.py, login_locked_out).
AXES_LOCKOUT_CALLABLE = "lentera.accounts.views.login_locked_out"
# UU PDP, least data: keep the failed attempts lockout needs, not a log of every login.
AXES_DISABLE_ACCESS_LOG = True
# The client address, the same for the lockout and the rate limits (lentera/lib/ratelimit.py):
# REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies (nginx: 1) the X-Forwarded-For entry the
# outermost proxy added, counted from the right so a client cannot choose its own address.
TRUSTED_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "lentera.lib.ratelimit.client_address"

# Caches. "shared" is Django's database cache, one table made by `migrate` (lentera/lib/migrations),
# seen by every gunicorn worker with no extra server: the rate limits of the public pages count
# there. "default" stays in each process's memory, for figures that are only worth memoising
# (evaluation's rating counts, exact by their key); a miss costs a query, never a wrong answer.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "lentera_cache",
        # expired rows go when the table passes this many (a rate-limit row lives one window)
        "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
    },
}
# Per-client limits of the public pages: {"scope": (requests, seconds)} overrides the defaults in
# lentera/lib/ratelimit.py (RATES).
RATE_LIMITS: dict[str, tuple[int, int]] = {}

# Language and time: Indonesian first, English switchable; Western Indonesia Time.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "id")
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "lentera_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
# Uploads are private except the library logos (lentera/lib/downloads.py). With nginx in front, the
# address of its `internal` location aliasing MEDIA_ROOT (e.g. /protected-media/): the access-checked
# download views then answer with X-Accel-Redirect and nginx sends the bytes. Empty: Django sends them.
MEDIA_ACCEL_REDIRECT = env_str("MEDIA_ACCEL_REDIRECT", "")
# The media storage: a file that cannot be written (folder permissions, a full disk) is a form error
# the person can act on, and its cause is logged (lentera/lib/uploads.py, MediaStorage).
STORAGES = {
    "default": {"BACKEND": "lentera.lib.uploads.MediaStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

# Email: the console by default; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Lentera <noreply@lentera.local>")
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    # port 465 (implicit TLS) needs EMAIL_USE_SSL=1, and then STARTTLS is off: Django refuses both at once
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL) and not EMAIL_USE_SSL
    EMAIL_TIMEOUT = 30  # an unreachable server fails the worker's send, never hangs it
elif env_str("EMAIL_FILE_PATH"):
    # the demo: each email a file in this folder (make demo sets data/emails), readable after the fact
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Background work: a database queue (django-tasks-db); `manage.py lentera_worker` in production.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"  # signed cookie: no DB write per flash
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Strict policy: no inline script or style anywhere in the product.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Product settings with defaults; a library can override most of them on its own record.
LENTERA = {
    "JP_MINUTES": 45,
    "YEARLY_JP_TARGET": 20,
    "ANONYMITY_FLOOR": 5,
    # One-time ways in for people who have no password yet (accounts.SignInCode).
    "INVITATION_DAYS": env_int("INVITATION_DAYS", 14),  # an emailed or WhatsApp link works this long
    "SIGNIN_CODE_DAYS": env_int("SIGNIN_CODE_DAYS", 7),  # a code on the printed first-day sheet
    "SIGNIN_CODE_MAX_FAILURES": 10,  # wrong secrets for one code before it stops working
}

# Background jobs (lentera/lib/jobs.py, `manage.py lentera_worker`): a worker whose heartbeat is
# older than this many seconds is taken for dead, and the job it was running is run again (when
# that is safe) or marked failed with the reason. It beats every sixth of this.
WORKER_LOST_AFTER = env_int("WORKER_LOST_AFTER", 60)
