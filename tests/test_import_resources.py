"""`import_resources`: all or nothing, CSV with or without BOM, JSON Lines, progress, files."""

import csv
import io
import json
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase

from taggit.models import Tag
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.search.models import IndexEntry

import openpyxl
import pytest

from content.importing import ResourceImporter
from content.models import PortalDocument, ResourcePage, Subject
from portal.backup import storage_files
from privacy.files import pages_using
from tests.session_demo import load_demo
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
        load_demo(library=False)

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

    def test_the_bulk_written_tree_passes_treebeards_own_check(self):
        # content.bulk writes the tree with treebeard's and Django's private API: after a bulk
        # import over several batches, beside existing pages, treebeard's check must find
        # nothing, and an editor's page added afterwards must land after the imported ones.
        self.run_import(self.csv(rows()))
        extra = [f"第{n}课 教案,,,数学,高一,罗山中学,教案,,,,," for n in range(1, 6)]
        with mock.patch("content.importing.BATCH", 2):
            self.run_import(self.csv(rows(*extra)))
        self.assertEqual(Page.find_problems(), ([], [], [], [], []))
        imported = ResourcePage.objects.get(title="第5课 教案")
        parent = imported.get_parent()
        self.assertEqual(parent.get_children().count(), ResourcePage.objects.count())
        for page in (imported, ResourcePage.objects.get(title="第1课 教案")):
            self.assertEqual(self.client.get(page.url).status_code, 200)
        later = parent.add_child(
            instance=ResourcePage(
                title="编辑新加的教案",
                slug="later",
                summary="在批量导入之后由编辑添加",
                resource_type=imported.resource_type,
                stage=imported.stage,
                subject=imported.subject,
            )
        )
        self.assertEqual(list(parent.get_children())[-1].pk, later.pk)
        self.assertEqual(self.client.get(later.url).status_code, 200)
        self.assertEqual(Page.find_problems(), ([], [], [], [], []))

    # -- what an import file may not do ---------------------------------------------------

    def test_files_outside_the_import_folder_are_not_attached(self):
        folder = self.tmp_path / "import"
        outside = self.tmp_path / "outside"
        folder.mkdir()
        outside.mkdir()
        (outside / "secret.docx").write_bytes(docx_bytes("机密的工资表"))
        (folder / "link.docx").symlink_to(outside / "secret.docx")
        lines = [
            rows()[0] + "../outside/secret.docx",
            rows()[1] + str(outside / "secret.docx"),
            rows()[1].replace("读后续写", "链接") + "link.docx",
        ]
        path = self.write(folder, "resources.csv", "\n".join([HEADER, *lines]), "utf-8-sig")
        before = ResourcePage.objects.count()
        with self.assertRaises(CommandError) as raised:
            self.run_import(path)
        message = str(raised.exception)
        for row in (2, 3, 4):
            self.assertIn(f"第 {row} 行，列 file：文件", message)
        self.assertEqual(message.count("不在允许附加的文件夹"), 3)
        self.assertEqual(ResourcePage.objects.count(), before)
        self.assertEqual(list(Page.objects.search("工资表")), [])
        # A folder given on purpose may hold them.
        self.run_import(path, "--files-root", str(self.tmp_path))
        page = ResourcePage.objects.get(title="函数的奇偶性 教案")
        self.assertEqual(page.documents.get().document.title, "secret")

    def test_csv_saved_by_chinese_excel_in_gb18030(self):
        path = self.csv(rows(), encoding="gb18030")
        self.assertIn("已导入并发布 2 个资源", self.run_import(path))
        page = ResourcePage.objects.get(title="函数的奇偶性 教案")
        self.assertEqual(page.school.name, "红寺堡中学")
        self.assertEqual(sorted(t.name for t in page.tags.all()), ["新高考", "核心素养"])

    def test_xlsx_as_the_admin_template_has_it(self):
        book = openpyxl.Workbook()
        book.active.append(HEADER.split(","))
        for line in rows():
            book.active.append(next(csv.reader([line])))
        book.active.append([None] * 12)  # a row Excel keeps for its formatting
        book.active.append(
            ["整数年份", "", "", "数学", "高一", "罗山中学", "教案", "", "", "", 2023]
        )
        path = self.tmp_path / "resources.xlsx"
        book.save(path)
        self.assertIn("已导入并发布 3 个资源", self.run_import(path))
        page = ResourcePage.objects.get(title="函数的奇偶性 教案")
        self.assertEqual(len(page.body), 2)  # the cell's line break kept
        self.assertEqual(page.textbook_edition.name, "人教A版")
        year = ResourcePage.objects.get(title="整数年份")
        self.assertEqual([t.name for t in year.tags.all()], ["2023"])  # not "2023.0"

    def test_undecodable_file_is_an_error_naming_it(self):
        path = self.tmp_path / "broken.csv"
        path.write_bytes(HEADER.encode() + b"\n\xff\xfe\xff,x,y,\xff\n")
        before = ResourcePage.objects.count()
        with self.assertRaisesMessage(CommandError, "文件“broken.csv”既不是 UTF-8 也不是 GB18030"):
            self.run_import(path)
        self.assertEqual(ResourcePage.objects.count(), before)

    def test_oversize_cell_is_an_error_naming_file_and_row(self):
        huge = "很长的正文" * 40_000  # 200,000 characters: past the csv module's limit
        path = self.csv([*rows(), f"长文 教案,,{huge},数学,高一,罗山中学,教案,,,,,"])
        before = ResourcePage.objects.count()
        with self.assertRaises(CommandError) as raised:
            self.run_import(path)
        self.assertIn("文件“resources.csv”第 4 行附近无法读取", str(raised.exception))
        self.assertEqual(ResourcePage.objects.count(), before)

    def test_a_body_over_the_limit_is_refused(self):
        line = {
            "title": "十兆的正文",
            "summary": "",
            "body": "字" * 200_001,
            "subject": "数学",
            "grade": "高一",
            "school": "",
            "resource_type": "教案",
        }
        path = self.write(self.tmp_path, "big.jsonl", json.dumps(line, ensure_ascii=False))
        with self.assertRaisesMessage(
            CommandError, "第 1 行，列 body：正文有 200001 个字符，超过上限 200000"
        ):
            self.run_import(path)
        self.assertFalse(ResourcePage.objects.filter(title="十兆的正文").exists())
        line["body"] = "字" * 200_000
        path.write_text(json.dumps(line, ensure_ascii=False), encoding="utf-8")
        self.run_import(path)
        self.assertTrue(ResourcePage.objects.filter(title="十兆的正文").exists())

    def test_a_nul_character_is_a_row_error(self):
        line = {
            "title": "空字符\u0000标题",
            "summary": "",
            "body": "",
            "subject": "数学",
            "grade": "高一",
            "school": "",
            "resource_type": "教案",
        }
        path = self.write(self.tmp_path, "nul.jsonl", json.dumps(line))
        with self.assertRaisesMessage(CommandError, "第 1 行，列 title：含有不允许的空字符"):
            self.run_import(path)

    def test_stage_from_the_school_or_general_without_a_grade(self):
        path = self.csv(
            [
                "罗山中学典型案例,,,banji,,罗山中学,典型案例,,,,,",
                "职校班主任工作,,,banji,,职业技术学校,典型案例,,,,,",
                "全区教师发展规划,,,banji,,,典型案例,,,,,",
            ]
        )
        self.run_import(path)
        stages = dict(
            ResourcePage.objects.filter(
                title__in=["罗山中学典型案例", "职校班主任工作", "全区教师发展规划"]
            ).values_list("title", "stage__name")
        )
        self.assertEqual(
            stages,
            {"罗山中学典型案例": "普通高中", "职校班主任工作": "中职", "全区教师发展规划": "通用"},
        )
        general = ResourcePage.objects.get(title="全区教师发展规划")
        self.assertContains(self.client.get(general.url), "通用")
        listing = self.client.get("/resources/?stage=tongyong")
        self.assertContains(listing, "全区教师发展规划")
        self.assertNotContains(listing, "罗山中学典型案例")

    def test_repeated_titles_are_reported(self):
        self.run_import(self.csv(rows()))
        path = self.csv([*rows(), rows()[1]])
        for args in (("--dry-run",), ()):
            output = self.run_import(path, *args)
            self.assertIn("3 个标题与已有页面或文件中的其他行重复", output)
            self.assertRegex(output, r"第 2 行“函数的奇偶性 教案”→ [a-z-]+-2\n")
            self.assertRegex(output, r"第 3 行“读后续写 学案”→ [a-z-]+-2\n")
            self.assertRegex(output, r"第 4 行“读后续写 学案”→ [a-z-]+-3\n")
        self.assertIn("其中 3 个因标题重复，网址加了序号", output)
