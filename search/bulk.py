"""Indexing pages written in bulk (by `import_resources`, the load benchmark's site), batch by
batch, in the same transaction as the pages."""

import multiprocessing
import os

from wagtail.search.backends import get_search_backends

from search import analysis, statistics
from search.backends.indexing import analyse, sources


class BatchIndexer:
    """Indexes imported pages batch by batch. Cutting text into words is the slow part, so it
    runs in worker processes while the importer goes on writing the next batch; the rows are
    written to the index at the end, in the same transaction as the pages."""

    def __init__(self, total, progress=None):
        self.backends = list(get_search_backends(with_auto_update=True))
        self.progress = progress
        self.total = total
        self.done = 0
        self.pending = []
        analysis.tokenizer()  # loaded once, before the worker processes are forked
        workers = max(1, min((os.cpu_count() or 1) - 1, 4))
        self.pool = None
        if total > 2000:
            self.pool = multiprocessing.get_context("fork").Pool(workers)

    def add(self, pages):
        """Pages as the importer made them, their relations held in memory."""
        batch_sources = [sources(page) for page in pages]
        if self.pool is not None:
            result = self.pool.map_async(analyse, batch_sources, chunksize=50)
        else:
            result = [analyse(source) for source in batch_sources]
        self.pending.append((pages, result))

    def finish(self):
        try:
            self._write_rows()
            # Fresh statistics for the rows just written, on either database: without them
            # PostgreSQL guesses a word's pages at a few hundred and reads thousands, and
            # SQLite, which never gathers any by itself, guesses everything.
            statistics.refresh(force=True)
        finally:
            self.close()

    def _write_rows(self):
        for pages, result in self.pending:
            rows = result.get() if hasattr(result, "get") else result
            for backend in self.backends:
                model = type(pages[0])
                index = backend.get_index_for_model(model)
                if hasattr(index, "add_rows"):
                    index.add_rows(model, rows)
                else:
                    backend.add_bulk(model, pages)
            self.done += len(rows)
            if self.progress:
                self.progress(self.done, self.total)

    def close(self):
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
