"""Settings safety: production refuses to start without its essentials."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_csp import directives

# One of the suite's longest: parallel runs hand it out first (tests/scheduling.py).
pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECRET_KEY, s.ALLOWED_HOSTS)"
)


def run_with(settings_module, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(DJANGO_SETTINGS_MODULE=settings_module, **env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_with("portal.settings.production", DJANGO_ALLOWED_HOSTS="portal.example.cn")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_with("portal.settings.production", DJANGO_SECRET_KEY="s" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_refuses_a_page_cache_kept_in_each_process():
    result = run_with(
        "portal.settings.production",
        DJANGO_SECRET_KEY="k" * 50,
        DJANGO_ALLOWED_HOSTS="portal.example.cn",
        REDIS_URL="",
        PAGE_CACHE_ENABLED="1",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "REDIS_URL" in result.stderr
    switched_off = run_with(
        "portal.settings.production",
        DJANGO_SECRET_KEY="k" * 50,
        DJANGO_ALLOWED_HOSTS="portal.example.cn",
        REDIS_URL="",
        PAGE_CACHE_ENABLED="0",
    )
    assert switched_off.returncode == 0, switched_off.stderr


def test_production_with_its_essentials_is_locked_down():
    result = run_with(
        "portal.settings.production",
        DJANGO_SECRET_KEY="k" * 50,
        DJANGO_ALLOWED_HOSTS="portal.example.cn, www.portal.example.cn",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "k" * 50,
        "['portal.example.cn',",
        "'www.portal.example.cn']",
    ]


def test_base_settings_alone_are_not_debug_and_refuse_an_empty_secret():
    result = run_with("portal.settings.base")
    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in result.stderr

    from portal.settings import base

    assert base.DEBUG is False


def test_the_dev_key_never_reaches_production():
    from portal.settings import dev

    result = run_with(
        "portal.settings.production",
        DJANGO_SECRET_KEY="p" * 50,
        DJANGO_ALLOWED_HOSTS="x.cn",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert dev.SECRET_KEY not in result.stdout


@pytest.mark.parametrize("module", ["portal.wsgi"])
def test_wsgi_defaults_to_production_settings(module):
    source = (ROOT / module.replace(".", "/")).with_suffix(".py").read_text()
    assert '"portal.settings.production"' in source


# The environment deploy/README.md documents for an app server.
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "Zq8-tK2v_9sLr4mX0bWc7yHe1uJp5nGd3aFi6oTz-QeRwSxCv-Lm7pN2",
    "DJANGO_ALLOWED_HOSTS": "portal.example.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portal.example.cn",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "S3_BUCKET": "hongsibu-portal",
    "S3_ENDPOINT_URL": "https://oss-cn-beijing.aliyuncs.com",
    "EMAIL_HOST": "smtp.example.cn",
}


def test_production_passes_the_deployment_checks_without_a_warning():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "S3_"))}
    clean.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="portal.settings.production")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def production_settings(monkeypatch):
    """The production module's values, read in this process from the documented environment."""
    import importlib

    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    import sys

    import portal.settings.base

    importlib.reload(portal.settings.base)
    sys.modules.pop("portal.settings.production", None)
    production = importlib.import_module("portal.settings.production")
    monkeypatch.undo()
    sys.modules.pop("portal.settings.production", None)
    importlib.reload(portal.settings.base)
    return production


@pytest.mark.django_db
def test_a_public_page_carries_the_production_security_headers(
    client, demo_site, settings, monkeypatch
):
    production = production_settings(monkeypatch)
    assert production.STORAGES["default"]["BACKEND"] == "privacy.storage.S3Storage"
    # Sessions outlive a Redis restart; Redis away is a cache miss, not a 500.
    assert production.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert production.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert production.CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    for name in (
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "CONTENT_SECURITY_POLICY",
    ):
        setattr(settings, name, getattr(production, name))

    assert client.get("/resources/").status_code == 301  # plain HTTP goes to HTTPS
    response = client.get("/resources/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == ["'self'"]
    # Renditions may come from the bucket's host (public image prefixes).
    assert "https://oss-cn-beijing.aliyuncs.com" in policy["img-src"]
