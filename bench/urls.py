"""The portal's URLs, plus the hello-world ceiling and the images of the scratch media folder
(DEBUG is off here, as in production, where the web server serves them)."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import path, re_path
from django.views.static import serve

from portal.urls import urlpatterns as portal_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello),
    re_path(
        r"^media/(?P<path>(images|original_images)/.*)$",
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
    *portal_urlpatterns,
]
