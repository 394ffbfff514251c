"""A video uploaded or replaced is transcoded in the background; a deleted one's renditions
and poster leave the storage with it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtailmedia.models import get_media_model

from content.models.videos import VideoProcessing, VideoRendition
from content.video_tasks import schedule


@receiver(post_save, sender=get_media_model())
def video_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.type != "video" or not instance.file:
        return
    processed = VideoProcessing.objects.filter(media=instance).values_list("source", flat=True)
    # Saving the title or the collection keeps the file: nothing to make again.
    if instance.file.name not in processed:
        schedule(instance)


@receiver(post_delete, sender=VideoRendition)
def rendition_deleted(sender, instance, **kwargs):
    if instance.file:
        instance.file.delete(save=False)


@receiver(post_delete, sender=VideoProcessing)
def processing_deleted(sender, instance, **kwargs):
    if instance.poster:
        instance.poster.delete(save=False)
