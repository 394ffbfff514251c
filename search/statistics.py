"""The database's planner statistics, kept fresh for the search (and everything else).

The search's plans hold without statistics (search/backends/sqlite.py), but how deep each
tier looks and how pages are joined still follow the planner's estimates. SQLite gathers
statistics only when told (ANALYZE); a portal that grows by imports and editors' publishing
never told it, so its planner guessed at 50,000 resources. PostgreSQL's autovacuum analyses
in the end, but an import of 50,000 rows is queried long before it does.

`refresh()` runs after imports (search/bulk.py) and from the maintenance timer
(`manage.py refresh_search_statistics`, with publish_scheduled). It is cheap when nothing
changed: it analyses only tables never analysed or grown or changed by a quarter since.
"""

from django.db import connections

# Analyse a table again once this share of its rows is new or changed.
CHANGED_SHARE = 0.25
# Rows SQLite reads per index when analysing: estimates as good for planning, in
# milliseconds instead of a full scan (PRAGMA analysis_limit).
SQLITE_ANALYSIS_LIMIT = 1000


def refresh(using="default", force=False):
    """Analyse the tables whose statistics are missing or stale; the names of those
    analysed ("*" for all)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return _refresh_sqlite(cursor, force)
        if connection.vendor == "postgresql":
            return _refresh_postgres(cursor, force)
    return []


def _refresh_sqlite(cursor, force):
    cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
    stale = _stale_sqlite_tables(cursor)
    if force or stale == ["*"]:
        cursor.execute("ANALYZE")
        stale = ["*"]
    else:
        for table in stale:
            cursor.execute(f'ANALYZE "{table}"')
    # What SQLite itself finds worth doing (more on newer versions than Debian's 3.40).
    cursor.execute("PRAGMA optimize")
    return stale


def _stale_sqlite_tables(cursor):
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    if cursor.fetchone() is None:
        return ["*"]  # never analysed
    cursor.execute("SELECT tbl, MAX(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
    known = dict(cursor.fetchall())
    cursor.execute(
        "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name NOT LIKE 'sqlite_%'"
    )
    stale = []
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        rows = cursor.fetchone()[0]
        before = known.get(table)
        if (before is None and rows) or (
            before is not None and abs(rows - before) > CHANGED_SHARE * max(before, 1) + 50
        ):
            stale.append(table)
    return stale


def _refresh_postgres(cursor, force):
    if force:
        cursor.execute("ANALYZE")
        return ["*"]
    cursor.execute(
        "SELECT relname FROM pg_stat_user_tables WHERE ("
        "  (last_analyze IS NULL AND last_autoanalyze IS NULL AND n_live_tup + n_dead_tup > 0)"
        "  OR n_mod_since_analyze > %s * n_live_tup + 50)",
        [CHANGED_SHARE],
    )
    stale = [row[0] for row in cursor.fetchall()]
    if stale:
        cursor.execute("ANALYZE " + ", ".join(f'"{table}"' for table in stale))
    return stale
