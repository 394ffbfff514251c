from urllib.parse import urlsplit

from django.dispatch import receiver

from wagtail.documents.models import document_served
from wagtail.models import Page, Site

from personal.models import Download


def source_page(request):
    """The page of this site the download link was followed from, if the browser said."""
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if not referer.path or referer.netloc != request.get_host():
        return None
    site = Site.find_for_request(request)
    if site is None:
        return None
    path = referer.path if referer.path.endswith("/") else f"{referer.path}/"
    url_path = f"{site.root_page.url_path.rstrip('/')}{path}"
    return Page.objects.filter(url_path=url_path).first()


@receiver(document_served)
def record_download(sender, instance, request, **kwargs):
    """Beside content's counter (content.signals): a logged-in user's own 下载记录."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    Download.objects.create(user=user, document=instance, page=source_page(request))
