"""教学资源 → 批量导入: the office uploads a spreadsheet, sees every row's errors, fixes it,
confirms, and the job publishes the rows, indexed; a lead imports only into their workshop,
for review; the template's taxonomy columns have drop-down lists; malformed files get a
message; other roles get 403."""

import datetime
import io
import zipfile
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils import timezone

from wagtail.models import Page, WorkflowState

import openpyxl
import pytest

from content.importing import TAXONOMY, ResourceImporter
from content.models import ResourceIndexPage, ResourcePage, WorkshopPage
from portal.imports.jobs import progress_key
from portal.imports.template import COLUMNS
from portal.models import ResourceImport
from tests.session_demo import load_demo
from tests.test_admin_chinese import ALLOWED, data_words, english_words

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["title", "summary", "body", "subject", "grade", "school", "resource_type", "tags"]
GOOD = [
    [
        "函数的奇偶性 导入教案",
        "奇偶性的概念",
        "第一段\n第二段",
        "数学",
        "高一",
        "红寺堡中学",
        "教案",
        "新高考",
    ],
    ["读后续写 导入学案", "续写的方法", "情节与语言", "英语", "高二", "罗山中学", "学案", ""],
]


def xlsx(rows, header=HEADER, name="resources.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def csv_file(rows, encoding, name="resources.csv"):
    lines = [",".join(HEADER), *(",".join(c.replace("\n", " ") for c in row) for row in rows)]
    return SimpleUploadedFile(name, "\n".join(lines).encode(encoding), content_type="text/csv")


class ImportTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(demo_accounts=True)
        cls.library = ResourceIndexPage.objects.first()
        cls.physics = WorkshopPage.objects.get(slug="wuli-mingshi")
        cls.other_workshop = WorkshopPage.objects.exclude(pk=cls.physics.pk).first()

    def login(self, username):
        self.client.force_login(get_user_model().objects.get(username=username))

    def upload(self, file, parent):
        return self.client.post("/admin/import/", {"parent": parent.pk, "file": file})

    def confirm(self, job):
        """Confirms, runs the job it enqueues after commit (immediate backend), and returns the
        page the confirmation leads to."""
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"/admin/import/{job.pk}/confirm/")
        return self.client.get(response["Location"])


@pytest.mark.both_databases
class OfficeImportTests(ImportTestCase):
    def test_bad_row_previewed_then_fixed_file_published_and_findable(self):
        self.login("office")
        form = self.client.get("/admin/import/").context["form"]
        offered = [pk for pk, _label in form.fields["parent"].choices if pk]
        assert offered[0] == self.library.pk and self.physics.pk in offered  # the library first
        before = ResourcePage.objects.count()
        bad = [GOOD[0], [*GOOD[1][:3], "数术", *GOOD[1][4:]]]
        response = self.upload(xlsx(bad), self.library)
        job = ResourceImport.objects.get()
        self.assertRedirects(response, f"/admin/import/{job.pk}/")
        preview = self.client.get(f"/admin/import/{job.pk}/")
        self.assertContains(preview, "第 3 行，列 subject：未知的学科/专业“数术”")
        self.assertContains(preview, "函数的奇偶性 导入教案")  # every row is shown
        self.assertContains(preview, "其中 1 行有错误")
        self.assertNotContains(preview, "确认导入")
        # In Chinese, but for the column names a file has in row 1 (the importer's, as the
        # error messages name them), and the names of the program and encodings users choose.
        allowed = ALLOWED | data_words() | {w for c in COLUMNS for w in c.split("_")}
        allowed |= {"excel", "utf", "gbk"}
        for response in (preview, self.client.get("/admin/import/")):
            self.assertEqual(english_words(response.content.decode(), allowed), [])
        # Confirming anyway (a stale page, a forged post) imports nothing.
        response = self.confirm(job)
        self.assertContains(response, "文件中有错误，未导入")
        self.assertEqual(ResourcePage.objects.count(), before)
        job.refresh_from_db()
        self.assertEqual(job.status, ResourceImport.Status.UPLOADED)

        response = self.upload(xlsx(GOOD, name="fixed.xlsx"), self.library)
        fixed = ResourceImport.objects.get(original_name="fixed.xlsx")
        self.assertContains(self.client.get(f"/admin/import/{fixed.pk}/"), "确认导入 2 行")
        stored = fixed.file.path
        response = self.confirm(fixed)
        self.assertContains(response, "已导入 2 个资源并发布")
        self.assertEqual(english_words(response.content.decode(), allowed), [])
        fixed.refresh_from_db()
        self.assertEqual(fixed.status, ResourceImport.Status.DONE)
        self.assertFalse(fixed.file)
        self.assertFalse(open_or_none(stored))  # the upload is gone once the job ended
        status = self.client.get(f"/admin/import/{fixed.pk}/status.json").json()
        self.assertEqual((status["status"], status["imported"]), ("done", 2))

        self.assertEqual(ResourcePage.objects.count(), before + 2)
        page = ResourcePage.objects.get(title="函数的奇偶性 导入教案")
        self.assertTrue(page.live)
        self.assertEqual(page.get_parent().pk, self.library.pk)
        self.assertEqual((page.subject.name, page.grade.name), ("数学", "高一"))
        self.assertEqual([t.name for t in page.tags.all()], ["新高考"])
        self.client.logout()
        self.assertEqual(self.client.get(page.url).status_code, 200)
        found = Page.objects.live().public().search("奇偶性 导入教案")
        self.assertIn(page.pk, [p.pk for p in found])

    def test_failure_in_the_job_imports_nothing_and_shows_the_error(self):
        self.login("office")
        before = ResourcePage.objects.count()
        self.upload(xlsx(GOOD), self.library)
        job = ResourceImport.objects.get()
        with mock.patch.object(ResourceImporter, "_tags", side_effect=RuntimeError("磁盘已满")):
            response = self.confirm(job)
        self.assertContains(response, "导入失败，未导入任何内容")
        self.assertContains(response, "磁盘已满")
        self.assertEqual(ResourcePage.objects.count(), before)
        job.refresh_from_db()
        self.assertEqual(job.status, ResourceImport.Status.FAILED)
        self.assertFalse(job.file)


def open_or_none(path):
    try:
        with open(path, "rb") as file:
            return file.read(1) is not None
    except FileNotFoundError:
        return None


@pytest.mark.both_databases
class LeadImportTests(ImportTestCase):
    def test_lead_imports_only_into_own_workshop_for_review(self):
        self.login("lead")
        page = self.client.get("/admin/import/")
        choices = [c[0] for c in page.context["form"].fields["parent"].choices]
        self.assertEqual(choices, [self.physics.pk])
        for forged in (self.other_workshop, self.library):
            response = self.upload(xlsx(GOOD), forged)
            self.assertContains(response, "你不能向这个栏目导入资源", status_code=403)
        self.assertFalse(ResourceImport.objects.exists())

        self.upload(xlsx(GOOD), self.physics)
        job = ResourceImport.objects.get()
        self.assertFalse(job.publish)
        response = self.confirm(job)
        self.assertContains(response, "已作为草稿提交审核")
        pages = ResourcePage.objects.filter(title__in=[row[0] for row in GOOD])
        self.assertEqual(len(pages), 2)
        for imported in pages:
            self.assertFalse(imported.live)
            self.assertEqual(imported.get_parent().pk, self.physics.pk)
            self.assertEqual(imported.owner.username, "lead")
            state = WorkflowState.objects.for_instance(imported).get()
            self.assertEqual(state.status, WorkflowState.STATUS_IN_PROGRESS)

    def test_lead_cannot_see_or_confirm_the_office_import(self):
        self.login("office")
        self.upload(xlsx(GOOD), self.library)
        job = ResourceImport.objects.get()
        self.login("lead")
        self.assertEqual(self.client.get(f"/admin/import/{job.pk}/").status_code, 404)
        self.assertEqual(self.client.post(f"/admin/import/{job.pk}/confirm/").status_code, 404)


class TemplateTests(ImportTestCase):
    def test_template_has_drop_downs_for_every_taxonomy_column_and_imports_as_is(self):
        self.login("office")
        response = self.client.get("/admin/import/template.xlsx")
        self.assertEqual(response["Content-Type"], XLSX)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = book.worksheets[0]
        self.assertEqual([c.value for c in sheet[1]], COLUMNS)
        lists = book["选项"]
        self.assertEqual(lists.sheet_state, "hidden")
        validated = {}
        for validation in sheet.data_validations.dataValidation:
            self.assertEqual(validation.type, "list")
            sheet_name, cells = validation.formula1.split("!")
            self.assertEqual(sheet_name, "'选项'")
            values = [c.value for row in lists[cells.replace("$", "")] for c in row]
            for ranges in validation.sqref.ranges:
                column = sheet.cell(row=1, column=ranges.min_col).value
                self.assertGreaterEqual(ranges.max_row, 1000)
                validated[column] = values
        self.assertEqual(set(validated), set(TAXONOMY))
        self.assertIn("数学", validated["subject"])
        self.assertIn("红寺堡区罗山中学", validated["school"])
        self.assertIn("高一", validated["grade"])
        # The example row is valid as it stands.
        path = self.tmp / "template.xlsx"
        path.write_bytes(response.content)
        rows, problems = ResourceImporter().inspect(path, attach_files=False)
        self.assertEqual((len(rows), problems), (1, []))

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path):
        self.tmp = tmp_path


class MalformedFileTests(ImportTestCase):
    def assert_refused(self, file, message):
        response = self.upload(file, self.library)
        self.assertContains(response, message)
        self.assertFalse(ResourceImport.objects.exists())

    def test_malformed_files_get_a_message(self):
        self.login("office")
        self.assert_refused(
            SimpleUploadedFile("resources.xlsx", b"MZ\x90\x00" + bytes(range(256)) * 40),
            "不是有效的 Excel（.xlsx）文件",
        )
        self.assert_refused(
            SimpleUploadedFile("resources.csv", b"PK\x03\x04\x00\x00" + bytes(range(256)) * 4),
            "不是文本格式的 CSV 文件",
        )
        self.assert_refused(SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0"), "另存为 .xlsx")
        self.assert_refused(SimpleUploadedFile("tool.exe", b"MZ"), "请上传 .xlsx 或 .csv 文件")
        self.assert_refused(xlsx(GOOD, header=["标题", "正文"]), "缺少必需的列")
        self.assert_refused(xlsx([]), "文件中没有任何数据行")
        with override_settings(PORTAL_IMPORT_MAX_ROWS=1):
            self.assert_refused(xlsx(GOOD), "文件超过 1 行的上限")
        with override_settings(PORTAL_IMPORT_MAX_SIZE=1024):
            self.assert_refused(xlsx(GOOD * 20), "超过 0 MB 的上限")

    def test_zip_bomb_is_refused_before_it_is_unpacked(self):
        self.login("office")
        good = xlsx(GOOD).read()
        source = zipfile.ZipFile(io.BytesIO(good))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(b"</sheetData>", b" " * (6 * 1024 * 1024) + b"</sheetData>")
                bomb.writestr(item.filename, data)
        self.assertLess(len(out.getvalue()), 100_000)
        with mock.patch("content.importing.MAX_XLSX_UNPACKED", 5 * 1024 * 1024):
            self.assert_refused(SimpleUploadedFile("bomb.xlsx", out.getvalue()), "解压后超过 5 MB")

    def test_csv_encodings_excel_writes(self):
        self.login("office")
        for encoding in ("utf-8", "utf-8-sig", "gb18030"):
            response = self.upload(csv_file(GOOD, encoding), self.library)
            job = ResourceImport.objects.latest("pk")
            self.assertRedirects(response, f"/admin/import/{job.pk}/")
            preview = self.client.get(f"/admin/import/{job.pk}/")
            self.assertContains(preview, "共 2 行，没有发现错误")
            self.assertContains(preview, "函数的奇偶性 导入教案")


class AccessTests(ImportTestCase):
    def test_other_roles_get_403_and_anonymous_the_login(self):
        self.login("office")
        self.upload(xlsx(GOOD), self.library)
        job = ResourceImport.objects.get()
        urls = [
            "/admin/import/",
            "/admin/import/template.xlsx",
            f"/admin/import/{job.pk}/",
            f"/admin/import/{job.pk}/status.json",
        ]
        posts = [f"/admin/import/{job.pk}/confirm/", f"/admin/import/{job.pk}/cancel/"]
        for username in ("teacher", "member", "reviewer"):
            self.login(username)
            for url in urls:
                response = self.client.get(url)
                self.assertContains(response, "只有项目办和工作室主持人", status_code=403)
            for url in posts:
                self.assertEqual(self.client.post(url).status_code, 403, (username, url))
            if username != "teacher":  # who has the admin does not see the item
                self.assertNotContains(self.client.get("/admin/"), '"url": "/admin/import/"')
        self.client.logout()
        response = self.client.get("/admin/import/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])
        job.refresh_from_db()
        self.assertEqual(job.status, ResourceImport.Status.UPLOADED)

    def test_office_and_lead_find_it_in_the_menu(self):
        for username in ("office", "lead"):
            self.login(username)
            self.assertContains(self.client.get("/admin/"), '"url": "/admin/import/"')


class KeptFileTests(ImportTestCase):
    def test_the_upload_is_kept_only_while_its_import_may_run(self):
        self.login("office")
        self.upload(xlsx(GOOD, name="a.xlsx"), self.library)
        job = ResourceImport.objects.get()
        path = job.file.path
        self.assertTrue(path.startswith(str(settings.PORTAL_IMPORT_ROOT)))
        self.assertFalse(path.startswith(str(settings.MEDIA_ROOT)))
        response = self.client.post(f"/admin/import/{job.pk}/cancel/", follow=True)
        self.assertContains(response, "已取消这次导入，文件已删除")
        job.refresh_from_db()
        self.assertEqual((job.status, open_or_none(path)), (ResourceImport.Status.CANCELLED, None))

        self.upload(xlsx(GOOD, name="forgotten.xlsx"), self.library)
        forgotten = ResourceImport.objects.get(original_name="forgotten.xlsx")
        path = forgotten.file.path
        ResourceImport.objects.filter(pk=forgotten.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=2)
        )
        self.upload(xlsx(GOOD, name="today.xlsx"), self.library)
        forgotten.refresh_from_db()
        self.assertEqual(forgotten.status, ResourceImport.Status.CANCELLED)
        self.assertIsNone(open_or_none(path))
        today = ResourceImport.objects.get(original_name="today.xlsx")
        self.assertEqual(today.status, ResourceImport.Status.UPLOADED)

    def test_a_running_import_shows_its_progress_and_refreshes_itself(self):
        self.login("office")
        self.upload(xlsx(GOOD), self.library)
        job = ResourceImport.objects.get()
        self.client.post(f"/admin/import/{job.pk}/confirm/")  # its job not run: no commit
        job.refresh_from_db()
        self.assertEqual(job.status, ResourceImport.Status.QUEUED)
        ResourceImport.objects.filter(pk=job.pk).update(status=ResourceImport.Status.RUNNING)
        cache.set(progress_key(job.pk), (1, 2))  # as the job reports a batch written
        page = self.client.get(f"/admin/import/{job.pk}/")
        self.assertContains(page, '<meta http-equiv="refresh" content="2">', html=False)
        self.assertContains(page, "1</span> / 2 行（50%）")
        status = self.client.get(f"/admin/import/{job.pk}/status.json").json()
        self.assertEqual(
            (status["status"], status["finished"], status["done"], status["total"]),
            ("running", False, 1, 2),
        )
