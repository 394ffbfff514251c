"""`manage.py migrate` is the portal's: Django's, with the garbage collector held back while it
runs (bench/migrate_cpu.py measures what that saves and costs)."""

import gc
from unittest import mock

from django.core.management import get_commands
from django.core.management.commands import migrate as django_migrate

import pytest

from portal.management.commands import migrate


def test_manage_py_migrate_is_the_portals():
    assert get_commands()["migrate"] == "portal"


def fake_handle(applied, error=None):
    """Stands in for Django's handle: reports `applied` migrations as its executor does."""
    seen = []

    def handle(command, *args, **options):
        seen.append(gc.isenabled())
        command.verbosity = 0
        for _ in range(applied):
            command.migration_progress_callback("apply_start", "app.0001")
            command.migration_progress_callback("apply_success", "app.0001")
        if error:
            raise error

    return handle, seen


def test_the_collector_is_held_back_and_collects_every_so_many_migrations():
    handle, seen = fake_handle(2 * migrate.COLLECT_EVERY + 1)
    with (
        mock.patch.object(django_migrate.Command, "handle", handle),
        mock.patch.object(gc, "collect") as collect,
    ):
        migrate.Command().handle(verbosity=0)
    assert seen == [False]
    assert collect.call_count == 2
    assert gc.isenabled()


def test_a_failed_migration_gives_the_collector_back():
    handle, seen = fake_handle(3, error=RuntimeError("a migration failed"))
    with (
        mock.patch.object(django_migrate.Command, "handle", handle),
        pytest.raises(RuntimeError),
    ):
        migrate.Command().handle(verbosity=0)
    assert seen == [False]
    assert gc.isenabled()
