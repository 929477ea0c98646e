"""Django settings for the homeward case-management application.

Everything that differs between a laptop demo and production comes from the environment:

- ``HOMEWARD_ENV``: ``development`` (default: DEBUG on, a fixed development secret, console
  email) or ``production`` (DEBUG off, secret and allowed hosts required, secure cookies).
- ``HOMEWARD_DATABASE_URL``: ``postgresql://user:password@host:port/name`` for PostgreSQL;
  unset, an embedded SQLite file at ``HOMEWARD_SQLITE_PATH`` (default ``var/homeward.sqlite3``).
- ``HOMEWARD_SECRET_KEY``, ``HOMEWARD_SECRET_KEY_FALLBACKS`` (comma separated, old keys being
  rotated out), ``HOMEWARD_FIELD_SALTS`` (comma separated salts of the encrypted fields, the
  newest first; see docs/security.md for key rotation), ``HOMEWARD_ALLOWED_HOSTS``.
- ``HOMEWARD_EMAIL_BACKEND`` and Django's usual ``EMAIL_*`` variables for alerts.
- ``HOMEWARD_OIDC_*``: single sign-on by OpenID Connect (Microsoft Entra ID), off unless set.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]
ENV = os.environ.get("HOMEWARD_ENV", "development")
if ENV not in ("development", "production"):
    raise ImproperlyConfigured("HOMEWARD_ENV must be development or production")
PRODUCTION = ENV == "production"
DEBUG = not PRODUCTION and os.environ.get("HOMEWARD_DEBUG", "1") == "1"


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


if PRODUCTION:
    try:
        SECRET_KEY = os.environ["HOMEWARD_SECRET_KEY"]
    except KeyError:
        raise ImproperlyConfigured("HOMEWARD_SECRET_KEY is required in production") from None
    ALLOWED_HOSTS = _list("HOMEWARD_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("HOMEWARD_ALLOWED_HOSTS is required in production")
else:
    # A fixed key for development and tests only: production refuses to start without one.
    SECRET_KEY = os.environ.get(
        "HOMEWARD_SECRET_KEY", "development-only-not-secret-homeward-0123456789-abcdefghijklmnop"
    )
    ALLOWED_HOSTS = _list("HOMEWARD_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
SECRET_KEY_FALLBACKS = _list("HOMEWARD_SECRET_KEY_FALLBACKS")

#: Salts of the encrypted fields (django-fernet-encrypted-fields): the first encrypts, all
#: decrypt, so a new salt is added first and old ones removed once re-encrypted.
SALT_KEY = _list("HOMEWARD_FIELD_SALTS", "homeward-development-salt")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the GOV.UK form renderer (TemplatesSetting) overrides its templates
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "auditlog",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "homeward.organisations",
    "homeward.accounts",
    "homeward.audit",
    "homeward.cases",
    "homeward.intake",
    "homeward.api",
    "homeward.returns",
    "homeward.intelligence",
    "homeward.panel",
    "homeward.places",
    "homeward.care",
    "homeward.exchange",
    "homeward.profiles",
    "homeward.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # `Cache-Control: no-store` on everything but the static files WhiteNoise serves above.
    "homeward.web.middleware.NoStoreMiddleware",
    # A big police batch on SQLite pauses between chunks only while pages are in use.
    "homeward.web.middleware.PagesInUseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs sign-in unless its view is marked `login_not_required` (sign-in
    # itself): a new page cannot be left open by forgetting a decorator.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "homeward.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "homeward.site.urls"
WSGI_APPLICATION = "homeward.site.wsgi.application"

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
                "csp.context_processors.nonce",
                "homeward.web.context.navigation",
            ],
        },
    },
]
FORM_RENDERER = "homeward.web.forms.GovukFormRenderer"


def _database() -> dict[str, object]:
    url = os.environ.get("HOMEWARD_DATABASE_URL")
    if url:
        parts = urlparse(url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise ImproperlyConfigured("HOMEWARD_DATABASE_URL must be a postgresql:// URL")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parts.path.lstrip("/"),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "TEST": {"NAME": f"test_{parts.path.lstrip('/')}"},
        }
    path = Path(os.environ.get("HOMEWARD_SQLITE_PATH", BASE_DIR / "var" / "homeward.sqlite3"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # WAL and IMMEDIATE transactions: web requests and the clock job write side by side
        # without "database is locked" (a writer waits for the lock instead of failing late).
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        # Keep each server thread's connection between requests, as for PostgreSQL: closing
        # the last connection to a WAL database checkpoints it, which cost a millisecond or
        # more on every request (benchmarks/README.md).
        "CONN_MAX_AGE": 60,
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
OIDC_ENABLED = bool(os.environ.get("HOMEWARD_OIDC_CLIENT_ID"))
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("homeward.accounts.oidc.HomewardOIDCBackend")
    INSTALLED_APPS.append("mozilla_django_oidc")
    OIDC_RP_CLIENT_ID = os.environ["HOMEWARD_OIDC_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("HOMEWARD_OIDC_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("HOMEWARD_OIDC_JWKS_ENDPOINT", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("HOMEWARD_OIDC_AUTHORIZATION_ENDPOINT", "")
    OIDC_OP_TOKEN_ENDPOINT = os.environ.get("HOMEWARD_OIDC_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = os.environ.get("HOMEWARD_OIDC_USER_ENDPOINT", "")
    OIDC_CREATE_USER = False  # accounts are made by an administrator, with a role
    OIDC_RP_SCOPES = "openid email profile"
    # Entra ID's tenant (directory) id: sign-ins from any other tenant are refused.
    OIDC_TENANT_ID = os.environ.get("HOMEWARD_OIDC_TENANT_ID", "")
    LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?sso=failed"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:sign-in"

# Lockout after repeated failures (django-axes): 5 failures per username and address lock
# the account for an hour; an administrator can unlock sooner.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Two-factor: local accounts must verify a TOTP device (homeward.accounts.middleware).
OTP_TOTP_ISSUER = "homeward"
HOMEWARD_REQUIRE_TWO_FACTOR = os.environ.get("HOMEWARD_REQUIRE_TWO_FACTOR", "1") == "1"

# Idle sessions expire after 30 minutes without a request; the cookie dies with the browser.
HOMEWARD_IDLE_SECONDS = int(os.environ.get("HOMEWARD_IDLE_SECONDS", "1800"))
# The largest police notification API body (a batch): 20 MB by default.
HOMEWARD_API_MAX_BYTES = int(os.environ.get("HOMEWARD_API_MAX_BYTES", str(20 * 1024 * 1024)))
# Big police batches (docs/police-notifications.md): a batch of more than this many records
# is queued and taken in by the background worker (`manage.py db_worker`), this many
# records to a transaction, so no write lock is held for long; smaller ones at once.
HOMEWARD_INTAKE_QUEUE_OVER = int(os.environ.get("HOMEWARD_INTAKE_QUEUE_OVER", "1000"))
HOMEWARD_INTAKE_CHUNK = int(os.environ.get("HOMEWARD_INTAKE_CHUNK", "20"))
# Families of the risk vocabulary (homeward.police.risk_words) this authority leaves out of
# the "absent, but with signs of risk" miscoding rule: comma-separated codes.
HOMEWARD_RISK_FAMILIES_IGNORED = frozenset(_list("HOMEWARD_RISK_FAMILIES_IGNORED"))


def _check_risk_families() -> None:
    from homeward.police.risk_words import family_codes

    unknown = sorted(HOMEWARD_RISK_FAMILIES_IGNORED - set(family_codes()))
    if unknown:
        raise ImproperlyConfigured(
            f"HOMEWARD_RISK_FAMILIES_IGNORED: no risk family {', '.join(unknown)}; the "
            f"families are {', '.join(family_codes())}"
        )


_check_risk_families()
# The task queue: Django's tasks framework (the django-tasks backport) with its database
# backend, so a queued batch survives a restart; the worker is `manage.py db_worker`
# (docs/operations.md).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Police intelligence (docs/police-intelligence.md): where submissions are POSTed, the bearer
# token, and how long to wait for an answer. Unset, submissions are downloaded as files.
HOMEWARD_INTELLIGENCE_ENDPOINT = os.environ.get("HOMEWARD_INTELLIGENCE_ENDPOINT", "")
HOMEWARD_INTELLIGENCE_TOKEN = os.environ.get("HOMEWARD_INTELLIGENCE_TOKEN", "")
HOMEWARD_INTELLIGENCE_TIMEOUT = float(os.environ.get("HOMEWARD_INTELLIGENCE_TIMEOUT", "10"))
# The national body's instance this one sends its annual return to (its GSS code, a partner
# on the exchange; docs/national-collection.md). Unset: no national collection.
HOMEWARD_NATIONAL_COLLECTION = os.environ.get("HOMEWARD_NATIONAL_COLLECTION", "")
# This instance is a national body's: it takes authorities' annual returns (1 to turn on).
HOMEWARD_NATIONAL_BODY = os.environ.get("HOMEWARD_NATIONAL_BODY", "") == "1"
# Messages between authorities' instances (docs/exchange.md): how long to wait for a
# partner's answer, and whether a partner's address may be plain http:// (only for two
# instances on one machine, as the demo and the tests run them; never in production).
HOMEWARD_EXCHANGE_TIMEOUT = float(os.environ.get("HOMEWARD_EXCHANGE_TIMEOUT", "10"))
HOMEWARD_EXCHANGE_ALLOW_HTTP = os.environ.get("HOMEWARD_EXCHANGE_ALLOW_HTTP", "0") == "1"
if PRODUCTION and HOMEWARD_EXCHANGE_ALLOW_HTTP:
    raise ImproperlyConfigured("HOMEWARD_EXCHANGE_ALLOW_HTTP is for development only")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("HOMEWARD_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy: no inline script except GOV.UK Frontend's one-line
# `js-enabled` snippet, which carries the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],  # the sentinel, not a string: a per-request nonce
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# The hotspot map's background tiles (docs/hotspots.md): a URL template such as
# `https://tiles.example.org/{z}/{x}/{y}.png`, and the attribution its licence asks for.
# Blank (the default): no tiles, and no other site is ever asked for anything. When set,
# the tile server (and only it) is allowed in img-src.
HOMEWARD_MAP_TILES = os.environ.get("HOMEWARD_MAP_TILES", "").strip()
HOMEWARD_MAP_ATTRIBUTION = os.environ.get("HOMEWARD_MAP_ATTRIBUTION", "").strip()
if HOMEWARD_MAP_TILES:
    _tiles = urlparse(HOMEWARD_MAP_TILES)
    if _tiles.scheme not in ("https", "http") or not _tiles.hostname:
        raise ImproperlyConfigured("HOMEWARD_MAP_TILES must be an https:// URL template")
    if PRODUCTION and _tiles.scheme != "https":
        raise ImproperlyConfigured("HOMEWARD_MAP_TILES must be https in production")
    # `{s}` (a subdomain the map picks) is any subdomain of the host to the browser.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"
    )

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
if not PRODUCTION:  # collectstatic fills it in production; WhiteNoise expects it to exist
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("govuk", BASE_DIR / "var" / "govuk"), BASE_DIR / "homeward" / "web" / "static"]
STATICFILES_DIRS.append(("leaflet", BASE_DIR / "var" / "leaflet"))  # homeward/web/assets.py
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

EMAIL_BACKEND = os.environ.get(
    "HOMEWARD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("HOMEWARD_FROM_EMAIL", "homeward@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

# The cache holds figures that are slow to compute (the indicators page's tables), under keys
# that change with the records they come from, so it never serves figures older than the
# records. `memory` (default): each server process keeps its own. `database`: all processes
# share one table (run `manage.py createcachetable` once), so each figure is computed once.
CACHE_KIND = os.environ.get("HOMEWARD_CACHE", "memory")
if CACHE_KIND not in ("memory", "database"):
    raise ImproperlyConfigured("HOMEWARD_CACHE must be memory or database")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "homeward_cache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
        if CACHE_KIND == "database"
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "homeward",
            "OPTIONS": {"MAX_ENTRIES": 200},
        }
    )
}

AUDITLOG_INCLUDE_ALL_MODELS = False
# Masked (encrypted) fields leave nothing of their value in the change history: auditlog's
# default mask keeps half of it in clear.
AUDITLOG_MASK_CALLABLE = "homeward.audit.masking.hide"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
