from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from content import feeds
from content.share import page_qr_code
from portal.api import api_router
from search import views as search_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("search/suggest/", search_views.suggest, name="search_suggest"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("api/v2/", api_router.urls),
    path("share/<int:page_id>/qr.svg", page_qr_code, name="page_qr_code"),
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
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving catches every remaining URL, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
