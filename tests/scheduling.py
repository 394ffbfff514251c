"""Which test scopes a parallel run (`make test`: pytest-xdist, --dist loadscope) hands out
first.

xdist sorts the scopes (a module, or a class) by how many tests they hold, most first, unless
told not to. A scope of one long test (a browser journey, two processes on one database, the
Word bombs) so went out last, and a worker takes its next scope while it still has two tests
to run: near the end one worker could hold two such scopes while the other had nothing left.
`make test` turns that sorting off (--no-loadscope-reorder) and, here, the scopes marked
`heavy` and the browser journeys go out first within their kind. The kinds keep Django's
order (pytest-django's: tests in a rolled-back transaction, then transactional ones, which
leave the database empty behind them, then those without a database), because a worker runs
its scopes in the order they are handed out: a transactional scope before a TestCase would
leave it without the rows the migrations made (the root page among them). Only tests without
a database may go anywhere, so the heavy ones of those go first of all. A run in one process
keeps the order pytest-django gives.
"""

from django.test import TestCase, TransactionTestCase

import pytest
from pytest_django.fixtures import validate_django_db

ROLLED_BACK, TRANSACTIONAL, NO_DATABASE = 0, 1, 2


def is_heavy(item):
    return item.get_closest_marker("heavy") is not None or item.nodeid.startswith("tests/browser/")


def kind(item):
    """As pytest-django orders tests (its own function is not importable)."""
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return ROLLED_BACK if issubclass(cls, TestCase) else TRANSACTIONAL
    fixtures = getattr(item, "fixturenames", [])
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        transactional = transactional or transaction or reset_sequences
    if transactional:
        return TRANSACTIONAL
    if marker is not None or "db" in fixtures:
        return ROLLED_BACK
    return NO_DATABASE


def rank(item):
    heavy, group = is_heavy(item), kind(item)
    if group == NO_DATABASE:
        return (0, 0) if heavy else (3, 0)
    return (1 + group, not heavy)


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering
def pytest_collection_modifyitems(config, items):
    if not hasattr(config, "workerinput"):
        return
    items[:] = sorted(items, key=rank)  # a stable sort
