"""Settings for the processes tests/test_cache_layer.py starts: the test settings with the
page cache on, each process keeping its own cache in memory (no Redis), the database named
by DATABASE_URL, and one media folder for them all."""

import os
from pathlib import Path

from portal.settings.test import *  # noqa: F403

PAGE_CACHE_ENABLED = True
MEDIA_ROOT = Path(os.environ["PORTAL_TEST_MEDIA_ROOT"])
LOGGING = {"version": 1, "disable_existing_loggers": False}
