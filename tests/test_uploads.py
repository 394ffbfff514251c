"""Uploads through the admin: what is refused gets a Chinese message and saves nothing."""

import io
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.images import get_image_model
from wagtail.models import Collection

import pytest
from PIL import Image
from wagtailmedia.models import get_media_model

from content.models import PortalDocument
from tests.test_extraction import docx_bytes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 16


def png(size, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("uploader", "u@example.cn", "x"))
    return client


def upload(client, url, name, content, **fields):
    data = {
        "title": name,
        "collection": Collection.get_first_root_node().pk,
        "file": SimpleUploadedFile(name, content),
        **fields,
    }
    return client.post(url, data)


def refused(response, model, message):
    assert response.status_code == 200  # the form again, not a redirect to the listing
    assert message in response.content.decode()
    assert model.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("计划.exe", EXE, "不支持的文件类型“.exe”"),
        ("计划.pdf", EXE, "文件内容与扩展名 .pdf 不符"),
        ("计划.docx", PDF, "文件内容与扩展名 .docx 不符"),
        ("图.svg", SVG, "不接受 .svg 文件"),
        ("页面.html", b"<script>alert(1)</script>", "不接受 .html 文件"),
        ("脚本.js", b"alert(1)", "不接受 .js 文件"),
        ("名单.csv", EXE, "文件内容不是文本"),
    ],
)
def test_a_document_of_the_wrong_type_is_refused(admin_client, name, content, message):
    refused(upload(admin_client, "/admin/documents/add/", name, content), PortalDocument, message)


def test_a_document_too_large_is_refused(admin_client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    response = upload(admin_client, "/admin/documents/add/", "大.pdf", PDF + b" " * 2048)
    refused(response, PortalDocument, "文件过大")


def test_documents_of_the_allowed_types_are_kept(admin_client):
    for name, content in [
        ("计划.pdf", PDF),
        ("教案.docx", docx_bytes("教案")),
        ("名单.csv", b"a,b\n"),
    ]:
        response = upload(admin_client, "/admin/documents/add/", name, content)
        assert response.status_code == 302, name
    assert PortalDocument.objects.count() == 3


def test_the_multiple_upload_refuses_a_renamed_program(admin_client):
    response = admin_client.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("讲义.pdf", EXE)},
    )
    assert "文件内容与扩展名 .pdf 不符" in response.json()["error_message"]
    assert PortalDocument.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("图.svg", SVG, "不支持的图片格式"),
        ("图.png", SVG, "扩展名与文件格式不匹配"),
        # 8000 × 8000 = 64 megapixels in a file of a few kilobytes.
        ("炸弹.png", png((8000, 8000), "1"), "像素过多"),
    ],
)
def test_an_image_refused_by_type_or_pixels(admin_client, name, content, message):
    refused(upload(admin_client, "/admin/images/add/", name, content), get_image_model(), message)


def test_an_image_too_large_is_refused_and_a_fair_one_kept(admin_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    noise = Image.frombytes("L", (100, 100), random.Random(7).randbytes(10_000))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    refused(
        upload(admin_client, "/admin/images/add/", "大.png", buffer.getvalue()),
        get_image_model(),
        "文件过大",
    )
    assert upload(admin_client, "/admin/images/add/", "小.png", png((20, 20))).status_code == 302


@pytest.mark.parametrize(
    ("kind", "name", "content", "message"),
    [
        ("video", "课.avi", MP4, "不支持的视频类型“.avi”"),
        ("video", "课.mp4", EXE, "文件内容不是 .mp4 视频"),
        ("video", "课.mp4", PDF, "文件内容不是 .mp4 视频"),
        ("audio", "听力.mp3", MP4[:8] + EXE, "文件内容不是 .mp3 音频"),
        ("video", "课.svg", SVG, "不支持的视频类型“.svg”"),
    ],
)
def test_a_video_or_audio_file_of_the_wrong_type_is_refused(
    admin_client, kind, name, content, message
):
    response = upload(admin_client, f"/admin/media/{kind}/add/", name, content)
    refused(response, get_media_model(), message)


def test_a_video_too_large_is_refused_and_real_media_kept(admin_client, settings):
    settings.PORTAL_MEDIA_MAX_UPLOAD_SIZE = 64
    refused(
        upload(admin_client, "/admin/media/video/add/", "长.mp4", MP4 + b"\0" * 64),
        get_media_model(),
        "文件过大",
    )
    settings.PORTAL_MEDIA_MAX_UPLOAD_SIZE = 1024 * 1024
    assert upload(admin_client, "/admin/media/video/add/", "课.mp4", MP4).status_code == 302
    assert upload(admin_client, "/admin/media/audio/add/", "听力.mp3", MP3).status_code == 302
    assert get_media_model().objects.count() == 2
