"""The search index and Wagtail's reference index brought up to date once per object at the
end of a bulk build (the demo loader), instead of on every save.

modelsearch indexes an object on each of its saves, Wagtail records its references on each
of them too: the demo's pages are saved three times (created, revision, published), so a
loader run indexed each page three times and recorded its references three times, some 40 %
of its CPU (with the tasks run at once, as in the tests; in production the worker did the
same repeated work afterwards). Inside `indexed_once()` the saves of this thread are only
noted; when the block ends (in the same transaction), each object noted is queued once for
the same task its saves would have queued, in the order of its first save: same index
entries, same reference rows. Deleting still updates both indexes at once
(those handlers are left alone). Saves from other threads (a test's live server) are handled
as usual meanwhile.

A full run (library=True, test settings, bench/loader_ab.sh, 3 runs each): 496 + 702 task
calls became 266 + 409; their CPU 8.7 -> 4.0 s on SQLite, 12.0 -> 5.8 s on PostgreSQL; the
whole run 22.4 -> 19.0 s and 33.9 -> 26.8 s.
"""

import contextlib
import threading

from django.apps import apps
from django.db.models.signals import post_save

from modelsearch import index
from modelsearch import signal_handlers as search_handlers
from modelsearch.tasks import insert_or_update_object_task
from wagtail import signal_handlers as wagtail_handlers
from wagtail.models import ReferenceIndex
from wagtail.tasks import update_reference_index_task

_local = threading.local()


class _Deferred:
    """One post_save handler put aside: the saves of the deferring thread are noted, the
    others go to the handler as before."""

    def __init__(self, handler, task):
        self.handler = handler
        self.task = task
        self.notes = {}  # {(app_label, model_name, pk): None}, in the order of first save
        self.models = []

    def __call__(self, sender, instance, raw=False, **kwargs):
        if self not in getattr(_local, "deferring", ()):
            return self.handler(sender=sender, instance=instance, raw=raw, **kwargs)
        if raw:  # as both handlers: loaddata's objects are not indexed
            return
        meta = instance._meta
        self.notes.setdefault((meta.app_label, meta.model_name, str(instance.pk)))

    def swap(self, models):
        """Puts the handler aside for those of `models` it listens to."""
        self.models = [m for m in models if post_save.disconnect(self.handler, sender=m)]
        for model in self.models:
            post_save.connect(self, sender=model, weak=False)

    def restore(self):
        for model in self.models:
            post_save.disconnect(self, sender=model)
            post_save.connect(self.handler, sender=model)

    def enqueue(self, now=False):
        """Each object noted queued once for its handler's task, which runs where the saves'
        tasks would have (at once in the tests and for the reference index, by the worker for
        the search index in production), or run here and now with `now`. Objects saved and
        then deleted within the block are left out: the delete handlers, left in place, took
        them out of the index."""
        pks = {}
        for app_label, model_name, pk in self.notes:
            pks.setdefault((app_label, model_name), []).append(pk)
        existing = set()
        for (app_label, model_name), ids in pks.items():
            model = apps.get_model(app_label, model_name)
            found = model.objects.filter(pk__in=ids).values_list("pk", flat=True)
            existing.update((app_label, model_name, str(pk)) for pk in found)
        for key in self.notes:
            if key in existing:
                if now:
                    self.task.call(*key)
                else:
                    self.task.enqueue(*key)


@contextlib.contextmanager
def indexed_once(now=False):
    """Within the block, this thread's saves are not indexed (search, references) one by one;
    each object saved is indexed once when the block ends without an error: by the tasks
    their saves would have queued, or, with `now`, in this process before the block returns.
    Not reentrant: an inner block indexes nothing itself and leaves it to the outer one."""
    if getattr(_local, "deferring", ()):
        yield
        return
    search = _Deferred(search_handlers.post_save_signal_handler, insert_or_update_object_task)
    references = _Deferred(
        wagtail_handlers.update_reference_index_on_save, update_reference_index_task
    )
    search.swap(index.get_indexed_models())
    references.swap(ReferenceIndex.tracked_models)
    try:
        _local.deferring = (search, references)
        yield
    finally:
        _local.deferring = ()
        search.restore()
        references.restore()
    search.enqueue(now)
    references.enqueue(now)
