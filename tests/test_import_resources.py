"""`import_resources`: all or nothing, CSV with or without BOM, JSON Lines, progress, files."""

import io
import json
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase

from taggit.models import Tag
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.search.models import IndexEntry

import pytest

from content.demo.loader import DemoLoader
from content.importing import ResourceImporter
from content.models import PortalDocument, ResourcePage, Subject
from portal.backup import storage_files
from privacy.files import pages_using
from tests.test_extraction import docx_bytes

HEADER = (
    "title,summary,body,subject,grade,school,resource_type,stage,textbook_edition,level,tags,file"
)


def rows(*extra):
    return [
        '函数的奇偶性 教案,奇偶性的概念与判断,"第一段\n第二段",数学,高一,红寺堡中学,教案,,人教A版,市级,新高考，核心素养,',
        "读后续写 学案,续写的方法,情节与语言,英语,高二,罗山中学,学案,,,,,",
        *extra,
    ]


@pytest.mark.both_databases
class ImportResourcesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        DemoLoader(library=False).run()

    def write(self, tmp_path, name, text, encoding="utf-8"):
        path = tmp_path / name
        path.write_text(text, encoding=encoding)
        return path

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path):
        self.tmp_path = tmp_path

    def run_import(self, path, *args):
        out = io.StringIO()
        call_command("import_resources", str(path), *args, stdout=out)
        return out.getvalue()

    def csv(self, lines, encoding="utf-8-sig"):
        return self.write(self.tmp_path, "resources.csv", "\n".join([HEADER, *lines]), encoding)

    def test_csv_with_bom_creates_published_indexed_pages(self):
        before = ResourcePage.objects.count()
        output = self.run_import(self.csv(rows()))
        self.assertIn("已导入并发布 2 个资源", output)
        self.assertEqual(ResourcePage.objects.count(), before + 2)
        page = ResourcePage.objects.get(title="函数的奇偶性 教案")
        self.assertTrue(page.live)
        self.assertEqual(page.subject.name, "数学")
        self.assertEqual(page.stage.name, "普通高中")  # from the grade
        self.assertEqual(page.level.name, "市级")
        self.assertEqual(sorted(t.name for t in page.tags.all()), ["新高考", "核心素养"])
        self.assertEqual(len(page.body), 2)
        self.assertEqual(page.live_revision, page.latest_revision)
        self.assertEqual(page.get_latest_revision_as_object().title, page.title)
        self.assertTrue(page.slug.isascii())
        self.assertEqual(self.client.get(page.url).status_code, 200)
        self.assertEqual(
            [p.pk for p in Page.objects.live().public().search("奇偶性 红寺堡中学")], [page.pk]
        )
        reading = ResourcePage.objects.get(title="读后续写 学案")
        self.assertIsNone(reading.level)
        self.assertIsNone(reading.textbook_edition)

    def test_csv_without_bom_and_json_lines(self):
        self.run_import(self.csv(rows(), encoding="utf-8"))
        lines = [
            {
                "title": "牛顿第三定律 课件",
                "summary": "作用力与反作用力",
                "body": "",
                "subject": "物理",
                "grade": "高一",
                "school": "",
                "resource_type": "课件",
                "tags": ["实验"],
            },
        ]
        path = self.write(
            self.tmp_path, "more.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in lines)
        )
        self.run_import(path)
        page = ResourcePage.objects.get(title="牛顿第三定律 课件")
        self.assertIsNone(page.school)
        self.assertEqual([t.name for t in page.tags.all()], ["实验"])

    def test_an_unknown_value_names_row_and_column_and_imports_nothing(self):
        before = ResourcePage.objects.count()
        path = self.csv(rows("三角恒等变换 教案,,,数学,高一,不存在的中学,教案,,,,,"))
        with self.assertRaisesMessage(CommandError, "第 4 行，列 school：未知的学校“不存在的中学”"):
            self.run_import(path)
        self.assertEqual(ResourcePage.objects.count(), before)

    def test_every_error_is_listed(self):
        path = self.csv(
            rows(",,,天文学,高一,罗山中学,教案,,,,,", "x,,,数学,高一,罗山中学,海报,,,,,")
        )
        with self.assertRaises(CommandError) as raised:
            self.run_import(path)
        message = str(raised.exception)
        self.assertIn("第 4 行，列 title：标题不能为空", message)
        self.assertIn("第 4 行，列 subject：未知的学科/专业“天文学”", message)
        self.assertIn("第 5 行，列 resource_type：未知的资源类型“海报”", message)

    def test_create_missing_makes_the_new_values(self):
        path = self.csv(rows("天体观测 教案,,,天文学,高一,罗山中学,观测记录,,,,,"))
        output = self.run_import(path, "--create-missing")
        self.assertIn("新建分类 学科/专业：天文学", output)
        page = ResourcePage.objects.get(title="天体观测 教案")
        self.assertEqual(page.resource_type.name, "观测记录")
        self.assertTrue(Subject.objects.get(name="天文学").slug.isascii())

    def test_dry_run_writes_nothing(self):
        before = ResourcePage.objects.count()
        output = self.run_import(self.csv(rows()), "--dry-run")
        self.assertIn("已检查 2 行", output)
        self.assertEqual(ResourcePage.objects.count(), before)

    def test_attached_file_is_stored_and_its_text_searchable(self):
        (self.tmp_path / "plan.docx").write_bytes(docx_bytes("教案附件里的向日葵"))
        path = self.csv([rows()[0] + "plan.docx"])
        self.run_import(path)
        page = ResourcePage.objects.get(title="函数的奇偶性 教案")
        self.assertEqual(page.documents.get().document.title, "plan")
        self.assertEqual([p.pk for p in Page.objects.live().search("向日葵")], [page.pk])
        # The reference index knows the page uses it: the file follows the page's privacy.
        document = page.documents.get().document
        self.assertEqual([p.pk for p in pages_using(document)], [page.pk])

    def test_a_failure_while_writing_leaves_nothing_behind(self):
        (self.tmp_path / "plan.docx").write_bytes(docx_bytes("半途而废的附件"))
        path = self.csv([rows()[0] + "plan.docx", rows()[1] + "plan.docx"])
        models = (Page, ResourcePage, Revision, PageLogEntry, PortalDocument, Tag, IndexEntry)
        before = [m.objects.count() for m in models]
        files = sorted(storage_files())
        written = []

        def fail_on_second_batch(importer, resources, pages, now):
            if written:
                raise OSError("磁盘已满")
            written.append(resources)
            return original(importer, resources, pages, now)

        original = ResourceImporter._revisions
        with (
            mock.patch("content.importing.BATCH", 1),
            mock.patch.object(ResourceImporter, "_revisions", fail_on_second_batch),
            self.assertRaisesMessage(CommandError, "已全部撤销，未导入任何内容：磁盘已满"),
        ):
            self.run_import(path)
        self.assertEqual(len(written), 1)  # the first batch had been written
        self.assertEqual([m.objects.count() for m in models], before)
        self.assertEqual(sorted(storage_files()), files)
        self.assertEqual(list(Page.objects.search("半途而废")), [])

    def test_missing_or_forbidden_files_are_errors(self):
        (self.tmp_path / "tool.exe").write_bytes(b"MZ")
        (self.tmp_path / "tool.pdf").write_bytes(b"MZ\x90\x00")
        renamed = rows()[1].replace("读后续写", "改名的程序") + "tool.pdf"
        path = self.csv([rows()[0] + "nowhere.docx", rows()[1] + "tool.exe", renamed])
        with self.assertRaises(CommandError) as raised:
            self.run_import(path)
        self.assertIn("第 2 行，列 file：找不到文件", str(raised.exception))
        self.assertIn("第 3 行，列 file：不支持的文件类型“.exe”", str(raised.exception))
        self.assertIn("第 4 行，列 file：文件内容与扩展名 .pdf 不符", str(raised.exception))

    def test_malformed_files(self):
        bad_json = self.write(self.tmp_path, "bad.jsonl", '{"title": "x"\n')
        with self.assertRaisesMessage(CommandError, "第 1 行：不是有效的 JSON"):
            self.run_import(bad_json)
        no_columns = self.write(self.tmp_path, "cols.csv", "title,summary\nx,y\n")
        with self.assertRaisesMessage(CommandError, "缺少必需的列"):
            self.run_import(no_columns)
        with self.assertRaisesMessage(CommandError, "不支持的文件类型"):
            self.run_import(self.write(self.tmp_path, "data.xml", "<x/>"))

    def test_slugs_stay_unique_beside_existing_pages(self):
        self.run_import(self.csv(rows()))
        self.run_import(self.csv(rows()))
        slugs = list(
            ResourcePage.objects.filter(title="读后续写 学案").values_list("slug", flat=True)
        )
        self.assertEqual(len(set(slugs)), 2)
