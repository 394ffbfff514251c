"""What people do on the portal, in a real browser against a live server: a teacher finds and
downloads a file, a workshop member files a resource that a reviewer approves and an anonymous
visitor then finds, and the office downloads the semester report."""

import io
import re

import docx
import openpyxl
import pytest

from content.models import ResourcePage
from tests.session_demo import load_demo

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_TITLE = "楞次定律实验探究教案"


def password(username):
    return f"Hsb-{username}-2026"


def docx_bytes(text):
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(out)
    return out.getvalue()


def admin_login(page, username):
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password(username))
    page.get_by_role("button", name="登录").click()


class Clicks:
    """Clicks through the admin and counts them, as a person would count: a radio, a
    checkbox, a button or a link is one click; so is opening the file picker (what the
    operating system's dialog then takes is not the portal's). Typing is not counted."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.click()

    def choose_file(self, locator, upload):
        self.count += 1
        locator.set_input_files(files=[upload])


def test_journeys(journey):
    load_demo(demo_accounts=True)
    page = journey.page

    with journey.step("teacher logs in"):
        journey.goto("/_util/login/?next=/resources/")
        page.get_by_label("用户名").fill("teacher")
        page.get_by_label("密码").fill(password("teacher"))
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/resources/")

    with journey.step("teacher filters resources"):
        page.get_by_role("region", name="学科/专业").get_by_role(
            "link", name=re.compile("^物理")
        ).click()
        page.wait_for_url(re.compile(r"subject="))
        page.get_by_role("region", name="资源类型").get_by_role(
            "link", name=re.compile("^教案")
        ).click()
        page.wait_for_url(re.compile(r"type="))
        cards = page.locator(".item-card__title")
        assert cards.all_inner_texts() == ["牛顿第二定律 教学设计"]

    with journey.step("teacher opens the resource"):
        cards.get_by_role("link").click()
        page.get_by_role("heading", level=1, name="牛顿第二定律 教学设计").wait_for()

    with journey.step("teacher downloads its file"):
        with page.expect_download() as download:
            page.locator("a.document-link").first.click()
        downloaded = download.value.path().read_bytes()
        attached = ResourcePage.objects.get(title="牛顿第二定律 教学设计").documents.get().document
        with attached.file.open("rb") as f:
            assert downloaded == f.read()

    attachment = docx_bytes("楞次定律：感应电流的磁场总要阻碍引起感应电流的磁通量的变化。")
    journey.context.clear_cookies()
    with journey.step("member logs in to the admin"):
        journey.goto("/admin/login/")
        admin_login(page, "member")
        page.wait_for_url("**/admin/")

    clicks = Clicks()
    with journey.step("member opens the workshop and adds a resource"):
        clicks(page.get_by_role("button", name="页面"))
        clicks(page.get_by_role("link", name="工作室"))
        clicks(page.get_by_role("link", name="黄志强物理名师工作室").first)
        clicks(page.get_by_role("link", name="添加子页面"))
        clicks(page.get_by_role("link", name="教学资源", exact=True))

    with journey.step("member classifies the resource"):
        journey.editor_ready()
        page.get_by_role("textbox", name="标题*").fill(NEW_TITLE)
        page.get_by_role("textbox", name="简介*").fill("用条形磁铁和线圈探究感应电流方向。")
        clicks(page.get_by_role("radio", name="教案"))
        clicks(page.get_by_role("radio", name="普通高中"))
        # Started from the workshop and the member's own 人员 record; only 高中 grades offered.
        assert page.locator("select[name=subject] option:checked").inner_text() == "物理"
        assert page.get_by_role("radio", name="红寺堡区罗山中学").is_checked()
        assert page.get_by_role("checkbox", name="杨海军").is_checked()
        offered = page.locator("select[name=grade] option:not([hidden])").all_inner_texts()
        assert offered == ["不指定", "高一", "高二", "高三"]

    with journey.step("member writes the body"):
        clicks(page.locator("[data-contentpath=body] .c-sf-add-button"))
        clicks(page.get_by_role("option", name="段落"))
        page.locator("[data-contentpath=body]").get_by_role("textbox").fill(
            "将条形磁铁插入、拔出线圈，观察电流计指针的偏转方向。"
        )

    with journey.step("member uploads the attachment"):
        clicks(page.get_by_role("button", name="增加 附件"))
        clicks(page.get_by_role("button", name="选择一个文档"))
        dialog = page.get_by_role("dialog")
        clicks(dialog.get_by_role("tab", name="上传"))
        dialog.get_by_role("textbox", name="标题*").fill(f"{NEW_TITLE}（附件）")
        upload = {"name": "lenz.docx", "mimeType": "application/octet-stream", "buffer": attachment}
        clicks.choose_file(dialog.get_by_label("文件*"), upload)
        clicks(dialog.get_by_role("button", name="上传"))
        dialog.wait_for(state="hidden")

    with journey.step("member submits it for review"):
        # Wagtail 8 autosaves a new page as a draft (its classification may wait) and turns the
        # form into its edit form; submitting before that has finished would make a second
        # page, so wait as a person does. It happens at all because the member typed only once
        # the editor watched the form (journey.editor_ready()). The autosave does the server's
        # real work at once (the test settings run jobs in the request: the attachment's text
        # and preview with them), so the wait allows for a machine with every core busy.
        page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"), timeout=60_000)
        clicks(page.get_by_role("button", name="提交给罗山中学工作室审核"))
        page.get_by_text(re.compile(f"{NEW_TITLE}.*已.*提交.*审核")).wait_for()
        assert clicks.count <= 15, f"{clicks.count} clicks from the dashboard to submitted"
        created = ResourcePage.objects.get(title=NEW_TITLE)
        assert not created.live
        assert created.documents.get().document.title == f"{NEW_TITLE}（附件）"
        assert created.workflow_in_progress
        submitted = created.get_latest_revision_as_object()
        assert submitted.stage.name == "普通高中"
        assert submitted.resource_type.name == "教案"
        assert [block.block_type for block in submitted.body] == ["paragraph"]
        assert [person.name for person in submitted.authors.all()] == ["杨海军"]

    journey.context.clear_cookies()
    with journey.step("reviewer approves it from the dashboard"):
        journey.goto("/admin/login/")
        admin_login(page, "reviewer")
        row = page.get_by_role("row", name=NEW_TITLE)
        row.get_by_role("button", name="操作").click()
        row.get_by_role("button", name="批准", exact=True).click()
        page.get_by_role("row", name=NEW_TITLE).wait_for(state="detached")
        assert ResourcePage.objects.get(title=NEW_TITLE).live

    journey.context.clear_cookies()
    with journey.step("anonymous visitor finds it by a Chinese search"):
        journey.goto("/")
        header_search = page.get_by_role("banner").get_by_role("search")
        header_search.get_by_label("搜索全站").fill("楞次定律")
        header_search.get_by_role("button", name="搜索").click()
        page.wait_for_url(re.compile(r"/search/\?q="))
        page.get_by_role("main").get_by_role("link", name=NEW_TITLE).click()
        page.get_by_role("heading", level=1, name=NEW_TITLE).wait_for()

    with journey.step("office downloads the semester report"):
        journey.goto("/admin/login/")
        admin_login(page, "office")
        page.get_by_role("button", name="帮扶跟踪").click()
        menu = page.get_by_role("list", name="帮扶跟踪")
        menu.get_by_role("link", name="导出学期报告").click()
        page.get_by_role("heading", level=1, name=re.compile("帮扶工作报告")).wait_for()
        sheets = page.get_by_role("heading", level=2).all_inner_texts()
        # The link follows the semester picked, without pressing 查看 (tracking/report.js).
        page.get_by_label("学期").select_option(label="2022年秋季学期")
        with page.expect_download() as download:
            page.get_by_role("link", name="下载 2022年秋季学期 XLSX").click()
        assert download.value.suggested_filename == "programme-report-2022-09.xlsx"
        book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
        assert [re.sub(r"^\d+\. ", "", s) for s in sheets] == book.sheetnames[: len(sheets)]
        assert len(sheets) >= 5

    journey.step_name = "console errors"
    journey.assert_no_console_errors()
