"""The whole portal in one file, and back: `manage.py backup` and `manage.py restore`.

An archive is a zip file holding
- `manifest.json`: format, when and from what it was made, the applied migrations, the rows
  per model and the sha256 and size of every other member;
- `data.jsonl`: every row as Django serialization (JSON Lines), loadable into SQLite or
  PostgreSQL alike;
- `files/<name>`: every file of the default storage, read through the storage API so that
  S3 works as well as a folder.

Primary keys are kept: page, document and image ids are in URLs, printed QR codes, rich text
and StreamField blocks, and user ids inside revisions. Only content types and permissions,
which `migrate` makes afresh with ids of its own, are referred to by natural key. (Django's
`--natural-primary` would give pages new ids, since Wagtail gives pages a natural key.)
"""

import hashlib
import io
import json
import platform
import posixpath
import shutil
import tempfile
import zipfile
from pathlib import Path

import django
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers import jsonl
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

import wagtail
from wagtail.models import Page, Site

from caching import purge
from tracking import kept

FORMAT = "hongsibu-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"
FILES = "files/"
CHUNK = 1024 * 1024

# Rebuilt or transient, so not kept; the reason is written into every manifest.
EXCLUDED = {
    "contenttypes.contenttype": "migrate 重建；数据以自然键引用",
    "auth.permission": "migrate 重建；数据以自然键引用",
    "sessions.session": "登录会话：恢复后重新登录",
    "wagtailsearch.indexentry": "搜索索引：恢复时由 update_index 重建",
    "wagtailsearch.sqliteftsindexentry": "搜索索引：恢复时由 update_index 重建",
    "wagtailcore.referenceindex": "引用索引：恢复时由 rebuild_references_index 重建",
    "wagtailadmin.editingsession": "谁正打开编辑页面：几分钟即过期",
    "axes.accessattempt": "登录失败计数（30 分钟锁定）",
    "axes.accessattemptexpiration": "登录失败计数（30 分钟锁定）",
    "axes.accesslog": "登录日志",
    "axes.accessfailurelog": "登录失败日志",
    "caching.generation": "缓存代数：恢复后从当前时间重新开始",
    "caching.keptcard": "保存的卡片：恢复后在首次显示时重新生成",
}
NATURAL_KEYS = (ContentType, Permission)


class BackupError(Exception):
    """Backing up or restoring failed; the message says why, in words for the operator."""


class _Serializer(jsonl.Serializer):
    """JSON Lines with natural keys only for content types and permissions."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model in NATURAL_KEYS
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model in NATURAL_KEYS
        super().handle_m2m_field(obj, field)


class _Hashing(io.RawIOBase):
    """Passes bytes on to `target`, counting and hashing them."""

    def __init__(self, target):
        self.target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.sha256.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)

    def digest(self):
        return {"sha256": self.sha256.hexdigest(), "size": self.size}


def backed_up_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in EXCLUDED
    ]


def storage_files(storage=default_storage, path=""):
    """Every file name in the storage, folders walked through the storage API."""
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(path, name) if path else name
    for folder in sorted(folders):
        yield from storage_files(storage, posixpath.join(path, folder) if path else folder)


def applied_migrations():
    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def default_filename():
    return f"portal-backup-{timezone.localtime():%Y%m%d-%H%M%S}.zip"


# -- backup ------------------------------------------------------------------------------


def create(output):
    """Write the archive to `output` (a path); returns the manifest.

    The archive is written to a temporary file beside `output` and renamed at the end, so a
    failure never leaves a half-written archive under the final name."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(
        dir=output.parent, prefix=f".{output.name}.", suffix=".partial"
    )
    try:
        with open(handle, "wb") as file, zipfile.ZipFile(file, "w") as archive:
            manifest = _write(archive)
        Path(partial).replace(output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return manifest


def _write(archive):
    created = timezone.localtime()
    stamp = created.timetuple()[:6]
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created.isoformat(),
        "database": connection.vendor,
        "versions": {
            "python": platform.python_version(),
            "django": django.get_version(),
            "wagtail": wagtail.__version__,
        },
        "excluded": EXCLUDED,
    }
    # One snapshot of the whole database, so rows written meanwhile cannot half appear.
    # (Already inside a transaction, as in tests, the snapshot is that transaction's.)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        manifest["migrations"] = applied_migrations()
        info = zipfile.ZipInfo(DATA, stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            hashing = _Hashing(member)
            text = io.TextIOWrapper(io.BufferedWriter(hashing, CHUNK), "utf-8", newline="\n")
            manifest["counts"] = _dump(text)
            text.flush()
            text.detach()
        manifest["data"] = {"name": DATA, **hashing.digest()}
    manifest["files"] = {}
    for name in storage_files():
        try:
            manifest["files"][name] = _copy_file(archive, name, stamp)
        except FileNotFoundError:
            continue  # deleted since the folder was listed
    archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _dump(stream):
    counts = {}
    serializer = _Serializer()
    for model in backed_up_models():
        label = model._meta.label_lower
        counts[label] = 0

        def counted(rows, label=label):
            for row in rows:
                counts[label] += 1
                yield row

        rows = model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)
        serializer.serialize(counted(rows), stream=stream)
    return counts


def _copy_file(archive, name, stamp):
    # Media files are mostly compressed already (JPEG, MP4, DOCX): stored as they are.
    info = zipfile.ZipInfo(FILES + name, stamp)
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = default_storage.size(name)
    with default_storage.open(name, "rb") as source, archive.open(info, "w") as member:
        hashing = _Hashing(member)
        shutil.copyfileobj(source, hashing, CHUNK)
    return hashing.digest()


# -- validation ----------------------------------------------------------------------------


def validate(path):
    """The archive's manifest, once every member has been read and checked against it.

    Raises BackupError when the archive is unreadable, incomplete, altered, or from a newer
    version of the portal than this one."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件“{path}”")
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _read_manifest(archive)
            _check_members(archive, manifest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
        raise BackupError(f"备份文件已损坏，无法读取：{error}") from None
    _check_migrations(manifest)
    return manifest


def _read_manifest(archive):
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("这不是门户的备份文件：缺少 manifest.json") from None
    except ValueError:
        raise BackupError("备份文件已损坏：manifest.json 不是有效的 JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("这不是门户的备份文件：manifest.json 的格式不对")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"不支持的备份格式版本 {manifest.get('format_version')}（本程序为 {FORMAT_VERSION}）"
        )
    return manifest


def _expected_members(manifest):
    expected = {DATA: manifest["data"]}
    expected.update({FILES + name: digest for name, digest in manifest["files"].items()})
    return expected


def _check_members(archive, manifest):
    expected = _expected_members(manifest)
    present = {info.filename for info in archive.infolist()} - {MANIFEST}
    if missing := sorted(set(expected) - present):
        raise BackupError(f"备份文件不完整，缺少 {len(missing)} 个成员，如 {missing[0]}")
    if extra := sorted(present - set(expected)):
        raise BackupError(f"备份文件含有清单之外的成员，如 {extra[0]}")
    for name, digest in expected.items():
        if name.startswith("/") or ".." in name.split("/"):
            raise BackupError(f"备份文件中的路径不安全：{name}")
        sha256 = hashlib.sha256()
        with archive.open(name) as member:
            while chunk := member.read(CHUNK):
                sha256.update(chunk)
        if sha256.hexdigest() != digest["sha256"]:
            raise BackupError(f"备份文件已损坏：{name} 的校验和与清单不符")


def _check_migrations(manifest):
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    known |= {replaced for m in loader.disk_migrations.values() for replaced in m.replaces}
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    if unknown := sorted(archived - known):
        app, name = unknown[0]
        raise BackupError(
            f"备份来自更新版本的门户（本程序不认识迁移 {app}.{name} 等 {len(unknown)} 个）："
            "请先升级门户代码再恢复"
        )


# -- restore -------------------------------------------------------------------------------


def database_has_content():
    """Anything beyond what `migrate` makes on an empty database (its root and welcome page)."""
    if Page._meta.db_table not in connection.introspection.table_names():
        return False
    from django.contrib.auth import get_user_model

    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    welcome = ContentType.objects.get_for_model(Page)
    return (
        get_user_model().objects.exists()
        or Page.objects.filter(depth__gt=1).exclude(depth=2, content_type=welcome).exists()
        or get_document_model().objects.exists()
        or get_image_model().objects.exists()
    )


def restore(path, force=False):
    """Bring the database and storage to the archive's state; returns rows per model.

    Nothing is changed unless the whole archive checks out; the rows are loaded in one
    transaction, so a failure while loading leaves the database as it was."""
    manifest = validate(path)
    if not force and database_has_content():
        raise BackupError("数据库中已有内容：恢复会覆盖它。确认要覆盖时请加 --force")
    call_command("migrate", interactive=False, verbosity=0)
    older = _older_than_code(manifest)
    with (
        tempfile.TemporaryDirectory(prefix="portal-restore-") as work,
        zipfile.ZipFile(path) as archive,
    ):
        data = Path(work) / DATA
        with archive.open(DATA) as source, data.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK)
        try:
            with transaction.atomic():
                empty_tables()
                # Columns a newer schema dropped are skipped; new ones take their defaults.
                call_command("loaddata", str(data), verbosity=0, ignorenonexistent=older)
                counts = _check_counts(manifest)
                for name in manifest["files"]:
                    _restore_file(archive, name)
        except Exception as error:
            ContentType.objects.clear_cache()  # it holds the ids of the rolled-back load
            raise BackupError(f"载入失败，已撤销，数据库未改变：{error}") from error
    Site.clear_site_root_paths_cache()
    # loaddata sends raw signals, which the kept 成效 figures skip: made again from what came back.
    kept.refresh()
    purge()  # pages cached before the restore (in Redis, they outlive a restart)
    call_command("update_index", verbosity=0, stdout=io.StringIO())
    call_command("rebuild_references_index", verbosity=0, stdout=io.StringIO())
    return counts


def empty_tables():
    """Django's flush, which also makes content types and permissions again."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # TRUNCATE refuses tables with foreign-key checks still pending in this transaction
        # (rows written earlier in it): run the checks now, then defer them again.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()


def _older_than_code(manifest):
    loader = MigrationLoader(connection)
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    return bool(set(loader.graph.nodes) - archived - set(loader.replacements))


def _check_counts(manifest):
    counts = {}
    for label, expected in manifest["counts"].items():
        try:
            model = apps.get_model(label)
        except LookupError:
            raise BackupError(f"本程序没有备份中的模型 {label}") from None
        counts[label] = model._base_manager.count()
        if counts[label] != expected:
            raise BackupError(f"载入后 {label} 有 {counts[label]} 行，备份中为 {expected} 行")
    return counts


def _restore_file(archive, name):
    if default_storage.exists(name):
        default_storage.delete(name)
    with archive.open(FILES + name) as member:
        saved = default_storage.save(name, File(member, name=posixpath.basename(name)))
    if saved != name:
        raise BackupError(f"文件 {name} 被存储改名为 {saved}")
