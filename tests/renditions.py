"""Each image rendition is made once per test process.

A test case's rollback takes its renditions' rows with it, so the next test that shows the
same demo image makes the same rendition again: Pillow decoding, resizing and encoding WebP
was a twentieth of the suite's CPU. Here the first making of a rendition (image file, its
bytes, filter, focal point) is kept, and a later one gets the kept bytes under the same name:
Wagtail still saves the file and the rendition's row as it does for any new rendition, so
what a test sees (its URL, its privacy, the file served) is unchanged. A filter that fails
(a hostile file) is not kept and fails again each time.
"""

import hashlib
import io

from django.core.files.base import ContentFile, File

from wagtail.images.models import AbstractImage

_original = AbstractImage.generate_rendition_file
_made = {}


def generate_rendition_file(image, filter, *, source=None):
    """AbstractImage.generate_rendition_file (a documented extension point), remembered."""
    if source is None:
        with image.open_file() as opened:
            data = opened.read()
    else:
        source.seek(0)
        data = source.read()
    digest = hashlib.sha256(data).hexdigest()
    key = (image.file.name, digest, filter.spec, filter.get_cache_key(image))
    if key not in _made:
        made = _original(image, filter, source=File(io.BytesIO(data), name=image.file.name))
        made.seek(0)
        _made[key] = (made.name, made.read())
    name, content = _made[key]
    return ContentFile(content, name=name)
