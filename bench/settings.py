"""Settings for the benchmarks: production-like (DEBUG off, WhiteNoise serving the collected
static files), a scratch media folder, and the search backend named by BENCH_SEARCH_BACKEND
(the portal's, or the plain-jieba baseline)."""

import os
import tempfile
from pathlib import Path

from portal.settings.base import *  # noqa: F403
from portal.settings.base import BASE_DIR

DEBUG = False
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdef"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Set by bench/load.py, so that the builder and every gunicorn worker share one folder.
MEDIA_ROOT = Path(
    os.environ.get("BENCH_MEDIA_ROOT") or tempfile.mkdtemp(prefix="portal-bench-media-")
)
STATIC_ROOT = BASE_DIR / "bench" / "out" / "static"
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": os.environ.get("BENCH_SEARCH_BACKEND", "search.backends")}
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
if "BENCH_PAGE_CACHE" in os.environ:
    PAGE_CACHE_ENABLED = os.environ["BENCH_PAGE_CACHE"] == "1"
if os.environ.get("BENCH_COLD"):
    # Before the page cache's middleware, which reads the generation once per request.
    MIDDLEWARE = ["bench.cold.NewGenerationEveryRequest", *MIDDLEWARE]  # noqa: F405
