"""The text inside attached files (PDF, Word, PowerPoint, Excel, plain text), so that a
search finds a resource by what its lesson plan says.

An uploaded file is untrusted: a 100 KB Word file can hold 170 MB of XML. So the readers
(content.readers) run in a child process (sandbox.run_python) with a memory ceiling and a
time limit (settings EXTRACTION_MEMORY_MB, EXTRACTION_TIMEOUT), from a job
(content.document_text), never in the upload request. `extract` copies the stored file to a
temporary one, runs the child and says what came of it as a status that the admin shows
(无法提取：内容过大/超时/文件损坏/已加密). It never raises for a bad file.
"""

import contextlib
import logging
import shutil
import tempfile
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext_lazy as _

import sandbox
from content import readers
from content.readers import CORRUPT, ENCRYPTED, TOO_LARGE, can_extract

logger = logging.getLogger(__name__)

__all__ = ["CORRUPT", "ENCRYPTED", "TOO_LARGE", "can_extract", "extract"]

# What came of reading a document's file (PortalDocument.text_status).
NOT_READ = ""  # a kind of file that has no text we read (images, archives, videos)
PENDING = "pending"
DONE = "done"
TIMEOUT = "timeout"

STATUS_CHOICES = [
    (NOT_READ, _("不提取")),
    (PENDING, _("等待提取")),
    (DONE, _("已提取")),
    (TOO_LARGE, _("无法提取：内容过大")),
    (TIMEOUT, _("无法提取：超时")),
    (CORRUPT, _("无法提取：文件损坏")),
    (ENCRYPTED, _("无法提取：已加密")),
]
FAILURES = frozenset({TOO_LARGE, TIMEOUT, CORRUPT, ENCRYPTED})

_REASONS = {sandbox.MEMORY: TOO_LARGE, sandbox.TIMEOUT: TIMEOUT, sandbox.FAILED: CORRUPT}


def extract(fileobj, filename):
    """(text, status) of a stored file, read in the sandbox. Never raises for a bad file."""
    if not can_extract(filename):
        return "", NOT_READ
    size = getattr(fileobj, "size", None)
    if size is not None and size > readers.MAX_FILE_SIZE:
        return "", TOO_LARGE
    suffix = PurePath(filename).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        fileobj.open("rb")
        try:
            shutil.copyfileobj(fileobj, copy, 1024 * 1024)
        finally:
            with contextlib.suppress(Exception):
                fileobj.close()
        copy.flush()
        outcome = sandbox.run_python(
            "content.readers:read_file",
            {"path": copy.name, "name": filename},
            memory_mb=settings.EXTRACTION_MEMORY_MB,
            timeout_s=settings.EXTRACTION_TIMEOUT,
        )
    if not outcome.ok:
        logger.warning("Could not extract text from %s: %s", filename, outcome.reason)
        return "", _REASONS.get(outcome.reason, CORRUPT)
    result = outcome.result
    if result["problem"]:
        logger.warning(
            "Could not extract text from %s: %s %s",
            filename,
            result["problem"],
            result.get("detail", ""),
        )
        return "", result["problem"]
    return result["text"], DONE
