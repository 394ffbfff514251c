"""The shared part of every page in one query: the private sections, the pages at the top of
the tree (menus, routing), the site settings and the reference lists.

After a purge every page needs them again at once. They are small rows of a dozen tables,
and read one table at a time they were 15 to 20 of a cold page's queries; `snapshot()` reads
them all in one UNION ALL, each row as a JSON object of its fields with the name of its
list, and makes model instances of them as the ORM would. Kept as one fragment under the
shared scope (caching.generations), which every change to any of them bumps.
"""

import datetime
import functools
import json
from collections.abc import Mapping

from django.apps import apps
from django.conf import settings
from django.db import connections, models, router
from django.db.models import (
    BigIntegerField,
    CharField,
    F,
    IntegerField,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import JSONObject, RowNumber
from django.utils import timezone

from wagtail.models import Locale, Page, PageViewRestriction, Site

from caching.generations import SITE, fragment

# The sections' pages and what is above them (root 1, home 2): the menu and the routing
# (caching.signals.SECTION_DEPTH, which purges everything when one of them changes).
TOP_DEPTH = 3
# Every column of a top page: a site's root page is made its own type from them (Wagtail's
# specific_deferred reads each), and one missing would be a query when read.
TOP_PAGE_FIELDS = tuple(field.attname for field in Page._meta.concrete_fields)


def reference_models():
    """The reference lists read with the snapshot (CACHING_REFERENCE_LISTS)."""
    return [apps.get_model(label) for label in getattr(settings, "CACHING_REFERENCE_LISTS", ())]


def setting_models():
    return [apps.get_model(label) for label in getattr(settings, "CACHING_SITE_SETTINGS", ())]


def _rows(kind, queryset, fields, position=None):
    """A select of the union: (kind, the row's fields as JSON, its place in its list)."""
    data = JSONObject(**{name: F(name) for name in fields})
    return (
        queryset.order_by()
        .annotate(
            _kind=Value(kind, output_field=CharField()),
            _data=data,
            _position=position or Value(0, output_field=BigIntegerField()),
        )
        .values_list("_kind", "_data", "_position")
    )


_TEXT = {models.CharField.to_python, models.TextField.to_python}


@functools.cache
def _columns(model):
    """(field, whether its value needs converting) for each column: text arrives as text."""
    return [(field, type(field).to_python not in _TEXT) for field in model._meta.concrete_fields]


def _instance(model, data, db):
    """The model instance the ORM would have made from these columns (the rest deferred)."""
    names, values = [], []
    for field, convert in _columns(model):
        if field.attname not in data:
            continue
        value = data[field.attname]
        if value is not None and (convert or not isinstance(value, str)):
            value = field.to_python(value)
            naive = isinstance(value, datetime.datetime) and timezone.is_naive(value)
            if naive and settings.USE_TZ:
                value = timezone.make_aware(value, datetime.UTC)  # JSON text is UTC
        names.append(field.attname)
        values.append(value)
    return model.from_db(db, names, values)


def _union():
    """The one query, as the ORM builds it: a select per list, united."""
    restricted = Q(pk__in=PageViewRestriction.objects.values("page_id"))
    # In the order of the index on alias_of: its first entry, also on a database never
    # analysed (ordered by id, PostgreSQL walked all 57,500 pages to find there is none).
    first_alias = (
        Page.objects.filter(alias_of__isnull=False).order_by("alias_of", "pk").values("pk")[:1]
    )
    selects = [
        _rows("private", Page.objects.filter(restricted), ["path"]),
        _rows("alias", Page.objects.filter(pk=Subquery(first_alias)), ["id"]),
        _rows("top", Page.objects.filter(depth__lte=TOP_DEPTH), TOP_PAGE_FIELDS),
    ]
    site_fields = [f.attname for f in Site._meta.concrete_fields]
    selects.append(_rows("site", Site.objects.all(), site_fields))
    selects.append(_rows("locale", Locale.objects.all(), ["id", "language_code"]))
    for model in setting_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        selects.append(_rows(model._meta.label_lower, model.objects.all(), fields))
    for model in reference_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        order = [
            F(name[1:]).desc() if name.startswith("-") else F(name).asc()
            for name in model._meta.ordering or ["pk"]
        ]
        place = Window(RowNumber(), order_by=order, output_field=IntegerField())
        selects.append(_rows(model._meta.label_lower, model.objects.all(), fields, place))
    return selects[0].union(*selects[1:], all=True)


# The query's SQL and parameters per database and lists, made once per process: building
# and compiling its dozen selects of JSON objects cost two thirds of reading the snapshot
# (some 6 ms of every cold page, bench/cold.py), and they are the same every time (the
# parameters are the lists' names and constants). Made through the query's compiler, the
# ORM's own SQL for this database (Query.get_compiler is not a documented API; it is how
# QuerySet runs a query, and the tests compare the rows with the ORM's).
_statements = {}


def _statement(db):
    key = (db, *getattr(settings, "CACHING_SITE_SETTINGS", ()))
    key += tuple(getattr(settings, "CACHING_REFERENCE_LISTS", ()))
    found = _statements.get(key)
    if found is None:
        sql, params = _union().query.get_compiler(using=db).as_sql()
        found = _statements[key] = _written_in(db, sql, params)
    return found


def _written_in(db, sql, params):
    """(sql, None): the statement with its parameters written in, where the database's
    client binds them itself (PostgreSQL through psycopg's client-side cursor, Django's
    default), which parsed the statement's 108 placeholders out and quoted each parameter
    again on every read (0.2 ms of every cold page); it is then sent as it is. Elsewhere
    (SQLite, server-side binding) as it was."""
    connection = connections[db]
    if connection.vendor != "postgresql" or connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    ):
        return sql, params
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params), None


def _fetch(db):
    """(kind, the row's fields as a dict, its place) for every row of the union."""
    sql, params = _statement(db)
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # A JSON object arrives as text from SQLite and PostgreSQL alike (Django reads jsonb as
    # text, for JSONField to decode).
    return [
        (kind, json.loads(data) if isinstance(data, str | bytes) else data, position)
        for kind, data, position in rows
    ]


# The last snapshot this process read or received, per database (Snapshot._adopt).
_last = {}


class Snapshot(Mapping):
    """The snapshot's lists, each made into model instances when first read in a process.
    Kept in the shared cache as the rows' plain data: pickling model instances cost more
    than the query (0.7 ms of a cold page), and a page reads only some of the lists."""

    def __init__(self, db, rows, labels):
        self._db = db
        self._rows = rows  # {kind: [the row's fields, in order]}
        self._labels = labels  # the models' lists: [(label, "app_label.ModelName")]
        self._made = {}
        self._adopt()

    def __getstate__(self):
        return {"_db": self._db, "_rows": self._rows, "_labels": self._labels}

    def __setstate__(self, state):
        self.__dict__.update(state, _made={})
        self._adopt()

    def _adopt(self):
        """Takes the lists already made in this process from the same rows. A change in
        another scope, or an emptied cache, reads the snapshot again with nothing in it
        changed; making its instances afresh (some 80 pages, sites and rows of the lists,
        each a model's __init__) was a fifth of a cold detail page's time. Equal rows make
        equal instances: they are what the instances are made from, read-only as ever."""
        before = _last.get(self._db)
        if before is not None and before._labels == self._labels and before._rows == self._rows:
            self._made = before._made
        _last[self._db] = self

    def _names(self):
        return ("private", "aliases", "sites", "locales", "top", *(n for n, _ in self._labels))

    def __iter__(self):
        return iter(self._names())

    def __len__(self):
        return len(self._names())

    def __getitem__(self, name):
        try:
            return self._made[name]
        except KeyError:
            pass
        value = self._make(name)
        self._made[name] = value  # the same for every thread: a race makes it twice
        return value

    def _make(self, name):
        rows, db = self._rows, self._db
        if name == "private":
            return [data["path"] for data in rows.get("private", [])]
        if name == "aliases":
            return bool(rows.get("alias"))
        if name == "sites":
            # Ordered so that the choice among equal matches is the same in every process
            # (Wagtail's query leaves it to the database).
            return sorted(
                (_instance(Site, data, db) for data in rows.get("site", [])),
                key=lambda site: site.hostname,
            )
        if name == "locales":
            # {id: language code}, for the sites' root paths (caching.shared).
            return {data["id"]: data["language_code"] for data in rows.get("locale", [])}
        if name == "top":
            return sorted(
                (_instance(Page, data, db) for data in rows.get("top", [])),
                key=lambda page: page.path,
            )
        model = dict(self._labels).get(name)
        if model is None:
            raise KeyError(name)
        model = apps.get_model(model)
        return [_instance(model, data, db) for data in rows.get(name, [])]


def _read_snapshot():
    db = router.db_for_read(Page)
    found = {}
    for kind, data, position in _fetch(db):
        found.setdefault(kind, []).append((position, data))
    rows = {
        kind: [data for _position, data in sorted(items, key=lambda item: item[0])]
        for kind, items in found.items()
    }
    labels = [
        (model._meta.label_lower, model._meta.label)
        for model in [*setting_models(), *reference_models()]
    ]
    return Snapshot(db, rows, labels)


def snapshot():
    """{list: rows} for the shared lists ("private": paths, "aliases": whether any page is
    an alias, "sites", "locales": {id: language code}, "top": the pages down to the
    sections, a model's label: its rows in order), read once per generation. Read-only:
    every request of the process shares it."""
    # The name says the entry's form (a Snapshot of rows): a process of an earlier release
    # sharing the cache during a deploy never reads one it cannot unpickle.
    return fragment("snapshot:rows", _read_snapshot, scopes=[SITE])
