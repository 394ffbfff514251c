import gc
import shutil
from pathlib import Path

from django.db import connection, connections
from django.test import TestCase, TransactionTestCase

from wagtail.images.models import AbstractImage

import pytest
from pytest_django.fixtures import validate_django_db

import caching
from portal import warmup
from tests import renditions, session_demo, template_db
from tests.scheduling import pytest_collection_modifyitems  # noqa: F401  (a hook)
from tests.session_demo import load_demo

GC_THRESHOLDS = (20_000, 20, 20)  # Python's: (700, 10, 10)


def pytest_report_header(config):
    where = connection.settings_dict.get("HOST") or "local file"
    return f"database: {connection.vendor} ({connection.settings_dict['ENGINE']}, {where})"


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's, except that the run migrates once per database and each xdist
    worker copies the result (tests/template_db.py)."""
    aliases, serialized = set(), set()
    for item in request.session.items:
        databases, serialized_rollback = _databases(item)
        aliases.update(databases)
        if serialized_rollback:
            serialized.update(databases)
    if not django_db_use_migrations:  # --nomigrations, as Django's TEST["MIGRATE"] = False
        for alias in connections:
            connections[alias].settings_dict["TEST"]["MIGRATE"] = False
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        old_config = template_db.setup(
            sorted(aliases),
            sorted(serialized),
            verbosity=verbosity,
            keepdb=django_db_keepdb,
            createdb=django_db_createdb,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            template_db.teardown(old_config, verbosity=verbosity)


def _databases(item):
    """The aliases a test uses and whether it asks for a serialized rollback, as
    pytest-django reads them from its marker and fixtures."""
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        databases, serialized = getattr(cls, "databases", None), cls.serialized_rollback
    elif marker := item.get_closest_marker("django_db"):
        _transaction, _reset_sequences, databases, serialized, _apps = validate_django_db(marker)
    elif {"db", "transactional_db", "live_server", "django_db_setup"} & set(item.fixturenames):
        databases = None
        serialized = "django_db_serialized_rollback" in item.fixturenames
    else:
        return (), False
    if databases is None:
        return ("default",), serialized
    if databases == "__all__":
        return tuple(connections), serialized
    return tuple(databases), serialized


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    """Each process that runs tests starts as an app server's worker does (gunicorn's
    pre_fork): the word lists and templates loaded, then everything alive frozen. Unfrozen,
    the pinyin and jieba tables and the modules are ~470,000 objects that every full garbage
    collection walked: over two test modules the collector took 9.9-11.2 s of 80-87 s of
    CPU, and 5.3-6.5 s frozen.

    The young generation is then collected every GC_THRESHOLDS[0] allocations rather than
    Python's 700: a test makes objects by the hundred thousand (rendered pages, querysets,
    imported rows) that die young anyway, and every collection that catches them alive moves
    them to the old generations, whose full walks were most of the collector's time. Whole
    runs, the collector's CPU summed over the workers (gc.callbacks): SQLite 13.6 -> 8.3 s,
    PostgreSQL 6.7 -> 4.3 s; the workers' peak memory no higher (SQLite 1.04 and 0.79 GB,
    against 1.08 and 0.81)."""
    if session.config.pluginmanager.hasplugin("dsession"):
        return  # the process that hands tests to the xdist workers runs none itself
    warmup.warm()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    """Before each test of a Django TestCase, the foreign keys of the rows its class made
    (setUpTestData: a demo copied in, an archive imported) are checked, outside the test's
    savepoint. PostgreSQL queues those checks to the end of the class's transaction; Django
    fires them after each test (TestCase checks constraints), and the rollback of the test's
    savepoint queued them again: 40-70 ms a test of a class with the demo, 14 s of the
    PostgreSQL run's statements. Checked here once, they are done for the class."""
    cls = getattr(item, "cls", None)
    if cls is None or not issubclass(cls, TestCase):
        return
    aliases = connections if cls.databases == "__all__" else cls.databases
    for alias in aliases:
        database = connections[alias]
        if database.vendor == "postgresql" and database.in_atomic_block:
            database.check_constraints()


@pytest.fixture(scope="session", autouse=True)
def _renditions_made_once():
    """Each rendition made once per run (tests/renditions.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(AbstractImage, "generate_rendition_file", renditions.generate_rendition_file)
        yield


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
    renditions.cleanup()
    if not hasattr(session.config, "workerinput"):  # the process that started the run
        template_db.drop_template(keepdb=session.config.getvalue("reuse_db"))

    media = Path(settings.MEDIA_ROOT)
    if media.name.startswith("portal-test-media-"):
        shutil.rmtree(media, ignore_errors=True)
