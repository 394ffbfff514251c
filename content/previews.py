"""Previews of attachments: the first pages of a DOCX, PPTX, XLSX or PDF drawn as images, so
that a teacher sees what a file holds without downloading it (on a phone a .pptx often cannot
be opened at all).

Office files are converted to PDF by LibreOffice (headless) and the PDF's first pages drawn by
pdftoppm, both only through the sandbox: a memory ceiling, a time limit, the process group
killed. A file that cannot be drawn (corrupt, encrypted, too slow) gets its reason recorded and
the page offers the download alone. The work is a task (django-tasks), enqueued when the
transaction that saved the document commits: the worker does it, never the editor's request
(on the immediate backend it runs right after the commit).
"""

import itertools
import logging
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from django_tasks import task
from PIL import Image

import sandbox
from content.models import DocumentPreview, DocumentPreviewPage, PortalDocument

logger = logging.getLogger(__name__)

OFFICE = {"doc", "docx", "ppt", "pptx", "xls", "xlsx"}
PREVIEWABLE = OFFICE | {"pdf"}
# An OOXML file (docx, pptx, xlsx) is a zip; one saved with a password is an OLE container.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# What an editor and a reader are told (after 无法生成预览).
ENCRYPTED = "文件已加密"
CORRUPT = "文件已损坏或无法识别"
TIMEOUT = "转换超时"
TOO_LARGE = "文件过大或过于复杂"
NO_CONVERTER = "服务器未安装转换程序"
_REASONS = {sandbox.TIMEOUT: TIMEOUT, sandbox.MEMORY: TOO_LARGE}

# Each task converts at most this many office files in one LibreOffice run: its start-up
# (about 1.5 s here) is paid once, and a batch stays well inside the time limit.
BATCH = 10


def _setting(name, default):
    return getattr(settings, name, default)


def pages_shown():
    return _setting("DOCUMENT_PREVIEW_PAGES", 5)


def extension(document):
    return Path(document.file.name).suffix.lower().lstrip(".")


def previewable(document):
    return bool(document.file) and extension(document) in PREVIEWABLE


@dataclass
class Rendered:
    """What drawing one file gave: page images (files in a work folder), or a reason."""

    pages: list = field(default_factory=list)
    page_count: int | None = None
    reason: str = ""


# Rendering: plain files in a work folder, no database. ------------------------------------

_runs = itertools.count(1)


def _soffice(sources, workdir, timeout_s):
    """Convert office files to PDFs in workdir/pdf/ (same stem). LibreOffice gets a profile
    of its own for this run, so that runs side by side never share (or lock) one."""
    profile = Path(workdir) / f"profile-{next(_runs)}"
    outdir = Path(workdir) / "pdf"
    outdir.mkdir(exist_ok=True)
    argv = [
        _setting("DOCUMENT_PREVIEW_SOFFICE", "soffice"),
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nologo",
        "--nodefault",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *[str(path) for path in sources],
    ]
    outcome = sandbox.run_command(
        argv,
        memory_mb=_setting("DOCUMENT_PREVIEW_OFFICE_MEMORY_MB", 1024),
        timeout_s=timeout_s,
        cwd=workdir,
        # soffice writes under $HOME whatever the profile says; the service user may have none.
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(workdir), "LANG": "C.UTF-8"},
    )
    shutil.rmtree(profile, ignore_errors=True)
    return outcome


def _office_pdfs(sources, workdir):
    """{key: PDF path or Rendered with the reason} for office files {key: path}."""
    if not sources:
        return {}
    if not shutil.which(_setting("DOCUMENT_PREVIEW_SOFFICE", "soffice")):
        return {key: Rendered(reason=NO_CONVERTER) for key in sources}
    timeout = _setting("DOCUMENT_PREVIEW_TIMEOUT", 60)
    outcome = _soffice(sources.values(), workdir, timeout + 10 * (len(sources) - 1))
    results = {}
    for key, path in sources.items():
        pdf = Path(workdir) / "pdf" / (path.stem + ".pdf")
        if pdf.exists() and pdf.stat().st_size:
            results[key] = pdf
        elif outcome.ok or len(sources) == 1:
            results[key] = Rendered(reason=_office_failure(outcome))
    missing = {key: sources[key] for key in sources if key not in results}
    # The batch ran out of time or memory: each file left alone, to find the one at fault.
    for key, path in missing.items():
        results.update(_office_pdfs({key: path}, workdir))
    return results


def _office_failure(outcome):
    if outcome.reason in _REASONS:
        return _REASONS[outcome.reason]
    return CORRUPT


def _poppler(name, argv):
    return sandbox.run_command(
        [_setting(f"DOCUMENT_PREVIEW_{name.upper()}", name), *argv],
        memory_mb=_setting("DOCUMENT_PREVIEW_PDF_MEMORY_MB", 1024),
        timeout_s=_setting("DOCUMENT_PREVIEW_TIMEOUT", 60),
    )


def _pdf_failure(outcome):
    if outcome.reason in _REASONS:
        return _REASONS[outcome.reason]
    if b"password" in outcome.stderr.lower() or b"encrypt" in outcome.stderr.lower():
        return ENCRYPTED
    return CORRUPT


def _draw_pdf(pdf, outdir, key):
    """The first pages of a PDF as images: PNG or JPEG, whichever is smaller for each page
    (text is small and sharp in PNG, a photographed slide in JPEG)."""
    if not shutil.which(_setting("DOCUMENT_PREVIEW_PDFTOPPM", "pdftoppm")):
        return Rendered(reason=NO_CONVERTER)
    info = _poppler("pdfinfo", [str(pdf)])
    if not info.ok:
        return Rendered(reason=_pdf_failure(info))
    page_count = None
    for line in info.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Pages:"):
            page_count = int(line.split(":", 1)[1].strip() or 0)
    if not page_count:
        return Rendered(reason=CORRUPT)
    last = str(min(page_count, pages_shown()))
    # The long side 1400 px: a portrait A4 page about 1000 px wide, a 16:9 slide 1400, and no
    # page of odd proportions can ask for a huge bitmap.
    common = ["-f", "1", "-l", last, "-scale-to", "1400", str(pdf)]
    drawn = {}
    for kind, options in (("png", ["-png"]), ("jpg", ["-jpeg", "-jpegopt", "quality=80"])):
        outcome = _poppler("pdftoppm", [*options, *common, str(Path(outdir) / f"{key}-{kind}")])
        if not outcome.ok:
            return Rendered(reason=_pdf_failure(outcome))
        drawn[kind] = sorted(Path(outdir).glob(f"{key}-{kind}-*.{kind}"))
    pages = [
        min(pair, key=lambda path: path.stat().st_size)
        for pair in zip(*drawn.values(), strict=False)
    ]
    if not pages:
        return Rendered(reason=CORRUPT)
    return Rendered(pages=pages, page_count=page_count)


def _sniff(path):
    """A reason not to hand the file to LibreOffice at all, or "". LibreOffice opens what it
    does not recognise as plain text and would draw the bytes of a broken file as a page."""
    with open(path, "rb") as file:
        head = file.read(8)
    suffix = path.suffix.lower()
    if suffix in (".docx", ".pptx", ".xlsx"):
        if head == OLE_MAGIC:
            return ENCRYPTED  # saved with a password: an OLE container, not a zip
        return "" if head.startswith(b"PK\x03\x04") else CORRUPT
    if suffix in (".doc", ".ppt", ".xls"):
        return "" if head == OLE_MAGIC else CORRUPT
    return ""


def render_files(sources, workdir):
    """Draw the first pages of each file {key: path} (its suffix says its type) into workdir.
    Returns {key: Rendered}. Nothing here raises for a bad file."""
    results, office, pdfs = {}, {}, {}
    for key, path in sources.items():
        problem = _sniff(path)
        if problem:
            results[key] = Rendered(reason=problem)
        elif path.suffix.lower() == ".pdf":
            pdfs[key] = path
        else:
            # LibreOffice names each PDF after its source's stem: one name per key.
            office[key] = Path(workdir) / f"file-{key}{path.suffix.lower()}"
            if path != office[key]:
                shutil.copyfile(path, office[key])
    pdfs.update(_office_pdfs(office, workdir))
    for key, pdf in pdfs.items():
        results[key] = pdf if isinstance(pdf, Rendered) else _draw_pdf(pdf, workdir, key)
    return results


# Keeping: the database and the storage. ----------------------------------------------------


def _copy_source(document, workdir):
    """The stored file, copied to the work folder (the storage may be a bucket)."""
    path = Path(workdir) / f"file-{document.pk}.{extension(document)}"
    with document.file.open("rb") as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target, 1024 * 1024)
    return path


def _store(document, rendered):
    """Keep what was drawn, unless the file was replaced meanwhile (its own task follows)."""
    with transaction.atomic():
        preview = DocumentPreview.objects.select_for_update().filter(document=document).first()
        current = PortalDocument.objects.filter(pk=document.pk).values_list("file_hash", flat=True)
        if preview is None or preview.source_hash != (current.first() or ""):
            return None
        for page in preview.pages.all():
            page.delete()
        for number, path in enumerate(rendered.pages, start=1):
            with Image.open(path) as image:
                width, height = image.size
            page = DocumentPreviewPage(preview=preview, number=number, width=width, height=height)
            with open(path, "rb") as file:
                page.image.save(f"{number}{path.suffix}", File(file), save=False)
            page.save()
        preview.status = DocumentPreview.READY if rendered.pages else DocumentPreview.FAILED
        preview.reason = rendered.reason
        preview.page_count = rendered.page_count
        preview.save()
    if rendered.reason:
        logger.info("无法生成预览：文档 %s（%s）：%s", document.pk, document.title, rendered.reason)
    return preview


@task()
def build_previews(document_ids):
    """Draw the previews of these documents that wait for one (a newer file's task may have
    done it already)."""
    documents = [
        document
        for document in PortalDocument.objects.filter(
            pk__in=document_ids, preview__status=DocumentPreview.PENDING
        ).select_related("preview")
        if document.preview.source_hash == document.file_hash and previewable(document)
    ]
    if not documents:
        return 0
    with tempfile.TemporaryDirectory(prefix="portal-preview-") as workdir:
        sources = {}
        for document in documents:
            try:
                sources[document.pk] = _copy_source(document, workdir)
            except OSError:
                logger.exception("预览：文档 %s 的文件无法读取", document.pk)
                _store(document, Rendered(reason=CORRUPT))
        results = render_files(sources, workdir)
        for document in documents:
            if document.pk in results:
                _store(document, results[document.pk])
    return len(documents)


# Asking: when a document is saved with a new file. -----------------------------------------

_pending = threading.local()


def request_preview(document):
    """Mark the document's preview as due, and have it drawn when the transaction commits.
    The documents of one transaction (the demo loader's, an import's) go in shared tasks."""
    DocumentPreviewPage.objects.filter(preview__document=document).delete()
    DocumentPreview.objects.update_or_create(
        document=document,
        defaults={
            "source_hash": document.file_hash or "",
            "status": DocumentPreview.PENDING,
            "reason": "",
            "page_count": None,
        },
    )
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    _pending.ids.add(document.pk)
    transaction.on_commit(_enqueue_pending)


def _enqueue_pending():
    # The first callback of a transaction takes every id; the others find none left. Ids of a
    # transaction rolled back wait for the next commit, where the task skips what is gone.
    ids = sorted(getattr(_pending, "ids", ()))
    _pending.ids = set()
    for start in range(0, len(ids), BATCH):
        build_previews.enqueue(ids[start : start + BATCH])


@receiver(post_save, sender=PortalDocument)
def preview_new_file(sender, instance, raw=False, **kwargs):
    if raw:
        return  # a backup restored brings its previews' rows along
    preview = DocumentPreview.objects.filter(document=instance).first()
    if preview is not None and preview.source_hash == instance.file_hash:
        return
    if previewable(instance) and _setting("DOCUMENT_PREVIEWS", True):
        request_preview(instance)
    elif preview is not None:
        preview.delete()  # another file's pages: never shown for this one


@receiver(post_delete, sender=DocumentPreviewPage)
def delete_page_image(sender, instance, **kwargs):
    # The rows go with their document (cascade); their files would stay in the storage.
    if instance.image:
        instance.image.delete(save=False)
