"""Tether settings, driven by the environment.

DATABASE_URL   default: sqlite:///<repo>/var/tether.sqlite3 (the embedded database)
TETHER_SECRET_KEY, TETHER_DEBUG, TETHER_ALLOWED_HOSTS, TETHER_PRODUCTION
TETHER_REQUIRE_2FA (default 1), TETHER_LOCKOUT_ATTEMPTS (default 5), TETHER_LOCKOUT_MINUTES (default 30),
TETHER_LOCKOUT_BY_IP (default 0), TETHER_SESSION_IDLE_SECONDS (default 900), TETHER_TLS_PROXY (default 0)
TETHER_EMAIL_BACKEND (console in development, SMTP in production), TETHER_EMAIL_HOST, TETHER_EMAIL_PORT,
TETHER_EMAIL_HOST_USER, TETHER_EMAIL_HOST_PASSWORD, TETHER_EMAIL_USE_TLS, TETHER_DEFAULT_FROM_EMAIL,
TETHER_BASE_URL (links in e-mails)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: str) -> bool:
    """An on/off environment variable: "0", "false", "no", "off" (any case) or empty are off."""
    return os.environ.get(name, default).strip().lower() not in {"0", "false", "no", "off", ""}


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TETHER_VAR_DIR", BASE_DIR / "var"))
NODE_MODULES = BASE_DIR / "node_modules"

DEV_SECRET_KEY = "tether-development-key-not-for-production"  # noqa: S105
SECRET_KEY = os.environ.get("TETHER_SECRET_KEY", DEV_SECRET_KEY)
PRODUCTION = _flag("TETHER_PRODUCTION", "0")
DEBUG = _flag("TETHER_DEBUG", "0" if PRODUCTION else "1")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("TETHER_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]
# Two-factor sign-in (TOTP) for every role that sees personal data. On unless TETHER_REQUIRE_2FA=0.
TETHER_REQUIRE_2FA = _flag("TETHER_REQUIRE_2FA", "1")

# The key of the keyed hash (HMAC-SHA256) of card, account and identity document numbers (register.prescribed):
# the register keeps the last 4 characters and this hash, never a full number. Keep it apart from the database and
# its backups; a new key makes the stored hashes unmatchable (nothing else breaks).
DEV_PRESCRIBED_KEY = "tether-development-prescribed-key-not-for-production"
TETHER_PRESCRIBED_KEY = os.environ.get("TETHER_PRESCRIBED_KEY", DEV_PRESCRIBED_KEY)

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("TETHER_PRODUCTION=1 refuses to start with TETHER_DEBUG on.")
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("TETHER_PRODUCTION=1 needs TETHER_SECRET_KEY set to a random value of 40+ chars.")
    if TETHER_PRESCRIBED_KEY == DEV_PRESCRIBED_KEY or len(TETHER_PRESCRIBED_KEY) < 32:
        raise ImproperlyConfigured("TETHER_PRODUCTION=1 needs TETHER_PRESCRIBED_KEY set to a random value of 32+ "
                                   "chars (the key of the hashes of card, account and document numbers).")
    if "TETHER_ALLOWED_HOSTS" not in os.environ or not ALLOWED_HOSTS:
        raise ImproperlyConfigured("TETHER_PRODUCTION=1 needs TETHER_ALLOWED_HOSTS set to the site's host names.")
    if any("*" in h for h in ALLOWED_HOSTS):
        raise ImproperlyConfigured("TETHER_PRODUCTION=1 refuses a wildcard in TETHER_ALLOWED_HOSTS.")
    if not TETHER_REQUIRE_2FA:
        raise ImproperlyConfigured("TETHER_PRODUCTION=1 refuses to start with TETHER_REQUIRE_2FA off.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "ninja",  # its Swagger UI files are served from here (no CDN: the CSP allows only this origin)
    "tether.core",
    "tether.ui",
    "tether.access",
    "tether.audit",
    "tether.register",
    "tether.identity",
    "tether.casework",
    "tether.management",
    "tether.tracing",
    "tether.reports",
    "tether.home",
    # migration histories of the apps whose tables moved into register and casework (tether/legacy)
    "tether.legacy.people",
    "tether.legacy.cases",
    "tether.legacy.compliance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tether.ui.boundary.CSPMiddleware",  # django-csp, keeping the policy on Tether's own error pages
    "tether.access.sessions.SessionMiddleware",  # writes an unchanged session only when its deadline moves
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a TOTP code was given this session
    "tether.ui.boundary.BoundaryMiddleware",  # sizes and the one text rule, before anything reads the body
    "tether.ui.boundary.NoStoreMiddleware",  # no cached copies of pages or API answers (personal data)
    "tether.ui.boundary.OwnErrorPagesMiddleware",  # Tether's 404/500 pages in development too
    "tether.ui.boundary.StatementTimeoutMiddleware",  # every query of a request bounded in time (PostgreSQL)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tether.access.middleware.LoginRequiredMiddleware",
    "tether.access.middleware.TwoFactorRequiredMiddleware",
    "tether.audit.middleware.ApiAuditMiddleware",  # records api.call for every /api/ request
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "tether.access.context.navigation",
                "tether.access.context.two_factor",
            ],
            # after Django's own: its ``date`` filter replaces Django's (the same text, the common formats faster)
            "builtins": ["tether.ui.templatetags.tether_ui"],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'tether.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_db,  # unset or empty: the embedded SQLite
        conn_max_age=int(os.environ.get("TETHER_CONN_MAX_AGE", 0)),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username before the password is checked
    "tether.access.backends.UserBackend",  # Django's ModelBackend, reading the user's force with the user
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "home:dashboard"
LOGOUT_REDIRECT_URL = "access:login"

SESSION_COOKIE_AGE = int(os.environ.get("TETHER_SESSION_IDLE_SECONDS", 15 * 60))
# Idle timeout: the session's deadline restarts on each request, written only when it moves by more than
# SESSION_REFRESH_SECONDS (so a session idle for SESSION_COOKIE_AGE is always cut off, at most that much sooner):
# tether.access.sessions.
SESSION_ENGINE = "tether.access.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
if _flag("TETHER_TLS_PROXY", "0"):
    # Behind a proxy that terminates TLS, sets X-Forwarded-Proto and strips any the client sent: without this
    # Django sees plain HTTP and never sends the HSTS header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Request sizes (tether.ui.boundary): forms and JSON bodies up to 2.5 MB, file uploads up to this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
TETHER_MAX_UPLOAD_BYTES = int(os.environ.get("TETHER_MAX_UPLOAD_BYTES", 200 * 1024 * 1024))
# The longest a page's or an API call's query may run (PostgreSQL statement_timeout; commands are not bounded).
TETHER_STATEMENT_TIMEOUT_MS = int(os.environ.get("TETHER_STATEMENT_TIMEOUT_MS", 30_000))

# A strict Content-Security-Policy: our own scripts and styles only (no inline script or style anywhere).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Two-factor sign-in (django-otp, TOTP). The codes come from any authenticator app.
OTP_TOTP_ISSUER = "Tether"
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes, wait 2^(n-1) seconds before the next try

# Lockout after repeated failed sign-ins (django-axes), by username (from any address). Behind a force's
# shared NAT an address lockout would lock out everyone there, so locking the address as well is opt-in.
TETHER_LOCKOUT_ATTEMPTS = int(os.environ.get("TETHER_LOCKOUT_ATTEMPTS", 5))
TETHER_LOCKOUT_MINUTES = int(os.environ.get("TETHER_LOCKOUT_MINUTES", 30))
AXES_ENABLED = True
AXES_FAILURE_LIMIT = "tether.access.lockout.failure_limit"  # reads TETHER_LOCKOUT_ATTEMPTS
AXES_COOLOFF_TIME = "tether.access.lockout.cool_off"  # reads TETHER_LOCKOUT_MINUTES
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"] if _flag("TETHER_LOCKOUT_BY_IP", "0") else ["username"]
if "ip_address" not in AXES_LOCKOUT_PARAMETERS:
    # axes.W006 wants the address in the lockout; a username lockout already caps guesses per account however
    # many addresses or browsers an attacker rotates, and an address lockout would lock a whole force out.
    SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tether.access.lockout.locked_out_response"
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)  # never a client-supplied X-Forwarded-For
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"  # legal deadlines are UK local dates; datetimes are stored in UTC
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("tether", BASE_DIR / "tether" / "ui" / "assets"),
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STATICFILES_DIRS = [(p, d) for p, d in STATICFILES_DIRS if Path(d).exists()]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# E-mail (the daily digest). Development prints to the console; production sends by SMTP unless told otherwise.
EMAIL_BACKEND = os.environ.get(
    "TETHER_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("TETHER_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TETHER_EMAIL_PORT", 587 if PRODUCTION else 25))
EMAIL_HOST_USER = os.environ.get("TETHER_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TETHER_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("TETHER_EMAIL_USE_TLS", "1" if PRODUCTION else "0")
EMAIL_TIMEOUT = int(os.environ.get("TETHER_EMAIL_TIMEOUT", 30))
DEFAULT_FROM_EMAIL = os.environ.get("TETHER_DEFAULT_FROM_EMAIL", "tether@localhost")
# Where links in e-mails point (the site's public address).
TETHER_BASE_URL = os.environ.get("TETHER_BASE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TETHER_LOG_LEVEL", "WARNING")},
}

# Out-of-force access: how long a recorded reason opens a full record for.
TETHER_ACCESS_GRANT_HOURS = int(os.environ.get("TETHER_ACCESS_GRANT_HOURS", 24))
TETHER_PAGE_SIZE = 25
