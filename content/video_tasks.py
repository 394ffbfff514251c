"""The background job that transcodes an uploaded video (django-tasks, on whatever backend
TASKS names): enqueued once the upload's transaction has committed, so that the worker finds
the row and the file."""

from django.db import transaction

from django_tasks import task
from wagtailmedia.models import get_media_model

from content.models.videos import VideoProcessing, VideoStatus
from content.video_processing import process


@task()
def transcode_video(media_id):
    media = get_media_model().objects.filter(pk=media_id).first()
    if media is None or media.type != "video":
        return None  # deleted, or changed to audio, before the job ran
    return process(media).status


def schedule(media):
    """Mark the video's new file as waiting and enqueue its job after commit."""
    VideoProcessing.objects.update_or_create(
        media=media,
        defaults={"status": VideoStatus.PENDING, "reason": "", "source": media.file.name},
    )
    transaction.on_commit(lambda: transcode_video.enqueue(media.pk))
