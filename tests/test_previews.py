"""Previews of attachments (content.previews): the first pages of a DOCX, PPTX or PDF drawn by
LibreOffice and pdftoppm in the sandbox, kept beside the document, rebuilt when its file is
replaced, shown on the resource page and served as privately as the document itself.

LibreOffice is slow to start: one tiny DOCX, one tiny PPTX and a broken DOCX are converted once
per session, in one run, and the tests that need previews in the database reuse those pages.
"""

import io
import os
import shutil
import subprocess
import time
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings

from wagtail.models import PageViewRestriction

import docx
import openpyxl
import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfWriter

from content import previews
from content.groups import TEACHERS
from content.models import DocumentPreview, DocumentPreviewPage, PortalDocument
from tests.factories import make_resource
from tests.test_roles_privacy import user

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def need(binary):
    if shutil.which(binary) is None:
        reason = (
            f"{binary} is missing: Debian's libreoffice-*-nogui and poppler-utils draw previews"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI installs them, so there the previews must be drawn
        pytest.skip(reason)


def docx_bytes(pages):
    document = docx.Document()
    for n in range(1, pages + 1):
        document.add_heading(f"勾股定理教学设计 第{n}部分", level=1)
        document.add_paragraph("学生通过拼图发现直角三角形三边的关系。")
        if n < pages:
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pptx_bytes(slides):
    presentation = Presentation()
    for n in range(1, slides + 1):
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = f"第{n}张 勾股定理"
        slide.placeholders[1].text = "a² + b² = c²"
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def xlsx_bytes():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["学生", "成绩"])
    sheet.append(["马小红", 92])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf_bytes(pages, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def drawn(tmp_path_factory):
    """{"docx": Rendered, "pptx": Rendered, "xlsx": Rendered, "broken": Rendered}: one
    LibreOffice run."""
    need("soffice")
    need("pdftoppm")
    folder = tmp_path_factory.mktemp("previews")
    sources = {
        "docx": folder / "plan.docx",
        "pptx": folder / "slides.pptx",
        "xlsx": folder / "scores.xlsx",
        # A zip header and noise: LibreOffice cannot load it, and the batch goes on.
        "broken": folder / "broken.docx",
    }
    sources["docx"].write_bytes(docx_bytes(3))
    sources["pptx"].write_bytes(pptx_bytes(2))
    sources["xlsx"].write_bytes(xlsx_bytes())
    sources["broken"].write_bytes(b"PK\x03\x04" + os.urandom(2000))
    started = time.monotonic()
    rendered = previews.render_files(sources, folder)
    rendered["seconds"] = time.monotonic() - started
    return rendered


def test_office_files_are_converted_and_their_first_pages_drawn(drawn):
    plan, slides = drawn["docx"], drawn["pptx"]
    assert (plan.reason, plan.page_count, len(plan.pages)) == ("", 3, 3)
    assert (slides.reason, slides.page_count, len(slides.pages)) == ("", 2, 2)
    with Image.open(plan.pages[0]) as page:
        assert page.format in ("PNG", "JPEG")
        width, height = page.size
        assert height == 1400 and 1000 < width < 1100  # python-docx: a Letter page, portrait
        # Not a blank page: the heading is drawn (dark pixels on white).
        assert page.convert("L").getextrema()[0] < 100
    with Image.open(slides.pages[0]) as page:
        assert page.size == (1400, 1050)  # a 4:3 slide, landscape
    assert (drawn["xlsx"].reason, len(drawn["xlsx"].pages)) == ("", 1)
    assert drawn["broken"].reason == previews.CORRUPT and not drawn["broken"].pages


def test_pdfs_show_five_pages_and_encrypted_or_broken_ones_say_why(tmp_path):
    need("pdftoppm")
    files = {
        "long": pdf_bytes(8),
        "locked": pdf_bytes(1, password="mima"),
        "torn": pdf_bytes(2)[:300],
        # An OOXML file saved with a password is an OLE container, not a zip.
        "protected": previews.OLE_MAGIC + os.urandom(1000),
    }
    sources = {}
    for key, data in files.items():
        sources[key] = tmp_path / f"{key}.{'docx' if key == 'protected' else 'pdf'}"
        sources[key].write_bytes(data)
    rendered = previews.render_files(sources, tmp_path)
    assert (rendered["long"].page_count, len(rendered["long"].pages)) == (8, 5)
    assert rendered["locked"].reason == previews.ENCRYPTED
    assert rendered["torn"].reason == previews.CORRUPT
    assert rendered["protected"].reason == previews.ENCRYPTED


def test_a_converter_that_hangs_is_stopped_at_the_time_limit(tmp_path, settings):
    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nsleep 30 & sleep 30\n")
    hanging.chmod(0o755)
    settings.DOCUMENT_PREVIEW_SOFFICE = str(hanging)
    settings.DOCUMENT_PREVIEW_TIMEOUT = 1
    source = tmp_path / "plan.docx"
    source.write_bytes(docx_bytes(1))
    started = time.monotonic()
    rendered = previews.render_files({1: source}, tmp_path)
    assert rendered[1].reason == previews.TIMEOUT
    assert time.monotonic() - started < 5
    # The converter's whole process group went with it: no sleep it started is left.
    left = subprocess.run(["pgrep", "-f", f"{hanging}"], capture_output=True, text=True)
    assert left.stdout == ""


@pytest.fixture
def drawing(drawn, monkeypatch, settings):
    """Previews switched on, tasks run at once, and the session's pages handed out instead of
    running LibreOffice again (by the source's type). Returns the batches asked for."""
    settings.DOCUMENT_PREVIEWS = True
    batches = []

    def render(sources, workdir):
        batches.append(sorted(sources))
        results = {}
        for key, path in sources.items():
            if previews._sniff(path):  # the real check of what LibreOffice would be given
                results[key] = previews.Rendered(reason=previews._sniff(path))
                continue
            made = drawn[path.suffix.lstrip(".")]
            copies = []
            for page in made.pages:
                copies.append(Path(workdir) / f"{key}-{page.name}")
                shutil.copyfile(page, copies[-1])
            results[key] = previews.Rendered(copies, made.page_count, made.reason)
        return results

    monkeypatch.setattr(previews, "render_files", render)
    with override_settings(TASKS=IMMEDIATE):
        yield batches


def save_document(title, data, name):
    document = PortalDocument(title=title, file=ContentFile(data, name=name))
    document.save()
    return document


@pytest.mark.both_databases
def test_previews_follow_the_documents_file(demo_site, drawing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plan = save_document("预览教学设计", docx_bytes(3), "plan.docx")
        slides = save_document("预览课件", pptx_bytes(2), "slides.pptx")
        save_document("预览说明", "纯文本".encode(), "readme.txt")
    # Both files of the transaction in one task, after it committed.
    assert drawing == [sorted([plan.pk, slides.pk])]
    preview = DocumentPreview.objects.get(document=plan)
    assert (preview.status, preview.page_count, preview.source_hash) == ("ready", 3, plan.file_hash)
    old = [page.image.name for page in preview.pages.all()]
    assert [page.number for page in preview.pages.all()] == [1, 2, 3]
    assert all(default_storage.exists(name) for name in old)
    # Kept out of every folder the web server or the bucket publishes.
    assert all(name.startswith("document_previews/") for name in old)
    assert DocumentPreview.objects.filter(document__title="预览说明").count() == 0

    # The file replaced (a slide deck now): the old pages go, the new file's are drawn.
    with django_capture_on_commit_callbacks(execute=True):
        plan.file = ContentFile(pptx_bytes(2), name="plan-v2.pptx")
        plan._set_document_file_metadata()
        plan.save()
    preview.refresh_from_db()
    assert (preview.status, preview.page_count, preview.source_hash) == ("ready", 2, plan.file_hash)
    assert not any(default_storage.exists(name) for name in old)
    new = [page.image.name for page in preview.pages.all()]
    assert len(new) == 2 and not set(new) & set(old)

    # Saved again without a new file: nothing is drawn again.
    with django_capture_on_commit_callbacks(execute=True):
        plan.title = "预览教学设计（修订）"
        plan.save()
    assert len(drawing) == 2

    # A document that has none (uploaded before previews, or while they were off) gets one.
    DocumentPreview.objects.filter(document=slides).delete()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("build_previews", stdout=io.StringIO())
    assert drawing[-1] == [slides.pk]
    assert DocumentPreview.objects.get(document=slides).status == "ready"

    plan.delete()
    assert not DocumentPreviewPage.objects.filter(image__in=new).exists()
    assert not any(default_storage.exists(name) for name in new)


def content(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.both_databases
def test_previews_are_exactly_as_private_as_their_document(
    demo_site, drawing, django_capture_on_commit_callbacks, client
):
    insiders = Group.objects.create(name="预览样本小组")
    teacher = user("preview-teacher", [TEACHERS])
    insider = user("preview-insider", [TEACHERS, insiders.name])
    pages = {}
    with django_capture_on_commit_callbacks(execute=True):
        for kind in ("public", "teachers", "group"):
            document = save_document(f"预览样本{kind}", docx_bytes(3), f"{kind}.docx")
            pages[kind] = make_resource(f"预览样本资源{kind}", documents=[document])
    restriction = PageViewRestriction.objects.create(
        page=pages["teachers"], restriction_type=PageViewRestriction.LOGIN
    )
    restriction = PageViewRestriction.objects.create(
        page=pages["group"], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([insiders])

    readers = {
        "public": {"anonymous", "teacher", "insider"},
        "teachers": {"teacher", "insider"},
        "group": {"insider"},
    }
    for kind, page in pages.items():
        document = page.attachments[0].document
        stored = document.preview.pages.get(number=2).image
        url = f"/documents/{document.pk}/preview/2/"
        for who, account in (("anonymous", None), ("teacher", teacher), ("insider", insider)):
            client.logout()
            if account:
                client.force_login(account)
            response = client.get(url)
            if who in readers[kind]:
                assert response.status_code == 200, (kind, who)
                assert content(response) == stored.open("rb").read()
                assert "private" in response["Cache-Control"]
                if who == "insider":  # the one reader of all three: the page shows them
                    html = client.get(page.url).content.decode()
                    assert 'alt="第 2 页"' in html and 'loading="lazy"' in html
                    assert f"/documents/{document.pk}/preview/1/?v=" in html
            else:
                assert response.status_code in (302, 404), (kind, who)
                assert not content(response).startswith((b"\x89PNG", b"\xff\xd8"))
                if who == "anonymous":
                    assert "login" in response["Location"]
                # Guessing another page number tells nothing more.
                assert client.get(f"/documents/{document.pk}/preview/9/").status_code in (302, 404)
    # Behind nginx the portal checks and nginx sends the bytes.
    with override_settings(PRIVATE_MEDIA_ACCEL_REDIRECT="/internal-media/"):
        accel = client.get(url)
    assert accel["X-Accel-Redirect"] == f"/internal-media/{stored.name}"
    assert not accel.content
    client.logout()
    # A page never drawn answers 404 to a reader.
    assert (
        client.get(
            f"/documents/{pages['public'].attachments[0].document.pk}/preview/9/"
        ).status_code
        == 404
    )


@pytest.mark.both_databases
def test_a_file_that_cannot_be_previewed_says_why_and_offers_the_download(
    demo_site, drawing, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        locked = save_document("预览样本加密", previews.OLE_MAGIC + b"x" * 100, "locked.docx")
        page = make_resource("预览样本加密资源", documents=[locked])
    assert DocumentPreview.objects.get(document=locked).status == DocumentPreview.FAILED
    html = client.get(page.url).content.decode()
    assert "无法生成预览（文件已加密），请下载后查看。" in html
    assert locked.url in html
