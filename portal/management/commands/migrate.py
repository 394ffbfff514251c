"""Django's migrate, with the garbage collector held back while it runs.

Migrating renders the models' states over and over: from nothing, about 16,000 model classes,
each a web of reference cycles, most of them garbage soon after. Left to its thresholds, the
collector walked that growing heap in full 28 times, a quarter of the CPU of a migrate from
nothing (6-8 s of 25-31 s, measured). Held back, with a full collection after every
COLLECT_EVERY migrations, the garbage still goes: 2.3-2.5 s in the collector, and a peak of
460 MB against 190 (bench/migrate_cpu.py). Never collecting peaked at 820 MB; collecting every
40 migrations kept 363 MB but spent 3.7 s.
"""

import gc

from django.core.management.commands import migrate

COLLECT_EVERY = 100


class Command(migrate.Command):
    def handle(self, *args, **options):
        self.applied = 0
        enabled = gc.isenabled()
        gc.disable()
        try:
            return super().handle(*args, **options)
        finally:
            if enabled:
                gc.enable()

    def migration_progress_callback(self, action, migration=None, fake=False):
        super().migration_progress_callback(action, migration, fake)
        if action in ("apply_success", "unapply_success"):
            self.applied += 1
            if self.applied % COLLECT_EVERY == 0:
                gc.collect()
