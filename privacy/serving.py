"""Sending a file the privacy check let through: from the storage through the portal, or, behind
nginx (PRIVATE_MEDIA_ACCEL_REDIRECT), by handing it the file's internal location
(X-Accel-Redirect) so that no Python worker streams it: the file on nginx's disk, or a signed
URL of the object in the bucket that nginx fetches (deploy/nginx, /internal-object/)."""

import mimetypes
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def file_response(fieldfile, *, filename=None, attachment=False):
    name = fieldfile.name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    accel = getattr(settings, "PRIVATE_MEDIA_ACCEL_REDIRECT", "")
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel_location(accel, fieldfile)
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


def accel_location(accel, fieldfile):
    signed_url = getattr(fieldfile.storage, "signed_url", None)
    if signed_url is None:
        return accel.rstrip("/") + "/" + quote(fieldfile.name)
    # The internal location proxies to the bucket's endpoint: the signed URL's path (the
    # bucket and key with path addressing, the key with virtual hosts) and its signature.
    url = urlsplit(signed_url(fieldfile.name))
    return f"{accel.rstrip('/')}{url.path}?{url.query}"
