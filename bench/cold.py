"""For the load bench's "cold" run: every request starts a new generation, as if a page had
just been published, so nothing shared is cached (site, menu, reference lists, counts,
facets, 成效 figures, search matches): the worst case of a page-cache miss."""

from caching import purge


class NewGenerationEveryRequest:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        purge()
        return self.get_response(request)
