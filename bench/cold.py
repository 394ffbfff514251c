"""For the load bench's "cold" run: every request is the first after a change, so nothing
shared is cached when it starts.

BENCH_COLD=1 empties the shared cache and this process's copies of fragments before every
request (caching.clear): every fragment, card, count and page is built again, the worst case
of a page-cache miss. It writes nothing to the database: the write that starts a new
generation is paid once by the publish that causes it, not by the visitors after it (purging
on every request measured that write instead, some 30 ms on SQLite, and capped even a
hello-world view at 13-19 req/s).

BENCH_COLD=<scope> starts only that scope's generation, as after a change there (a news item:
the resource list's counts stay warm, caching.generations); that does write, once a request.
"""

import os

from caching import clear, purge

SCOPE = os.environ.get("BENCH_COLD", "1")


class NewGenerationEveryRequest:
    def __init__(self, get_response):
        self.get_response = get_response
        self.start = clear if SCOPE == "1" else (lambda: purge(SCOPE))

    def __call__(self, request):
        self.start()
        return self.get_response(request)
