"""Object storage that hands out private images' URLs on the portal, not the bucket's.

The bucket publishes only the public image prefixes (deploy/README.md), so a private image's
own object URL answers 403 to everyone; its URL must reach the portal's checked view
(privacy.views), which reads the file through the storage and streams it to a reader."""

from urllib.parse import quote

from django.conf import settings

from storages.backends.s3 import S3Storage as BaseS3Storage
from storages.utils import clean_name

from privacy.images import PREFIX


class PrivateURLMixin:
    def url(self, name, *args, **kwargs):
        if name and name.startswith(PREFIX):
            return settings.MEDIA_URL + quote(name)
        return super().url(name, *args, **kwargs)


class S3Storage(PrivateURLMixin, BaseS3Storage):
    # Long enough for nginx to start fetching it, which it does at once (privacy.serving).
    signed_url_expire = 60

    def signed_url(self, name):
        """A short-lived signed URL of a private object, for nginx to fetch after the portal's
        check (X-Accel-Redirect); the bucket answers its unsigned URL with 403."""
        params = {"Bucket": self.bucket.name, "Key": self._normalize_name(clean_name(name))}
        return self.connection.meta.client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=self.signed_url_expire
        )
