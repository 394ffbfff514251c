from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from content import feeds, observation_views
from content.media_views import serve_media, serve_poster, serve_rendition
from content.preview_views import preview_page
from content.review import ReviewActionView
from content.share import page_qr_code
from portal.api import api_router
from privacy import views as privacy_views
from search import views as search_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # Wagtail's search terms report, after the tally kept in Redis is stored (search.hits).
    path("admin/searchpicks/reports/search-terms/", search_views.search_terms_report),
    path(
        "admin/searchpicks/reports/search-terms/results/",
        search_views.search_terms_report,
        {"results_only": True},
    ),
    # Wagtail's workflow action (approve, request changes), telling the reviewer what it did.
    path(
        "admin/pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        require_admin_access(ReviewActionView.as_view()),
    ),
    # 教学资源 → 批量导入 (portal.imports): its own 403 for accounts that may not import.
    path("admin/import/", include("portal.imports.urls")),
    path("admin/", include(wagtailadmin_urls)),
    # The first pages of a document as images, as private as the document (content.previews);
    # before Wagtail's own, whose pattern takes any name after the id.
    path(
        "documents/<int:document_id>/preview/<int:number>/",
        preview_page,
        name="document_preview_page",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("me/", include("personal.urls")),
    path("search/", search_views.search, name="search"),
    path("search/suggest/", search_views.suggest, name="search_suggest"),
    path("sitemap.xml", sitemap, name="sitemap"),
    # Browsers ask for /favicon.ico on pages that name no icon (Wagtail's login form, files).
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg")),
    path("api/v2/", api_router.urls),
    # 课堂观察 on recordings: the forms' targets, for logged-in teachers (content.observations).
    path("observations/", include(observation_views)),
    # 成长档案: a page for every person named on the site (people/).
    path("people/", include("people.urls")),
    path("share/<int:page_id>/qr.svg", page_qr_code, name="page_qr_code"),
    path("media-files/<int:media_id>/<str:filename>", serve_media, name="media_file"),
    # What the portal made from an uploaded video, as private as the video (content.media_views).
    path("media-files/<int:media_id>/renditions/poster.jpg", serve_poster, name="media_poster"),
    path(
        "media-files/<int:media_id>/renditions/<str:label>.mp4",
        serve_rendition,
        name="media_rendition",
    ),
    # Images used only by private pages (privacy.images): the web server passes this folder on.
    path(
        f"{settings.MEDIA_URL.lstrip('/')}{settings.PRIVATE_MEDIA_PREFIX}<path:name>",
        privacy_views.private_image,
        name="private_image",
    ),
    path("feeds/news/", feeds.NewsFeed(), name="feed_news"),
    path("feeds/news/atom/", feeds.atom(feeds.NewsFeed)(), name="feed_news_atom"),
    path("feeds/resources/", feeds.ResourceFeed(), name="feed_resources"),
    path("feeds/resources/atom/", feeds.atom(feeds.ResourceFeed)(), name="feed_resources_atom"),
    path("feeds/recordings/", feeds.RecordingFeed(), name="feed_recordings"),
    path("feeds/recordings/atom/", feeds.atom(feeds.RecordingFeed)(), name="feed_recordings_atom"),
    path("feeds/workshops/<slug:slug>/", feeds.WorkshopFeed(), name="feed_workshop"),
    path(
        "feeds/workshops/<slug:slug>/atom/",
        feeds.atom(feeds.WorkshopFeed)(),
        name="feed_workshop_atom",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    # Public images only: documents, videos and private images (under media/private/) go
    # through their permission-checked views.
    for folder in ("images", "original_images", "media_thumbnails"):
        urlpatterns += static(
            f"{settings.MEDIA_URL}{folder}/", document_root=f"{settings.MEDIA_ROOT}/{folder}"
        )

# Wagtail's page serving catches every remaining URL, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
