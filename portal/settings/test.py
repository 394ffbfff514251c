import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES

SECRET_KEY = "test-only-secret-key-not-for-production"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"

# Static files come from the finders in tests; WhiteNoise serves the collected ones in production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405

# Uploaded and generated files of a test run go to a throwaway folder, not the developer's media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="portal-test-media-"))
PORTAL_IMPORT_ROOT = Path(tempfile.mkdtemp(prefix="portal-test-imports-"))

# Tests read response.context, which a page served from the cache has not; the page cache's
# own tests (tests/test_page_cache.py) switch it on.
PAGE_CACHE_ENABLED = False
PAGE_WARMUP = False  # tests that want the job after a publish turn it on

# Drawing previews runs LibreOffice: documents saved by tests (the demo's among them) get none;
# tests/test_previews.py switches it on where it tests it.
DOCUMENT_PREVIEWS = False
# Jobs run at once, in the test's own transaction, so that a test sees their outcome without a
# worker. The worker's own tests (tests/test_jobs.py) switch to the database backend and drain
# the queue with `manage.py db_worker --batch`.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
