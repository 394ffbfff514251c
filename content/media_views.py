"""Uploaded videos are served through the portal, after the same privacy check as documents
(content.privacy.check_media), never straight from the media folder."""

import mimetypes

from django.http import FileResponse
from django.shortcuts import get_object_or_404

from wagtailmedia.models import get_media_model

from content.privacy import check_media


def serve_media(request, media_id, filename):
    media = get_object_or_404(get_media_model(), pk=media_id)
    denied = check_media(media, request)
    if denied is not None:
        return denied
    content_type = mimetypes.guess_type(media.file.name)[0] or "application/octet-stream"
    response = FileResponse(media.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private"
    return response
