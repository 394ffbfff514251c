"""Planner statistics kept fresh (search/statistics.py): the search's plans hold without them,
but how deep each tier looks still follows the planner's estimates."""

from io import StringIO

from django.core.management import call_command
from django.db import connection

import pytest

from search import statistics


def analysed(table):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return False
            cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            cursor.execute("SELECT 1 FROM pg_stats WHERE tablename = %s", [table])
        return cursor.fetchone() is not None


def forget():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1")
        else:
            cursor.execute("DELETE FROM pg_statistic WHERE starelid = 'auth_permission'::regclass")


@pytest.mark.both_databases
def test_the_maintenance_command_analyses_a_database_never_analysed(db):
    forget()
    assert not analysed("auth_permission")
    out = StringIO()
    call_command("refresh_search_statistics", "--all", stdout=out)
    assert "已分析全部表" in out.getvalue()
    assert analysed("auth_permission")


@pytest.mark.both_databases
def test_fresh_statistics_are_left_alone_until_a_table_grows(db):
    statistics.refresh(force=True)
    if connection.vendor == "sqlite":
        # PostgreSQL counts changes only once they are committed: its half is autovacuum's.
        assert statistics.refresh() == []
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE grows (n INTEGER PRIMARY KEY, v TEXT)")
            cursor.execute("CREATE INDEX grows_v ON grows (v)")
            cursor.executemany("INSERT INTO grows (v) VALUES (%s)", [(str(n),) for n in range(500)])
        assert statistics.refresh() == ["grows"]
        assert statistics.refresh() == []
    out = StringIO()
    call_command("refresh_search_statistics", stdout=out)
    assert out.getvalue().strip()
