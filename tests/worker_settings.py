"""Settings for the processes tests/test_job_memory.py starts: the test settings with the
deployed job backend (the database), on the database file and media folder it names."""

import os
from pathlib import Path

from portal.settings.base import TASKS as DEPLOYED_TASKS
from portal.settings.test import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["PORTAL_TEST_MEDIA_ROOT"])
TASKS = DEPLOYED_TASKS
LOGGING = {"version": 1, "disable_existing_loggers": False}
