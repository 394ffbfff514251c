"""Settings safety: production refuses to start without its essentials."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_production_with_its_essentials_is_locked_down():
    result = run_with(
        "portal.settings.production",
        DJANGO_SECRET_KEY="k" * 50,
        DJANGO_ALLOWED_HOSTS="portal.example.cn, www.portal.example.cn",
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
        "portal.settings.production", DJANGO_SECRET_KEY="p" * 50, DJANGO_ALLOWED_HOSTS="x.cn"
    )
    assert dev.SECRET_KEY not in result.stdout


@pytest.mark.parametrize("module", ["portal.wsgi"])
def test_wsgi_defaults_to_production_settings(module):
    source = (ROOT / module.replace(".", "/")).with_suffix(".py").read_text()
    assert '"portal.settings.production"' in source
