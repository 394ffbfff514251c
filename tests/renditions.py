"""Each image rendition is made once per test run.

A test case's rollback takes its renditions' rows with it, so the next test that shows the
same demo image makes the same rendition again: Pillow decoding, resizing and encoding WebP
was a twentieth of the suite's CPU. Here the first making of a rendition (image file, its
bytes, filter, focal point) is kept, and a later one gets the kept bytes under the same name:
Wagtail still saves the file and the rendition's row as it does for any new rendition, so
what a test sees (its URL, its privacy, the file served) is unchanged. A filter that fails
(a hostile file) is not kept and fails again each time.

The kept renditions go to the run's shared folder too, so that a rendition one worker of a
parallel run (pytest-xdist) has made is read, not made again, by the other: each worker made
every demo rendition for itself, 4 s of CPU a worker.
"""

import hashlib
import io
import os
import pickle

from django.core.files.base import ContentFile, File

from wagtail.images.models import AbstractImage

from tests.run_folder import RunFolder

_original = AbstractImage.generate_rendition_file
_made = {}
_folder = RunFolder("portal-test-renditions-")


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
        _made[key] = _kept(key) or _keep(key, _make(image, filter, data))
    name, content = _made[key]
    return ContentFile(content, name=name)


def _make(image, filter, data):
    made = _original(image, filter, source=File(io.BytesIO(data), name=image.file.name))
    made.seek(0)
    return made.name, made.read()


def _path(key):
    return _folder.path() / hashlib.sha256(repr(key).encode()).hexdigest()


def _kept(key):
    try:
        return pickle.loads(_path(key).read_bytes())
    except FileNotFoundError:
        return None


def _keep(key, made):
    # Written aside and renamed: a worker reading it meanwhile finds all of it or nothing.
    path = _path(key)
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    partial.write_bytes(pickle.dumps(made))
    partial.replace(path)
    return made


def cleanup():
    """Called when the session ends, in each worker and in the process that started them."""
    _folder.remove()
