"""Uploaded videos, their renditions and generated posters, served through the portal after
the same privacy check as documents (content.privacy.check_media), never straight from the
media folder. A rendition and a poster are exactly as private as their video: the check is
the video's.

Players seek with byte ranges (Safari on iPhones plays nothing without them): a `Range`
request gets 206 with exactly the bytes asked. Behind nginx (PRIVATE_MEDIA_ACCEL_REDIRECT)
the portal only checks and hands nginx the file's internal location, which sends the bytes
and answers the ranges itself, so a 1 GB lesson never holds a Python worker.
"""

import mimetypes
import re
import zlib

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from wagtailmedia.models import get_media_model

from content.models.videos import VideoProcessing, VideoRendition
from content.privacy import check_media
from privacy.serving import file_response

CHUNK = 256 * 1024
SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _checked_media(request, media_id):
    media = get_object_or_404(get_media_model(), pk=media_id)
    denied = check_media(media, request)
    if denied is not None:
        raise _Denied(denied)
    return media


class _Denied(Exception):
    def __init__(self, response):
        self.response = response


def _denied_is_answer(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Denied as denied:
            return denied.response

    return wrapped


@_denied_is_answer
def serve_media(request, media_id, filename):
    media = _checked_media(request, media_id)
    return ranged_file_response(request, media.file)


@_denied_is_answer
def serve_rendition(request, media_id, label):
    media = _checked_media(request, media_id)
    rendition = get_object_or_404(VideoRendition, media=media, label=label)
    return ranged_file_response(request, rendition.file)


@_denied_is_answer
def serve_poster(request, media_id):
    media = _checked_media(request, media_id)
    processing = VideoProcessing.objects.filter(media=media).first()
    if processing is None or not processing.poster:
        raise Http404
    return ranged_file_response(request, processing.poster)


def _validators(storage, name):
    """An ETag and a Last-Modified for the stored file, from its size and time: a replaced
    file (a new upload, a new rendition) gets new ones, and If-Range then sends it whole."""
    size = storage.size(name)
    try:
        modified = storage.get_modified_time(name).timestamp()
    except (NotImplementedError, OSError):
        modified = None
    etag = quote_etag(f"{size:x}-{int(modified or 0):x}-{zlib.crc32(name.encode()):x}")
    return size, etag, modified


def _parse_range(header, size):
    """(start, end) inclusive for one satisfiable range; None to send the whole file (no,
    malformed or several ranges: the whole file is a valid answer to any of those); or
    "unsatisfiable"."""
    match = SINGLE_RANGE.match(header.replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # bytes=-500: the last 500 bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # syntactically invalid: ignored, as RFC 9110 says
    if start >= size:
        return "unsatisfiable"
    end = int(last) if last else size - 1
    return start, min(end, size - 1)


def _if_range_holds(header, etag, modified):
    if not header:
        return True
    if header.startswith(('"', "W/")):
        return header == etag  # a strong comparison: a weak tag never matches
    since = parse_http_date_safe(header)
    return since is not None and modified is not None and int(modified) == since


def _chunks(handle, start, length):
    try:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def ranged_file_response(request, fieldfile):
    if getattr(settings, "PRIVATE_MEDIA_ACCEL_REDIRECT", ""):
        response = file_response(fieldfile)  # nginx answers Range and If-Range itself
        response["Content-Disposition"] = "inline"
        return response
    storage, name = fieldfile.storage, fieldfile.name
    if not name or not storage.exists(name):
        raise Http404
    size, etag, modified = _validators(storage, name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Content-Disposition": "inline",
        # Each reader's own: no shared cache keeps what a permission check let through.
        "Cache-Control": "private",
    }
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers=headers)

    wanted = None
    header = request.headers.get("Range", "")
    if header and _if_range_holds(request.headers.get("If-Range", ""), etag, modified):
        wanted = _parse_range(header, size)
    if wanted == "unsatisfiable":
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    start, end = wanted or (0, size - 1)
    length = max(0, end - start + 1)
    body = [] if request.method == "HEAD" else _chunks(storage.open(name, "rb"), start, length)
    response = StreamingHttpResponse(body, content_type=content_type, headers=headers)
    response["Content-Length"] = str(length)
    if wanted:
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
