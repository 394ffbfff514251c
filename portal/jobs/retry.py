"""A job that raises is run again later, a few times, each wait longer than the one before.

For every task alike: when the worker records a failure (django_tasks' task_finished signal),
the job's row goes back to the queue with a later `run_after`, keeping its last error for the
administrators' list. Each run adds the worker's id to the row's `worker_ids`, so the attempts
are counted where the framework counts them (TaskResult.attempts). After the last attempt the
row stays failed. Jobs run at once (tests, the reference index) have no row and no retry.
"""

import datetime
import logging

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


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


@receiver(task_finished, dispatch_uid="portal_jobs_retry")
def retry_failed(sender, task_result, **kwargs):
    row = getattr(task_result, "db_result", None)
    if row is None or task_result.status != TaskResultStatus.FAILED:
        return
    try:
        if retry_later(row):
            logger.info("Job %s failed (attempt %d); retrying later", row.pk, task_result.attempts)
    except Exception:
        # Raised here it would stop the worker itself, inside its own error handling.
        logger.exception("Could not put job %s back in the queue", row.pk)
