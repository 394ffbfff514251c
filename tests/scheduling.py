"""Which test scopes a parallel run (`make test`: pytest-xdist, --dist loadscope) hands out
first.

xdist sorts the scopes (a module, or a class) by how many tests they hold, most first, unless
told not to. A scope of one long test (a browser journey, two processes on one database, the
Word bombs) so went out last, and a worker takes its next scope while it still has two tests
to run: near the end one worker could hold two such scopes while the other had nothing left.
`make test` turns that sorting off (--no-loadscope-reorder) and, here, the scopes marked
`heavy` and the browser journeys go out first, so that the many short scopes fill the end of
the run. A run in one process keeps the order pytest-django gives.
"""

import pytest


def is_heavy(item):
    return item.get_closest_marker("heavy") is not None or item.nodeid.startswith("tests/browser/")


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering, which it keeps otherwise
def pytest_collection_modifyitems(config, items):
    if not hasattr(config, "workerinput"):
        return
    items[:] = sorted(items, key=lambda item: not is_heavy(item))  # a stable sort
