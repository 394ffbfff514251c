from wagtail import hooks

from usage.counting import count_view

REPLAY = "usage.counting.count_view"


@hooks.register("on_serve_page")
def count_page_views(serve):
    """Counts a page served 200 as HTML, after Wagtail's privacy check has let the reader in
    (a refused visitor is redirected before this runs). The page cache keeps the page's id
    with its copy and counts each copy it serves (caching.middleware)."""

    def serve_and_count(page, request, args, kwargs):
        response = serve(page, request, args, kwargs)
        if (
            response.status_code == 200
            and page.live
            and response.get("Content-Type", "").startswith("text/html")
        ):
            count_view(request, page.pk)
            if getattr(response, "page_cache_on_hit", None) is None:
                response.page_cache_on_hit = (REPLAY, [page.pk])
        return response

    return serve_and_count
