"""Object storage that hands out private images' URLs on the portal, not the bucket's.

The bucket publishes only the public image prefixes (deploy/README.md), so a private image's
own object URL answers 403 to everyone; its URL must reach the portal's checked view
(privacy.views), which reads the file through the storage and streams it to a reader."""

from urllib.parse import quote

from django.conf import settings

from storages.backends.s3 import S3Storage as BaseS3Storage

from privacy.images import PREFIX


class PrivateURLMixin:
    def url(self, name, *args, **kwargs):
        if name and name.startswith(PREFIX):
            return settings.MEDIA_URL + quote(name)
        return super().url(name, *args, **kwargs)


class S3Storage(PrivateURLMixin, BaseS3Storage):
    pass
