"""What becomes of a job that did not succeed, for every task alike.

A job that raises is run again later, a few times, each wait longer than the one before:
when the worker records a failure (django_tasks' task_finished signal),
the job's row goes back to the queue with a later `run_after`, keeping its last error for the
administrators' list. Each run adds the worker's id to the row's `worker_ids`, so the attempts
are counted where the framework counts them (TaskResult.attempts). After the last attempt the
row stays failed. Jobs run at once (tests, the reference index) have no row and no retry.

A job whose worker was killed while running it (a deploy, Ctrl-C on `make run`, the machine
out of memory) would stay 运行中 for ever: after JOBS_STALE_AFTER seconds it goes back to the
queue, as a failed attempt. Finished jobs are deleted after JOBS_KEEP_DAYS days, failed ones
are kept for the administrators. Both are done by the workers themselves, at most every few
minutes, after a job: no timer to install.
"""

import datetime
import logging
import time

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


ABANDONED = "任务运行时工作进程已停止（部署、重启或内存不足）。"
HOUSEKEEPING_EVERY = 300  # seconds, per worker process
_last_housekeeping = [0.0]


def delay_after(attempts):
    """Seconds to wait before the attempt after `attempts` failed ones."""
    return settings.JOBS_RETRY_DELAY * settings.JOBS_RETRY_FACTOR ** (attempts - 1)


def retry_later(result):
    """Put a failed job row back in the queue if it has attempts left; True if it was."""
    attempts = len(result.worker_ids)
    if attempts >= settings.JOBS_MAX_ATTEMPTS:
        return False
    run_after = timezone.now() + datetime.timedelta(seconds=delay_after(attempts))
    return bool(
        DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=run_after
        )
    )


def requeue_abandoned():
    """Jobs left 运行中 by a worker that died go back to the queue (or, out of attempts, are
    failed); how many were."""
    started_before = timezone.now() - datetime.timedelta(seconds=settings.JOBS_STALE_AFTER)
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=started_before
    )
    for row in stale:
        last = len(row.worker_ids) >= settings.JOBS_MAX_ATTEMPTS
        DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED if last else TaskResultStatus.READY,
            run_after=timezone.now(),
            finished_at=timezone.now(),
            exception_class_path="portal.jobs.Abandoned",
            traceback=ABANDONED,
        )
    return len(stale)


def delete_finished():
    kept_after = timezone.now() - datetime.timedelta(days=settings.JOBS_KEEP_DAYS)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=kept_after
    ).delete()[0]


def housekeeping(force=False):
    if not force and time.monotonic() - _last_housekeeping[0] < HOUSEKEEPING_EVERY:
        return
    _last_housekeeping[0] = time.monotonic()
    requeued, deleted = requeue_abandoned(), delete_finished()
    if requeued or deleted:
        logger.info(
            "Jobs: %d abandoned put back in the queue, %d finished deleted", requeued, deleted
        )


@receiver(task_finished, dispatch_uid="portal_jobs_retry")
def after_job(sender, task_result, **kwargs):
    row = getattr(task_result, "db_result", None)
    if row is None:
        return  # run at once: nothing queued, nothing to retry
    try:
        if task_result.status == TaskResultStatus.FAILED and retry_later(row):
            logger.info("Job %s failed (attempt %d); retrying later", row.pk, task_result.attempts)
        housekeeping()
    except Exception:
        # Raised here it would stop the worker itself, inside its own error handling.
        logger.exception("Could not put job %s back in the queue", row.pk)
