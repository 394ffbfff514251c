"""Run by tests/test_cache_layer.py as one long-lived process beside the server: what
`manage.py shell -c CODE` does, for many pieces of code, without booting Django and Wagtail
again for each (seconds of CPU each time). Each line it reads is a JSON string of code; the
code runs in autocommit, as in the shell, so what it changes is committed when it answers;
the answer is one JSON line: {"ok": ..., "out": what the code printed, or the traceback}.
The process keeps its own caches in its own memory, as a second worker or a cron job does."""

import contextlib
import io
import json
import os
import sys
import traceback

import django


def main():
    django.setup()
    from django.db import close_old_connections, connections

    answers = sys.stdout
    for line in sys.stdin:
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(json.loads(line), {"__name__": "__shell__"})
            ok = True
        except BaseException:
            out.write(traceback.format_exc())
            ok = False
        # As between two requests: nothing of this piece of code's connection state lingers.
        close_old_connections()
        answers.write(json.dumps({"ok": ok, "out": out.getvalue()}) + "\n")
        answers.flush()
    # Its input closed: the test is done with it. Everything it did is committed and
    # answered, so it skips the interpreter's teardown of Django and Wagtail's modules
    # (seconds of CPU, and under load longer than the test waits).
    connections.close_all()
    os._exit(0)


if __name__ == "__main__":
    main()
