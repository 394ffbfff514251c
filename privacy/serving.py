"""Sending a file the privacy check let through: from the storage through the portal, or, where
the web server keeps the files (nginx), by handing it the file's internal location
(X-Accel-Redirect) so that no Python worker streams it."""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def file_response(fieldfile, *, filename=None, attachment=False):
    name = fieldfile.name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    accel = getattr(settings, "PRIVATE_MEDIA_ACCEL_REDIRECT", "")
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(name)
        if attachment:
            response["Content-Disposition"] = content_disposition_header(True, filename or name)
    else:
        response = FileResponse(
            fieldfile.storage.open(name, "rb"),
            content_type=content_type,
            as_attachment=attachment,
            filename=filename or "",
        )
    # Each reader's own: no shared cache keeps what a permission check let through.
    response["Cache-Control"] = "private"
    return response
