"""The text inside attached files is found by search; bad files never break an upload."""

import io
import logging
import tempfile
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import SimpleTestCase, TestCase, override_settings

from wagtail.models import Page

import docx
import pytest
from openpyxl import Workbook
from pptx import Presentation
from pptx.util import Inches

import sandbox
from content import extraction, readers
from content.models import PortalDocument
from tests.bombs import LARGE_BOMB_MB, SMALL_BOMB_MB, word_bomb
from tests.factories import make_resource
from tests.session_demo import load_demo


def docx_bytes(text):
    document = docx.Document()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "表格中的海棠花"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pptx_bytes(text):
    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[5])
    slide.shapes.title.text = text
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(4), Inches(1))
    box.text_frame.text = "幻灯片正文"
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(text):
    workbook = Workbook()
    workbook.active.title = "成绩"
    workbook.active.append(["姓名", text])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf_bytes(text, encrypt=False):
    """A one-page PDF written by hand (Latin text: the standard fonts have no Chinese)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    if encrypt:
        writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class ExtractionTests(SimpleTestCase):
    """Each file is read in the sandbox, as the job reads it."""

    def extract(self, data, name):
        return extraction.extract(ContentFile(data, name=name), name)

    def test_reads_word_powerpoint_excel_pdf_and_text(self):
        cases = [
            (docx_bytes("教案中的玉兰花"), "a.docx", ["玉兰花", "海棠花"]),
            (pptx_bytes("课件里的牡丹花"), "a.pptx", ["牡丹花", "幻灯片正文"]),
            (xlsx_bytes("表里的杜鹃花"), "a.xlsx", ["杜鹃花", "成绩"]),
            (pdf_bytes("photosynthesis quiz"), "a.pdf", ["photosynthesis quiz"]),
            ("纯文本的腊梅".encode("gb18030"), "a.txt", ["腊梅"]),
        ]
        for data, name, expected in cases:
            with self.subTest(name=name):
                text, status = self.extract(data, name)
                self.assertEqual(status, extraction.DONE)
                for word in expected:
                    self.assertIn(word, text)

    def test_bad_files_are_logged_and_given_their_reason(self):
        cases = [
            (b"%PDF-1.4 this is not really a pdf", "broken.pdf", extraction.CORRUPT),
            (b"PK\x03\x04 not a zip", "broken.docx", extraction.CORRUPT),
            (b"\x00\x01\x02", "broken.xlsx", extraction.CORRUPT),
            (pdf_bytes("secret words", encrypt=True), "locked.pdf", extraction.ENCRYPTED),
        ]
        for data, name, reason in cases:
            with self.subTest(name=name), self.assertLogs("content.extraction", logging.WARNING):
                self.assertEqual(self.extract(data, name), ("", reason))

    def test_word_bombs_are_stopped_within_the_limits(self):
        for megabytes in (SMALL_BOMB_MB, LARGE_BOMB_MB):
            with self.subTest(megabytes=megabytes), self.assertLogs("content.extraction"):
                started = time.monotonic()
                text, status = self.extract(word_bomb(megabytes), "bomb.docx")
                self.assertEqual((text, status), ("", extraction.TOO_LARGE))
                self.assertLess(time.monotonic() - started, settings.EXTRACTION_TIMEOUT)

    def test_the_memory_ceiling_stops_a_bomb_the_size_check_would_let_through(self):
        with tempfile.NamedTemporaryFile(suffix=".docx") as bomb:
            bomb.write(word_bomb(SMALL_BOMB_MB))
            bomb.flush()
            outcome = sandbox.run_python(
                "content.readers:read_file",
                {"path": bomb.name, "name": "bomb.docx", "max_xml_size": 10**12},
                memory_mb=settings.EXTRACTION_MEMORY_MB,
                timeout_s=settings.EXTRACTION_TIMEOUT,
            )
        self.assertEqual(outcome.reason, sandbox.MEMORY)

    @override_settings(EXTRACTION_TIMEOUT=0.05)
    def test_a_reader_past_its_time_is_stopped(self):
        with self.assertLogs("content.extraction", logging.WARNING):
            self.assertEqual(self.extract(docx_bytes("慢"), "slow.docx"), ("", extraction.TIMEOUT))

    def test_unknown_kinds_are_not_read(self):
        self.assertEqual(self.extract(b"binary", "archive.zip"), ("", extraction.NOT_READ))

    def test_reading_is_bounded(self):
        long_text = "长" * (readers.MAX_CHARS * 2)
        text, _ = self.extract(long_text.encode(), "long.txt")
        self.assertEqual(len(text), readers.MAX_CHARS)
        original = readers.MAX_FILE_SIZE
        readers.MAX_FILE_SIZE = 10
        try:
            self.assertEqual(
                self.extract(docx_bytes("太大的文件"), "big.docx"), ("", extraction.TOO_LARGE)
            )
        finally:
            readers.MAX_FILE_SIZE = original


@pytest.mark.both_databases
class AttachmentSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo(library=False)

    def document(self, data, name, title="附件"):
        document = PortalDocument(title=title, file=ContentFile(data, name=name))
        document.save()
        return document

    def test_a_page_is_found_by_the_text_of_its_attachment(self):
        document = self.document(docx_bytes("探究凤仙花的向光性"), "plan.docx")
        page = make_resource("生物实验方案", documents=[document])
        found = [p.pk for p in Page.objects.live().public().search("凤仙花")]
        self.assertEqual(found, [page.pk])
        self.assertEqual(list(PortalDocument.objects.search("凤仙花")), [document])

    def test_a_corrupt_upload_is_kept_without_text_and_marked(self):
        with self.assertLogs("content.extraction", logging.WARNING):
            document = self.document(b"%PDF-1.4 garbage", "scan.pdf", title="扫描件")
        document.refresh_from_db()
        self.assertEqual(document.text, "")
        self.assertEqual(document.text_problem, "无法提取：文件损坏")
        self.assertTrue(document.file.name.endswith(".pdf"))
        self.assertEqual(list(PortalDocument.objects.search("扫描件")), [document])

    def test_replacing_the_file_reads_it_again_and_reindexes_its_pages(self):
        document = self.document(docx_bytes("旧的内容：桃花"), "v1.docx")
        page = make_resource("春季植物观察", documents=[document])
        self.assertEqual(Page.objects.live().search("桃花").count(), 1)
        document.file = ContentFile(docx_bytes("新的内容：梨花"), name="v2.docx")
        document.file_size = None
        document.file_hash = ""
        document.save()
        document.refresh_from_db()  # the job wrote the text
        self.assertEqual(document.text_status, extraction.DONE)
        self.assertIn("梨花", document.text)
        self.assertNotIn("桃花", document.text)
        self.assertEqual([p.pk for p in Page.objects.live().search("梨花")], [page.pk])
        self.assertEqual(Page.objects.live().search("桃花").count(), 0)
