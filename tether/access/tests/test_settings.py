"""Production mode refuses unsafe settings (checked by importing the settings in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k" * 20 + "-production-secret-for-tests-only-0123456789"
PROBE = (
    "import json, config.settings as s; print(json.dumps({k: getattr(s, k) for k in ("
    "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_AGE', "
    "'SESSION_ENGINE', 'TETHER_REQUIRE_2FA', 'TETHER_LOCKOUT_ATTEMPTS', 'ALLOWED_HOSTS', "
    "'PASSWORD_HASHERS')}))"
)


def load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "TETHER_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    return subprocess.run(  # noqa: S603  (our own interpreter, fixed arguments)
        [sys.executable, "-c", PROBE], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60,
        check=False,
    )


PRODUCTION = {"TETHER_PRODUCTION": "1", "TETHER_SECRET_KEY": GOOD_KEY, "TETHER_ALLOWED_HOSTS": "tether.police.example",
              "TETHER_PRESCRIBED_KEY": GOOD_KEY}


def test_production_with_safe_settings_starts_with_secure_cookies_and_hsts(tmp_path: Path) -> None:
    result = load_settings(tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["DEBUG"] is False
    assert loaded["SESSION_COOKIE_SECURE"] is True and loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SECURE_HSTS_SECONDS"] == 31536000
    assert loaded["TETHER_REQUIRE_2FA"] is True
    assert loaded["ALLOWED_HOSTS"] == ["tether.police.example"]


def test_hsts_is_sent_on_https_in_production(client: Any, settings: Any, db: Any) -> None:
    settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = 31536000, True
    assert client.get("/sign-in/", secure=True)["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # TETHER_TLS_PROXY=1
    assert "Strict-Transport-Security" in client.get("/sign-in/", headers={"x-forwarded-proto": "https"})


def test_production_and_debug_read_on_off_words_like_the_other_flags(tmp_path: Path) -> None:
    result = load_settings(tmp_path, **{**PRODUCTION, "TETHER_PRODUCTION": "true"})
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["DEBUG"] is False and loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["SECURE_HSTS_SECONDS"] == 31536000
    result = load_settings(tmp_path, **{**PRODUCTION, "TETHER_PRODUCTION": "yes", "TETHER_DEBUG": "true"})
    assert result.returncode != 0
    assert "refuses to start with TETHER_DEBUG on" in result.stderr
    assert json.loads(load_settings(tmp_path, TETHER_DEBUG="off").stdout)["DEBUG"] is False
    assert json.loads(load_settings(tmp_path, TETHER_PRODUCTION="0").stdout)["SECURE_HSTS_SECONDS"] == 0


def test_development_has_no_hsts_or_secure_only_cookies(tmp_path: Path) -> None:
    loaded = json.loads(load_settings(tmp_path).stdout)
    assert loaded["SECURE_HSTS_SECONDS"] == 0 and loaded["SESSION_COOKIE_SECURE"] is False
    assert loaded["TETHER_REQUIRE_2FA"] is True  # on by default, also for the demo


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TETHER_DEBUG": "1"}, "refuses to start with TETHER_DEBUG on"),
        ({"TETHER_SECRET_KEY": ""}, "needs TETHER_SECRET_KEY"),
        ({"TETHER_SECRET_KEY": "tether-development-key-not-for-production"}, "needs TETHER_SECRET_KEY"),
        ({"TETHER_SECRET_KEY": "too-short-a-secret"}, "needs TETHER_SECRET_KEY"),
        ({"TETHER_ALLOWED_HOSTS": "*"}, "refuses a wildcard"),
        ({"TETHER_ALLOWED_HOSTS": "tether.police.example,*"}, "refuses a wildcard"),
        ({"TETHER_ALLOWED_HOSTS": "*.police.example"}, "refuses a wildcard"),
        ({"TETHER_ALLOWED_HOSTS": ""}, "needs TETHER_ALLOWED_HOSTS"),
        ({"TETHER_ALLOWED_HOSTS": None}, "needs TETHER_ALLOWED_HOSTS"),
        ({"TETHER_REQUIRE_2FA": "0"}, "refuses to start with TETHER_REQUIRE_2FA off"),
        ({"TETHER_PRESCRIBED_KEY": None}, "needs TETHER_PRESCRIBED_KEY"),
        ({"TETHER_PRESCRIBED_KEY": "short"}, "needs TETHER_PRESCRIBED_KEY"),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path: Path, env: dict[str, Any], message: str) -> None:
    merged = {**PRODUCTION, **env}
    result = load_settings(tmp_path, **{k: v for k, v in merged.items() if v is not None})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_idle_timeout_and_lockout_are_configurable(tmp_path: Path) -> None:
    loaded = json.loads(load_settings(tmp_path, TETHER_SESSION_IDLE_SECONDS="600", TETHER_LOCKOUT_ATTEMPTS="3").stdout)
    assert loaded["SESSION_COOKIE_AGE"] == 600 and loaded["SESSION_ENGINE"] == "tether.access.sessions"
    assert loaded["TETHER_LOCKOUT_ATTEMPTS"] == 3
    loaded = json.loads(load_settings(tmp_path).stdout)
    assert loaded["SESSION_COOKIE_AGE"] == 15 * 60 and loaded["TETHER_LOCKOUT_ATTEMPTS"] == 5


def test_passwords_are_hashed_with_argon2(tmp_path: Path) -> None:
    # the suite swaps in a fast hasher per test, so read the configured list in a fresh interpreter
    assert json.loads(load_settings(tmp_path, **PRODUCTION).stdout)["PASSWORD_HASHERS"][0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_axes_backend_comes_first_and_the_middleware_is_installed() -> None:
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert settings.MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") == auth + 1
