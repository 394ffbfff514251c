"""The import's background job, and the published write it shares with `import_resources`.

Progress goes to the cache, not the import's row: the rows are written in one transaction, and
a row updated inside it would be seen by the status page only at the end. Without Redis the
status page of another process sees 导入中 without figures; the import itself is unaffected.
"""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from django_tasks import task

from content.importing import ImportError_, ResourceImporter
from portal.models import ResourceImport
from search.bulk import BatchIndexer
from tracking import kept

logger = logging.getLogger(__name__)
Status = ResourceImport.Status


def publish(importer, rows, index_progress=None):
    """Writes checked rows as published pages and indexes them, in one transaction; on any
    failure nothing is left, stored files included, and the error is raised."""
    indexer = BatchIndexer(len(rows), progress=index_progress)
    try:
        with transaction.atomic():
            ids = importer.write(rows, on_batch=indexer.add)
            indexer.finish()
            # Written in bulk, without signals: the resource count on 成效, counted once.
            kept.changed("counts:resources")
    except BaseException:
        importer.discard_files()
        raise
    finally:
        indexer.close()
    return ids


def progress_key(import_id):
    return f"resource-import:{import_id}:progress"


def progress(import_id):
    """(rows written, rows) as the job last reported, or None."""
    return cache.get(progress_key(import_id))


def _reporter(import_id):
    def report(done, total):
        cache.set(progress_key(import_id), (done, total), 3600)

    return report


@task()
def run_import(import_id):
    """导入资源表格"""
    # Queued, or left running by a worker that died (its transaction rolled back): run it.
    claimed = ResourceImport.objects.filter(
        pk=import_id, status__in=[Status.QUEUED, Status.RUNNING]
    ).update(status=Status.RUNNING)
    if not claimed:
        return None  # cancelled, or already finished
    job = ResourceImport.objects.select_related("parent", "user").get(pk=import_id)
    importer = ResourceImporter(parent=job.parent, progress=_reporter(job.pk))
    try:
        rows, problems = importer.inspect(
            job.file.path, attach_files=False, max_rows=settings.PORTAL_IMPORT_MAX_ROWS
        )
        if problems:  # the taxonomy changed since the preview
            raise ImportError_([problem.text for problem in problems])
        ids = publish(importer, rows) if job.publish else importer.write_for_review(rows, job.user)
    except ImportError_ as error:
        finish(job, Status.FAILED, errors=error.errors)
    except Exception as error:
        # Recorded for the importer to see, not raised: running it again would fail again.
        logger.exception("Resource import %s failed", job.pk)
        finish(job, Status.FAILED, errors=[f"导入中途出错，已全部撤销，未导入任何内容：{error}"])
    else:
        finish(job, Status.DONE, imported=len(ids))
    return job.status


def discard_stale(days=1):
    """Uploads left unconfirmed for a day are cancelled and their files deleted: the storage
    keeps a file only while its import may still run."""
    before = timezone.now() - datetime.timedelta(days=days)
    for job in ResourceImport.objects.filter(status=Status.UPLOADED, created_at__lt=before):
        finish(job, Status.CANCELLED)


def finish(job, status, errors=(), imported=0):
    """The import's end: its outcome recorded and its file deleted."""
    job.status = status
    job.errors = list(errors)
    job.imported = imported
    job.finished_at = timezone.now()
    if job.file:
        job.file.delete(save=False)
    job.save()
    cache.delete(progress_key(job.pk))
