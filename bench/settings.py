"""Settings for the benchmarks: the development settings, a scratch media folder, and the
search backend named by BENCH_SEARCH_BACKEND (the portal's, or the plain-jieba baseline)."""

import os
import tempfile
from pathlib import Path

from portal.settings.dev import *  # noqa: F403

DEBUG = False
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="portal-bench-media-"))
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": os.environ.get("BENCH_SEARCH_BACKEND", "search.backends")}
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
