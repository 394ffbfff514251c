"""A folder shared by the workers of one test run, or this process's own outside pytest-xdist.

The workers name it after the process that started them, so that they all find the same one,
and that process removes it when the run ends (the workers may still read it until then).
"""

import os
import shutil
import tempfile
from pathlib import Path


class RunFolder:
    def __init__(self, prefix):
        self.prefix = prefix
        self._path = None

    def path(self):
        if self._path is None:
            if os.environ.get("PYTEST_XDIST_WORKER"):
                self._path = self._of_run(os.getppid())
                self._path.mkdir(exist_ok=True)
            else:
                self._path = Path(tempfile.mkdtemp(prefix=self.prefix))
        return self._path

    def remove(self):
        """In the process that started the run (a worker leaves it to the others)."""
        if os.environ.get("PYTEST_XDIST_WORKER"):
            return
        shutil.rmtree(self._of_run(os.getpid()), ignore_errors=True)
        if self._path is not None:
            shutil.rmtree(self._path, ignore_errors=True)

    def _of_run(self, pid):
        return Path(tempfile.gettempdir()) / f"{self.prefix}run-{pid}"
