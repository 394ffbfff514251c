"""A migrate from nothing on SQLite, by the portal's migrate command (the collector held back,
portal/management/commands/migrate.py) and by Django's own, alternately, each in a process of
its own: CPU (user + system), time in the garbage collector and peak memory, per run.

    .venv/bin/python bench/migrate_cpu.py [rounds]
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run in the child: the command object given to call_command is the portal's or Django's.
CHILD = """
import gc, json, resource, sys, time
import django
django.setup()
from django.core.management import call_command
from django.core.management.commands.migrate import Command as Django
from portal.management.commands.migrate import Command as Portal
spent = [0.0, 0.0]
def timer(phase, info):
    if phase == "start":
        spent[1] = time.process_time()
    else:
        spent[0] += time.process_time() - spent[1]
gc.callbacks.append(timer)
start = time.process_time()
call_command(Portal() if sys.argv[1] == "portal" else Django(), verbosity=0, interactive=False)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu": time.process_time() - start, "gc": spent[0],
                  "peak_mb": usage.ru_maxrss / 1024}))
"""


def run(which, folder):
    database = Path(folder) / f"{which}.sqlite3"
    database.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, which],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):
            for which in ("portal", "django"):
                got = run(which, folder)
                print(
                    f"{which:7} migrate CPU {got['cpu']:6.2f} s  collector {got['gc']:5.2f} s  "
                    f"peak {got['peak_mb']:5.0f} MB",
                    flush=True,
                )


if __name__ == "__main__":
    main()
