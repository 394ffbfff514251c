import shutil
from pathlib import Path

from django.db import connection

import pytest

import caching
from tests import session_demo
from tests.scheduling import pytest_collection_modifyitems  # noqa: F401  (a hook)
from tests.session_demo import load_demo


def pytest_report_header(config):
    where = connection.settings_dict.get("HOST") or "local file"
    return f"database: {connection.vendor} ({connection.settings_dict['ENGINE']}, {where})"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a page or fragment cached by an earlier test
    would outlive the rollback of that test's database (and of the generation in it)."""
    caching.clear()


@pytest.fixture
def demo_site(db):
    """The portal as `make run` builds it, without the demo accounts (built once per session:
    tests/session_demo.py)."""
    load_demo(library=False)
    from home.models import HomePage

    return HomePage.objects.get()


def pytest_sessionfinish(session, exitstatus):
    from django.conf import settings

    session_demo.cleanup()

    media = Path(settings.MEDIA_ROOT)
    if media.name.startswith("portal-test-media-"):
        shutil.rmtree(media, ignore_errors=True)
