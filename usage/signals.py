from django.dispatch import receiver

from wagtail.documents.models import document_served

from usage.counting import count_download


@receiver(document_served)
def count_monthly_download(sender, instance, request, **kwargs):
    count_download(request, instance)
