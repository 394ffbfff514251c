"""The session-wide demo (tests/session_demo.py): each test class gets the demo as the loader
builds it, whatever the classes before it changed in it, its files included. The classes run
in the order written: each one after the first checks what the one before it did."""

import sqlite3
from contextlib import closing
from unittest.mock import patch

from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import TestCase

import pytest

from content.models import ResourcePage
from home.models import HomePage
from tests import session_demo
from tests.session_demo import load_demo

pytestmark = pytest.mark.both_databases

RESOURCE = "hanshu-dandiaoxing-jiaoan"
EDITED_TITLE = "改过的首页标题"


class AChangesTheDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_a_class_edits_the_home_page_and_loses_a_file(self):
        home = HomePage.objects.get()
        home.title = EDITED_TITLE
        home.save_revision().publish()
        assert EDITED_TITLE in self.client.get("/").content.decode()
        document = ResourcePage.objects.get(slug=RESOURCE).documents.get().document
        default_storage.delete(document.file.name)
        assert self.client.get(document.url).status_code == 404


class BSeesTheDemoAsBuiltTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_the_edit_of_the_class_before_is_gone(self):
        html = self.client.get("/").content.decode()
        assert EDITED_TITLE not in html
        assert HomePage.objects.get().title != EDITED_TITLE

    def test_the_file_the_class_before_deleted_downloads_again(self):
        page = ResourcePage.objects.get(slug=RESOURCE)
        document = page.documents.get().document
        response = self.client.get(document.url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[:2] == b"PK"  # a .docx is a zip

    def test_search_finds_a_demo_resource(self):
        page = ResourcePage.objects.get(slug=RESOURCE)
        html = self.client.get("/search/", {"q": "函数的单调性"}).content.decode()
        assert f'href="{page.url}"' in html  # the title itself comes highlighted, in pieces


class LoaderRan(Exception):
    pass


class RenumberedManyToManyRowsTests(TestCase):
    """A transactional test's serialized rollback puts the groups' permissions (and every
    many-to-many row) back under new ids; the start is the same to the loader, so the demo
    kept for it is copied in rather than built again (12 s of CPU each time)."""

    def setUp(self):
        if not session_demo._copyable():
            pytest.skip("with Elasticsearch the loader runs each time")

    def test_new_ids_of_many_to_many_rows_reuse_the_kept_demo(self):
        with transaction.atomic():
            load_demo()  # built or copied: now kept for the migrated start
            transaction.set_rollback(True)
        group = Group.objects.filter(permissions__isnull=False).first()
        permissions = list(group.permissions.all())
        group.permissions.clear()
        group.permissions.add(*permissions)
        with patch.object(session_demo.DemoLoader, "run", side_effect=LoaderRan):
            load_demo()
        assert ResourcePage.objects.filter(slug=RESOURCE).exists()

    def test_a_start_that_differs_otherwise_runs_the_loader(self):
        group = Group.objects.filter(permissions__isnull=False).first()
        group.permissions.remove(group.permissions.first())
        loader = patch.object(session_demo.DemoLoader, "run", side_effect=LoaderRan)
        with loader, pytest.raises(LoaderRan):
            load_demo()


def test_workers_attaching_the_demo_copy_neither_lock_each_other_nor_refuse_analyze(tmp_path):
    """Every worker of a run copies the demo's rows from one file (SQLite), attached to its
    database: one worker's transaction must leave the others free, and ANALYZE (which writes
    the statistics of every attached database) must still work."""
    copy = tmp_path / "rows-0.sqlite3"
    with closing(sqlite3.connect(copy)) as db:
        db.execute("CREATE TABLE t (x)")
        db.commit()
    first, second = (
        sqlite3.connect(f"file:worker{n}?mode=memory", uri=True, isolation_level=None, timeout=0)
        for n in range(2)
    )
    with closing(first), closing(second):
        for worker, connection in (("gw0", first), ("gw1", second)):
            connection.execute("PRAGMA journal_mode=WAL")  # as the test settings open it
            connection.execute(
                "ATTACH DATABASE ? AS demo", [str(session_demo.own_copy(copy, worker))]
            )
        first.execute("BEGIN IMMEDIATE")
        first.execute("SELECT * FROM demo.t").fetchall()
        first.execute("ANALYZE")
        second.execute("BEGIN IMMEDIATE")  # "database is locked" if the file is shared
