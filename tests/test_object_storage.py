"""Uploads on S3-compatible object storage (moto stands in for the bucket): private documents
and videos still pass the portal's permission check and are streamed by it, never handed
out as bucket URLs."""

import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile

from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

import boto3
import pytest
from moto import mock_aws
from PIL import Image as PILImage
from wagtailmedia.models import get_media_model

from content.models import PortalDocument
from tests.factories import make_recording, make_resource
from tests.test_extraction import docx_bytes
from tests.test_uploads import MP4

BUCKET = "hongsibu-portal-test"


@pytest.fixture
def bucket(settings):
    with mock_aws():
        boto3.client("s3", region_name="cn-north-1").create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "cn-north-1"}
        )
        # The options portal/settings/base.py derives from S3_BUCKET and friends.
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "privacy.storage.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "cn-north-1",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "default_acl": None,
                    "querystring_auth": False,
                    "file_overwrite": False,
                },
            },
        }
        yield boto3.client("s3", region_name="cn-north-1")


def stored_keys(s3):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def teachers_only(page):
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    return page


def streamed(response):
    assert response.status_code == 200
    assert "Location" not in response  # not a redirect to the bucket
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_private_document_in_the_bucket_is_served_only_through_the_portal(
    client, demo_site, bucket
):
    content = docx_bytes("只给教师看的教案")
    document = PortalDocument(title="教案", file=ContentFile(content, name="jiaoan.docx"))
    document.save()
    assert document.file.name in stored_keys(bucket)
    page = teachers_only(make_resource("教师专用教案", documents=[document]))

    anonymous = client.get(document.url)
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]

    client.force_login(get_user_model().objects.create_user("teacher-s3", password="x"))
    assert streamed(client.get(document.url)) == content
    html = client.get(page.url).content.decode()
    assert document.url in html
    assert BUCKET not in html
    assert "amazonaws" not in html


@pytest.mark.django_db
def test_a_private_video_in_the_bucket_is_streamed_by_the_portal(client, demo_site, bucket):
    video = get_media_model().objects.create(
        title="示范课", type="video", duration=0, file=ContentFile(MP4, name="lesson.mp4")
    )
    assert video.file.name in stored_keys(bucket)
    page = teachers_only(make_recording("教师专用示范课", video=video))
    url = f"/media-files/{video.pk}/{video.filename}"

    assert "/login/" in client.get(url)["Location"]
    client.force_login(get_user_model().objects.create_user("teacher-s3", password="x"))
    assert streamed(client.get(url)) == MP4
    html = client.get(page.url).content.decode()
    assert url in html
    assert BUCKET not in html


@pytest.mark.django_db
def test_a_private_image_in_the_bucket_moves_under_private_and_is_streamed_by_the_portal(
    client, demo_site, bucket, django_capture_on_commit_callbacks
):
    picture = io.BytesIO()
    PILImage.new("RGB", (40, 30), "maroon").save(picture, "PNG")
    image = get_image_model().objects.create(
        title="教师专用板书", file=ImageFile(picture, name="board.png")
    )
    page = make_recording("教师专用板书课", poster=image)
    with django_capture_on_commit_callbacks(execute=True):
        teachers_only(page)
    image.refresh_from_db()
    assert image.file.name.startswith("private/original_images/")
    keys = stored_keys(bucket)
    assert image.file.name in keys
    assert not any(key.startswith("original_images/") for key in keys)
    assert image.file.url.startswith("/media/private/")  # the portal's, not the bucket's

    assert "/login/" in client.get(image.file.url)["Location"]
    client.force_login(get_user_model().objects.create_user("teacher-s3", password="x"))
    assert streamed(client.get(image.file.url)).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_behind_nginx_the_portal_only_checks_and_nginx_fetches_a_signed_url(
    client, demo_site, bucket, settings
):
    # deploy/nginx's /internal-object/ proxies to the bucket's endpoint; `make deploy-smoke`
    # checks the bytes and ranges nginx then sends.
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/internal-object/"
    content = docx_bytes("只给教师看的教案")
    document = PortalDocument(title="教案", file=ContentFile(content, name="jiaoan.docx"))
    document.save()
    teachers_only(make_resource("教师专用教案", documents=[document]))
    video = get_media_model().objects.create(
        title="示范课", type="video", duration=0, file=ContentFile(MP4, name="lesson.mp4")
    )
    teachers_only(make_recording("教师专用示范课", video=video))
    public = PortalDocument(title="公开", file=ContentFile(b"public", name="public.txt"))
    public.save()
    answer = client.get(public.url)
    assert answer.status_code == 200
    assert answer["X-Accel-Redirect"].partition("?")[0].endswith("/documents/public.txt")
    urls = {
        document.file.name: document.url,
        video.file.name: f"/media-files/{video.pk}/{video.filename}",
    }

    for url in urls.values():
        anonymous = client.get(url)
        assert anonymous.status_code == 302
        assert "X-Accel-Redirect" not in anonymous
    client.force_login(get_user_model().objects.create_user("teacher-s3", password="x"))
    for key, url in urls.items():
        answer = client.get(url, HTTP_RANGE="bytes=0-9")
        assert answer.status_code == 200
        assert answer.content == b""  # the bytes come from nginx
        assert answer["Cache-Control"] == "private"
        location = answer["X-Accel-Redirect"]
        # The signed URL's path: the key, after the bucket's name with path addressing.
        path, _, query = location.partition("?")
        assert path.startswith("/internal-object/")
        assert path.endswith(f"/{key}")
        assert "X-Amz-Signature=" in query  # the bucket refuses the unsigned URL
