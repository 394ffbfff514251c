from django.dispatch import receiver

from wagtail.documents.models import document_served


@receiver(document_served)
def count_download(sender, instance, request, **kwargs):
    instance.record_download()
