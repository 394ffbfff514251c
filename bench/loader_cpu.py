"""CPU (time.process_time: this process, user + system) of one DemoLoader(library=True).run()
on the database DATABASE_URL names (a freshly migrated copy), and the part of it spent in
tasks (django_tasks; run at once with the test settings), by task: calls and seconds.
Run by bench/loader_ab.sh."""

import collections
import time

import django

django.setup()

from django_tasks.base import Task  # noqa: E402

from portal.setup.demo import DemoLoader  # noqa: E402

spent, calls = collections.Counter(), collections.Counter()
call = Task.call


def timed_call(self, *args, **kwargs):
    start = time.process_time()
    try:
        return call(self, *args, **kwargs)
    finally:
        spent[self.name] += time.process_time() - start
        calls[self.name] += 1


Task.call = timed_call
start = time.process_time()
DemoLoader(library=True).run()
tasks = " ".join(f"{name}={calls[name]}:{spent[name]:.2f}" for name in sorted(spent))
print(f"{time.process_time() - start:.2f} tasks {tasks}")
