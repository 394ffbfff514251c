"""For the load bench's "cold" run: every request starts new generations, as if a page had
just been published, so nothing made from them is cached. BENCH_COLD=1 starts every scope's
(site, menu, reference lists, counts, facets, 成效 figures, search matches: the worst case
of a page-cache miss); BENCH_COLD=<scope> only that scope's, as after a change there (a
news item: the resource list's counts stay warm, caching.generations)."""

import os

from caching import purge

SCOPE = os.environ.get("BENCH_COLD", "1")


class NewGenerationEveryRequest:
    def __init__(self, get_response):
        self.get_response = get_response
        self.scopes = () if SCOPE == "1" else (SCOPE,)

    def __call__(self, request):
        purge(*self.scopes)
        return self.get_response(request)
