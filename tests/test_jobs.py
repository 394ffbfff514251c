"""Background jobs as deployed: on the database, run by `manage.py db_worker`. An upload is read
by the worker, not the request; a failing job is tried again later and shown to the
administrators with its error; and file privacy never waits for the worker."""

import datetime
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction, ReferenceIndex

import pytest
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from content import extraction
from content.groups import OFFICE
from content.models import PortalDocument
from portal.jobs import retry
from portal.settings.base import TASKS as DEPLOYED_TASKS
from tests.bombs import SMALL_BOMB_MB, word_bomb
from tests.factories import make_document, make_resource, make_user
from tests.session_demo import load_demo
from tests.test_extraction import docx_bytes

EXTRACT = "content.document_text.extract_document_text"
REFERENCES = "wagtail.tasks.update_reference_index_task"
SEARCH_INDEX = "modelsearch.tasks.insert_or_update_object_task"


def drain():
    """What the deployed worker does, until the queue is empty. Its check for stale
    connections is left out, as Django's test client leaves out the request's: it would close
    the connection holding the test's transaction (PostgreSQL)."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--queue-name",
            "*",
            verbosity=0,
        )


def queued(path):
    return DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY)


@task()
def unreachable_service():
    """同步教研平台数据"""
    raise ConnectionError("教研平台连接超时")


FLAKY_RUNS = []


@task()
def flaky_once():
    FLAKY_RUNS.append(1)
    if len(FLAKY_RUNS) == 1:
        raise ConnectionError("第一次失败")
    return "ok"


def superuser():
    return get_user_model().objects.create_superuser("root", password="pw")


class DeployedJobs:
    """The deployed backend from each test's start: the shared demo is loaded before, as the
    other tests load it (jobs run at once), so that it is the same snapshot."""

    def setUp(self):
        super().setUp()
        self.enterContext(override_settings(TASKS=DEPLOYED_TASKS))


@pytest.mark.both_databases
class WorkerTests(DeployedJobs, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.admin = superuser()

    def upload(self, data, name, title):
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("wagtaildocs:add"),
            {"title": title, "file": SimpleUploadedFile(name, data), "collection": 1},
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        return PortalDocument.objects.get(title=title)

    def test_an_upload_is_read_by_the_worker_and_then_found(self):
        document = self.upload(docx_bytes("秦腔进课堂的教学设计"), "qinqiang.docx", "秦腔教案")
        page = make_resource("地方戏曲欣赏", documents=[document])
        # The request only queued the job: nothing is read yet, and the admin says so.
        self.assertEqual(document.text_status, extraction.PENDING)
        self.assertEqual(queued(EXTRACT).count(), 1)
        self.assertContains(self.client.get(reverse("wagtaildocs:index")), "等待提取")
        self.assertFalse(Page.objects.live().search("秦腔进课堂").count())

        drain()

        document.refresh_from_db()
        self.assertEqual(document.text_status, extraction.DONE)
        self.assertIn("秦腔进课堂", document.text)
        self.assertEqual(list(PortalDocument.objects.search("秦腔进课堂")), [document])
        self.assertEqual([p.pk for p in Page.objects.live().search("秦腔进课堂")], [page.pk])
        self.assertFalse(queued(EXTRACT).exists())
        self.assertNotContains(self.client.get(reverse("wagtaildocs:index")), "等待提取")

    def test_a_word_bomb_is_kept_and_marked_with_its_reason(self):
        document = self.upload(word_bomb(SMALL_BOMB_MB), "bomb.docx", "很大的教案")
        with self.assertLogs("content.extraction"):
            drain()
        document.refresh_from_db()
        self.assertEqual(document.text_status, extraction.TOO_LARGE)
        self.assertContains(self.client.get(reverse("wagtaildocs:index")), "无法提取：内容过大")
        edit = self.client.get(reverse("wagtaildocs:edit", args=[document.pk]))
        self.assertContains(edit, "无法提取：内容过大")
        # The file itself is kept and served.
        self.assertEqual(self.client.get(document.url).status_code, 200)

    def test_a_page_made_private_hides_its_files_before_any_worker_runs(self):
        document = make_document("内部评课记录")
        anonymous = self.client_class()
        self.assertEqual(anonymous.get(document.url).status_code, 200)  # used by no page yet
        page = make_resource("内部教研资料", documents=[document])
        PageViewRestriction.objects.create(page=page, restriction_type="login")

        # The reference index that privacy reads was written in the request, not queued…
        self.assertTrue(ReferenceIndex.get_references_to(document).exists())
        self.assertFalse(DBTaskResult.objects.filter(task_path=REFERENCES).exists())
        # …so the file is private at once, while the search index waits for the worker.
        self.assertTrue(queued(SEARCH_INDEX).exists())
        response = anonymous.get(document.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])


@override_settings(JOBS_MAX_ATTEMPTS=3)
class RetryTests(DeployedJobs, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)
        cls.admin = superuser()

    def assert_waiting(self, row, attempts, seconds):
        row.refresh_from_db()
        self.assertEqual((row.status, len(row.worker_ids)), (TaskResultStatus.READY, attempts))
        wait = (row.run_after - timezone.now()).total_seconds()
        self.assertAlmostEqual(wait, seconds, delta=10)

    def due_now(self, row):
        DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())

    def test_a_failing_job_is_retried_with_growing_waits_then_left_failed(self):
        row = unreachable_service.enqueue().db_result
        drain()
        self.assert_waiting(row, 1, 30)
        self.assertIn("教研平台连接超时", row.traceback)
        drain()  # not due yet: not run again
        self.assert_waiting(row, 1, 30)
        self.due_now(row)
        drain()
        self.assert_waiting(row, 2, 120)
        self.due_now(row)
        drain()
        row.refresh_from_db()
        self.assertEqual((row.status, len(row.worker_ids)), (TaskResultStatus.FAILED, 3))

        # The administrators see it, with its error and attempts; the office too.
        office = make_user("office-jobs", "wagtailadmin.access_admin")
        office.groups.add(Group.objects.get(name=OFFICE))
        for user in (self.admin, office):
            self.client.force_login(user)
            listing = self.client.get(reverse("jobs:index"))
            self.assertContains(listing, "同步教研平台数据")
            self.assertContains(listing, "教研平台连接超时")
            self.assertContains(listing, "失败")
            self.assertContains(listing, "<td>3</td>", html=True)
            detail = self.client.get(reverse("jobs:inspect", args=[row.pk]))
            self.assertContains(detail, "Traceback")
            self.assertNotContains(detail, reverse("jobs:edit", args=[row.pk]))

    def test_a_job_that_fails_once_succeeds_on_its_retry(self):
        FLAKY_RUNS.clear()
        row = flaky_once.enqueue().db_result
        drain()
        self.assert_waiting(row, 1, 30)
        self.client.force_login(self.admin)
        self.assertContains(self.client.get(reverse("jobs:index")), "等待重试")
        self.due_now(row)
        drain()
        row.refresh_from_db()
        self.assertEqual((row.status, row.return_value), (TaskResultStatus.SUCCESSFUL, "ok"))

    def test_a_job_whose_worker_died_goes_back_to_the_queue(self):
        row = flaky_once.enqueue().db_result
        DBTaskResult.objects.filter(pk=row.pk).update(
            status=TaskResultStatus.RUNNING,
            started_at=timezone.now() - datetime.timedelta(hours=4),
            worker_ids=["killed-worker"],
        )
        fresh = flaky_once.enqueue().db_result  # started a minute ago: still running
        DBTaskResult.objects.filter(pk=fresh.pk).update(
            status=TaskResultStatus.RUNNING,
            started_at=timezone.now() - datetime.timedelta(minutes=1),
            worker_ids=["busy-worker"],
        )
        retry.housekeeping(force=True)
        row.refresh_from_db()
        fresh.refresh_from_db()
        self.assertEqual((row.status, fresh.status), ("READY", "RUNNING"))
        FLAKY_RUNS[:] = [1]  # its first run is the one that was cut short
        drain()
        row.refresh_from_db()
        self.assertEqual((row.status, len(row.worker_ids)), (TaskResultStatus.SUCCESSFUL, 2))

    def test_editors_see_no_job_list(self):
        editor = make_user("editor-jobs", "wagtaildocs.add_document")
        self.client.force_login(editor)
        response = self.client.get(reverse("jobs:index"))
        self.assertNotEqual(response.status_code, 200)
        # Nor a menu item for it (设置 → 后台任务), which the office and superusers have.
        self.assertNotContains(self.client.get(reverse("wagtailadmin_home")), reverse("jobs:index"))
        self.client.force_login(self.admin)
        self.assertContains(self.client.get(reverse("wagtailadmin_home")), reverse("jobs:index"))
