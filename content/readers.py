"""The readers of attached files' text, run in the sandbox's child process (content.extraction
starts it): they work on a path and plain values, and import no Django, so that the child
starts fast and an untrusted file meets as little code as possible.

Reading stops after MAX_CHARS characters; files over MAX_FILE_SIZE are not read at all.
"""

import io
import zipfile
from pathlib import PurePath

MAX_FILE_SIZE = 30 * 1024 * 1024
MAX_CHARS = 100_000
# python-docx and python-pptx build the whole XML tree in memory, at five to eight times the
# XML's size: past this much XML inside the package the file is refused before parsing (the
# sandbox's memory ceiling would stop it anyway, but later and with a vaguer reason).
MAX_XML_SIZE = 24 * 1024 * 1024

# The problems a reader reports; content.extraction's statuses use the same words.
TOO_LARGE = "too_large"
CORRUPT = "corrupt"
ENCRYPTED = "encrypted"


class Encrypted(Exception):
    pass


class TooLarge(Exception):
    pass


class _Budget:
    def __init__(self, max_xml_size=MAX_XML_SIZE):
        self.max_xml_size = max_xml_size
        self.parts = []
        self.size = 0

    def add(self, text):
        text = (text or "").strip()
        if text:
            self.parts.append(text)
            self.size += len(text)

    @property
    def spent(self):
        return self.size >= MAX_CHARS

    def text(self):
        return "\n".join(self.parts)[:MAX_CHARS]


def _check_package(data, budget):
    """Refuse an Office file whose XML would not fit in the reader's memory."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return  # the reader says it is corrupt
    xml = sum(i.file_size for i in package.infolist() if i.filename.endswith((".xml", ".rels")))
    if xml > budget.max_xml_size:
        raise TooLarge(f"{xml} bytes of XML inside")


def _pdf(data, budget):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise Encrypted("encrypted PDF")
    for page in reader.pages:
        budget.add(page.extract_text())
        if budget.spent:
            break


def _docx(data, budget):
    import docx

    _check_package(data, budget)
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

    _check_package(data, budget)
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
    # read_only streams the sheets, so a large workbook needs no package check.
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


def _out_of_memory(error):
    # libxml2 reports an allocation refused by RLIMIT_AS as a syntax error.
    message = str(error)
    return "Memory allocation failed" in message or message.startswith("unknown error")


def read_file(payload):
    """The child's side: {"path", "name"} -> {"text", "problem"} (problem: "" or a status).
    "max_xml_size" in the payload replaces MAX_XML_SIZE (the tests' way to reach the sandbox's
    own memory ceiling with a bomb)."""
    reader = READERS.get(PurePath(payload["name"]).suffix.lower())
    if reader is None:
        return {"text": "", "problem": ""}
    with open(payload["path"], "rb") as handle:
        data = handle.read(MAX_FILE_SIZE + 1)
    if len(data) > MAX_FILE_SIZE:
        return {"text": "", "problem": TOO_LARGE}
    budget = _Budget(payload.get("max_xml_size", MAX_XML_SIZE))
    try:
        reader(data, budget)
    except TooLarge:
        return {"text": "", "problem": TOO_LARGE}
    except Encrypted:
        return {"text": "", "problem": ENCRYPTED}
    except MemoryError:
        raise  # sandbox.child reports it as MEMORY
    except Exception as error:
        if _out_of_memory(error):
            raise MemoryError from error
        # Whatever a third-party parser raises on a bad file means the file is bad.
        return {"text": "", "problem": CORRUPT, "detail": f"{type(error).__name__}: {error}"}
    return {"text": budget.text(), "problem": ""}
