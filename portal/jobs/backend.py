"""The database backend, with the tasks that must not wait for a worker run at once."""

from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db.backend import DatabaseBackend as QueuedBackend


class DatabaseBackend(QueuedBackend):
    """django-tasks-db's backend; OPTIONS["RUN_AT_ONCE"] names tasks (module paths) that run in
    the enqueuing request instead, as the immediate backend runs them: Wagtail's reference
    index, which decides whether a page's files are public (privacy/files.py)."""

    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.run_at_once = frozenset(self.options.get("RUN_AT_ONCE", ()))
        self.immediate = ImmediateBackend(alias, params)

    def enqueue(self, task, args, kwargs):
        if task.module_path in self.run_at_once:
            return self.immediate.enqueue(task, args, kwargs)
        return super().enqueue(task, args, kwargs)
