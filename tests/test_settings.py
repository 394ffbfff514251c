"""Settings safety: production refuses to start without its essentials."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_csp import directives

# One of the suite's longest: parallel runs hand it out first (tests/scheduling.py).
pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parent.parent

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
PRODUCTION = "portal.settings.production"

# Each environment a test below reads settings in: DJANGO_SETTINGS_MODULE and what is set on
# top of this process's environment (without its DJANGO_ and S3_ variables).
ENVIRONMENTS = {
    "no secret key": {"DJANGO_ALLOWED_HOSTS": "portal.example.cn"},
    "no allowed hosts": {"DJANGO_SECRET_KEY": "s" * 50},
    "page cache without redis": {
        "DJANGO_SECRET_KEY": "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "portal.example.cn",
        "REDIS_URL": "",
        "PAGE_CACHE_ENABLED": "1",
    },
    "no page cache, no redis": {
        "DJANGO_SECRET_KEY": "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "portal.example.cn",
        "REDIS_URL": "",
        "PAGE_CACHE_ENABLED": "0",
    },
    "essentials": {
        "DJANGO_SECRET_KEY": "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "portal.example.cn, www.portal.example.cn",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    },
    "production key": {
        "DJANGO_SECRET_KEY": "p" * 50,
        "DJANGO_ALLOWED_HOSTS": "x.cn",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    },
}
MODULES = {"base alone": "portal.settings.base"}


@pytest.fixture(scope="module")
def probed():
    """What each environment's settings hold or raise, and the deployment checks of the
    documented one: all read by one process (tests/settings_probe.py), as a process started
    with those variables reads them, rather than a process started for each."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "S3_"))}
    environments = {
        name: {"DJANGO_SETTINGS_MODULE": MODULES.get(name, PRODUCTION), **variables}
        for name, variables in {**ENVIRONMENTS, "base alone": {}}.items()
    }
    request = {
        "environments": environments,
        "deploy_check": {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": PRODUCTION},
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.settings_probe"],
        cwd=ROOT,
        env=clean,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def refused(answer):
    """The error a process with these settings stops with (the message included)."""
    assert "values" not in answer, f"started with {answer['values']}"
    return f"{answer['error']}: {answer['message']}"


def test_production_refuses_to_start_without_a_secret_key(probed):
    error = refused(probed["no secret key"])
    assert "ImproperlyConfigured" in error
    assert "DJANGO_SECRET_KEY" in error


def test_production_refuses_to_start_without_allowed_hosts(probed):
    assert "DJANGO_ALLOWED_HOSTS" in refused(probed["no allowed hosts"])


def test_production_refuses_a_page_cache_kept_in_each_process(probed):
    error = refused(probed["page cache without redis"])
    assert "ImproperlyConfigured" in error
    assert "REDIS_URL" in error
    switched_off = probed["no page cache, no redis"]
    assert "values" in switched_off, switched_off


def test_production_with_its_essentials_is_locked_down(probed):
    assert probed["essentials"].get("values") == [
        "False",
        "True",
        "True",
        repr("k" * 50),
        repr(["portal.example.cn", "www.portal.example.cn"]),
    ], probed["essentials"]


def test_base_settings_alone_are_not_debug_and_refuse_an_empty_secret(probed):
    assert "The SECRET_KEY setting must not be empty" in refused(probed["base alone"])

    from portal.settings import base

    assert base.DEBUG is False


def test_the_dev_key_never_reaches_production(probed):
    from portal.settings import dev

    values = probed["production key"]["values"]
    assert values[3] == repr("p" * 50)
    assert dev.SECRET_KEY not in repr(values)


@pytest.mark.parametrize("module", ["portal.wsgi"])
def test_wsgi_defaults_to_production_settings(module):
    source = (ROOT / module.replace(".", "/")).with_suffix(".py").read_text()
    assert '"portal.settings.production"' in source


def test_production_passes_the_deployment_checks_without_a_warning(probed):
    check = probed["deploy_check"]
    assert check["ok"], check["out"]
    assert "System check identified no issues" in check["out"]
    assert "WARNING" not in check["out"]


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
