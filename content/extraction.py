"""The text inside attached files (PDF, Word, PowerPoint, Excel, plain text), so that a
search finds a resource by what its lesson plan says.

Extraction is bounded: files over MAX_FILE_SIZE are not read, reading stops after
MAX_CHARS characters or TIME_BUDGET seconds, and a corrupt or encrypted file is logged and
skipped. It never raises: the upload itself always succeeds.
"""

import contextlib
import io
import logging
import time
from pathlib import PurePath

logger = logging.getLogger(__name__)

MAX_FILE_SIZE = 30 * 1024 * 1024
MAX_CHARS = 100_000
TIME_BUDGET = 10.0


class _Budget:
    def __init__(self):
        self.deadline = time.monotonic() + TIME_BUDGET
        self.parts = []
        self.size = 0

    def add(self, text):
        text = (text or "").strip()
        if text:
            self.parts.append(text)
            self.size += len(text)

    @property
    def spent(self):
        return self.size >= MAX_CHARS or time.monotonic() > self.deadline

    def text(self):
        return "\n".join(self.parts)[:MAX_CHARS]


def _pdf(data, budget):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted PDF")
    for page in reader.pages:
        budget.add(page.extract_text())
        if budget.spent:
            break


def _docx(data, budget):
    import docx

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        budget.add(paragraph.text)
        if budget.spent:
            return
    for table in document.tables:
        for row in table.rows:
            budget.add(" ".join(cell.text for cell in row.cells))
            if budget.spent:
                return


def _pptx(data, budget):
    from pptx import Presentation

    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                budget.add(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    budget.add(" ".join(cell.text for cell in row.cells))
        if budget.spent:
            return


def _xlsx(data, budget):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            budget.add(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                budget.add(" ".join(str(v) for v in row if v is not None))
                if budget.spent:
                    return
    finally:
        workbook.close()


def _plain(data, budget):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            budget.add(data[: MAX_CHARS * 4].decode(encoding))
            return
        except UnicodeDecodeError:
            continue


READERS = {
    ".pdf": _pdf,
    ".docx": _docx,
    ".pptx": _pptx,
    ".xlsx": _xlsx,
    ".txt": _plain,
    ".csv": _plain,
}


def can_extract(filename):
    return PurePath(filename or "").suffix.lower() in READERS


def extract_text(fileobj, filename):
    """The text of an uploaded file, or "" when it has none we can read."""
    reader = READERS.get(PurePath(filename or "").suffix.lower())
    if reader is None:
        return ""
    try:
        size = getattr(fileobj, "size", None)
        if size is not None and size > MAX_FILE_SIZE:
            logger.info("Not extracting text from %s: %s bytes is over the limit", filename, size)
            return ""
        fileobj.seek(0)
        data = fileobj.read(MAX_FILE_SIZE + 1)
        if len(data) > MAX_FILE_SIZE:
            logger.info("Not extracting text from %s: over the size limit", filename)
            return ""
        budget = _Budget()
        reader(data, budget)
        return budget.text()
    except Exception as error:
        # Whatever a third-party parser raises on a bad file is logged, never passed on.
        logger.warning("Could not extract text from %s: %s", filename, error)
        return ""
    finally:
        with contextlib.suppress(Exception):
            fileobj.seek(0)
