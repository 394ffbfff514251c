"""The share box's QR code, drawn by the portal itself for WeChat users to scan."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control

from wagtail.models import Page

import segno


@cache_control(public=True, max_age=3600)
def page_qr_code(request, page_id):
    # Only live, public pages: a QR endpoint must not confirm that a private page exists.
    page = get_object_or_404(Page.objects.live().public(), pk=page_id)
    url = page.get_full_url(request)
    if url is None:
        raise Http404  # the tree's root and pages outside every site have no address
    qr = segno.make(url, error="m")
    response = HttpResponse(content_type="image/svg+xml")
    qr.save(response, kind="svg", scale=6, border=2, title=page.title, xmldecl=False)
    return response
