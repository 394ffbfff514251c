"""`backup` and `restore`: a portal taken to one file and brought back on an empty instance
with the same rows and the same files; a damaged archive or a database with content is
refused and nothing changes."""

import datetime
import hashlib
import io
import json
import shutil
import zipfile
from unittest import mock

from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from wagtail.images.models import Image
from wagtail.models import Page, Revision

import pytest
from PIL import Image as PILImage

from content.models import PortalDocument, ResourcePage, School
from portal import backup
from portal.setup.demo import DemoLoader
from tests.factories import make_document, make_resource, make_user
from tracking.models import OutputRecord, OutputStatus

pytestmark = pytest.mark.both_databases


@pytest.fixture
def media(settings, tmp_path):
    """A media folder of the test's own, so that 'every file' means this site's files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def snapshot():
    counts = {m._meta.label_lower: m._base_manager.count() for m in backup.backed_up_models()}
    files = {}
    for name in backup.storage_files():
        with default_storage.open(name, "rb") as handle:
            files[name] = hashlib.sha256(handle.read()).hexdigest()
    return counts, files


def add_content():
    """What a working portal has beyond the demo: an edited page, a file, an image with a
    rendition, a verified output record, accounts."""
    DemoLoader(demo_accounts=True, library=False).load_accounts()
    office = make_user("keeper", "tracking.verify_outputrecord", email="keeper@example.com")
    document = make_document("备份演练教案")
    page = make_resource("备份演练资源", documents=[document], summary="第一稿")
    page.summary = "第二稿：补充了课堂练习"
    page.save_revision(user=office).publish()
    page.summary = "第三稿（草稿）"
    page.save_revision(user=office)
    picture = io.BytesIO()
    PILImage.new("RGB", (64, 48), "teal").save(picture, "PNG")
    image = Image.objects.create(title="罗山中学校门", file=ImageFile(picture, name="gate.png"))
    image.get_rendition("fill-32x32")
    record = OutputRecord.objects.create(
        category="quality_lesson",
        title="备份演练精品课",
        date=datetime.date(2026, 9, 1),
        school=School.objects.get(slug="luoshan"),
        description="用于备份演练",
    )
    record.verify(office)
    return page, document


def fresh_instance(media):
    backup.empty_tables()
    shutil.rmtree(media)


def test_round_trip_restores_rows_files_and_a_working_site(media, demo_site, tmp_path, client):
    page, document = add_content()
    with document.file.open("rb") as handle:
        document_bytes = handle.read()
    before_counts, before_files = snapshot()
    assert before_counts["wagtailimages.rendition"] == 1
    assert len(before_files) >= 3  # the document, the image and its rendition

    archive = tmp_path / "portal.zip"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "已备份到" in out.getvalue()
    assert not list(tmp_path.glob("*.partial"))

    fresh_instance(media)
    assert not Page.objects.exists() and not list(backup.storage_files())

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "已恢复" in out.getvalue()

    after_counts, after_files = snapshot()
    assert after_counts == before_counts
    assert after_files == before_files

    restored = ResourcePage.objects.get(pk=page.pk)
    assert restored.summary == "第二稿：补充了课堂练习"  # the published version is live
    assert Revision.page_revisions.filter(object_id=str(page.pk)).count() == 3
    assert restored.get_latest_revision_as_object().summary == "第三稿（草稿）"
    assert OutputRecord.objects.get(title="备份演练精品课").status == OutputStatus.VERIFIED

    response = client.get(restored.url)
    assert response.status_code == 200
    assert "备份演练资源" in response.content.decode()

    download = client.get(PortalDocument.objects.get(pk=document.pk).url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == document_bytes

    assert restored.url in client.get("/search/", {"q": "备份演练"}).content.decode()

    # Sequences follow the loaded ids: new pages, revisions and log entries can be made.
    new = make_resource("恢复后新建的资源")
    assert new.pk > max(before_counts["wagtailcore.page"], page.pk)

    login = client.post("/admin/login/", {"username": "admin", "password": "Hsb-admin-2026"})
    assert login.status_code == 302


def test_damaged_archive_or_database_with_content_is_refused_and_nothing_changes(
    media, demo_site, tmp_path
):
    _, document = add_content()
    archive = tmp_path / "portal.zip"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    page = make_resource("备份之后新建的资源")
    before = snapshot()

    with pytest.raises(CommandError, match=r"数据库中已有内容.*--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert snapshot() == before

    # One byte of the document changed inside the archive (members are stored uncompressed).
    data = bytearray(archive.read_bytes())
    with document.file.open("rb") as handle:
        at = data.find(handle.read()[:200])
    assert at > 0
    data[at + 100] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="备份文件已损坏"):
        call_command("restore", str(damaged), "--force", stdout=io.StringIO())
    assert snapshot() == before
    assert Page.objects.filter(pk=page.pk).exists()

    # A member altered and the archive rewritten: the zip is sound, the checksum is not.
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == backup.FILES + document.file.name:
                content = content + b"!"
            target.writestr(info, content)
    with pytest.raises(CommandError, match="校验和与清单不符"):
        call_command("restore", str(tampered), "--force", stdout=io.StringIO())
    assert snapshot() == before

    # A failure while loading (here: the storage refuses the first file) undoes the load.
    def storage_refuses(archive, name):
        raise OSError("存储不可写")

    with (
        mock.patch.object(backup, "_restore_file", storage_refuses),
        pytest.raises(CommandError, match="载入失败，已撤销，数据库未改变：存储不可写"),
    ):
        call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert snapshot() == before
    assert Page.objects.filter(pk=page.pk).exists()

    # Made by a newer portal: a migration this code does not have.
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(newer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == backup.MANIFEST:
                manifest = json.loads(content)
                manifest["migrations"]["content"].append("9999_from_the_future")
                content = json.dumps(manifest)
            target.writestr(info, content)
    with pytest.raises(CommandError, match="备份来自更新版本的门户"):
        call_command("restore", str(newer), "--force", stdout=io.StringIO())
    assert snapshot() == before


def test_a_failed_backup_leaves_no_archive(media, db, tmp_path, monkeypatch):
    make_document("读不出的文件")

    def unreadable(archive, name, stamp):
        raise OSError(f"无法读取 {name}")

    monkeypatch.setattr(backup, "_copy_file", unreadable)
    with pytest.raises(CommandError, match="备份失败，未留下备份文件：无法读取 documents/"):
        call_command("backup", output=str(tmp_path / "portal.zip"), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == [media]
