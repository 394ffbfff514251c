"""Bulk import of resources from JSON Lines or CSV.

Every row is read and checked before anything is written; one bad row means nothing is
imported. Pages are then written in bulk (page rows, resource rows, revisions, tags) rather
than one `add_child` at a time, which took about 8 minutes for 50,000 rows (content.bulk).
Indexing them is the search app's (search.bulk.BatchIndexer); `manage.py import_resources`
(portal/management/commands/) drives both.
"""

import csv
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from modelcluster.models import get_serializable_data_for_fields
from taggit.models import Tag
from wagtail.models import Page, PageLogEntry, Revision

from caching import purge
from content.bulk import ChildPages, set_revisions
from content.models import (
    Grade,
    Level,
    PortalDocument,
    ResourceDocument,
    ResourceIndexPage,
    ResourcePage,
    ResourcePageTag,
    ResourceType,
    School,
    Stage,
    Subject,
    TextbookEdition,
)
from content.slugs import pinyin_slug
from content.uploads import document_problem, too_large_message

REQUIRED_COLUMNS = ("title", "summary", "body", "subject", "grade", "school", "resource_type")
OPTIONAL_COLUMNS = ("stage", "textbook_edition", "level", "tags", "file")
# column → (model, label); a value is matched against name, slug and (schools) short name.
TAXONOMY = {
    "stage": (Stage, "学段"),  # before grade: a new grade belongs to the row's stage
    "subject": (Subject, "学科/专业"),
    "grade": (Grade, "年级"),
    "school": (School, "学校"),
    "resource_type": (ResourceType, "资源类型"),
    "textbook_edition": (TextbookEdition, "教材版本"),
    "level": (Level, "级别"),
}
MAX_ERRORS_SHOWN = 20
BATCH = 500


class ImportError_(Exception):
    """The file cannot be imported; `errors` lists every problem found, by row and column."""

    def __init__(self, errors):
        self.errors = errors
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        text = "\n".join(shown) + (f"\n……另有 {more} 处错误" if more > 0 else "")
        super().__init__(f"导入失败，未导入任何内容：\n{text}")


@dataclass
class Row:
    number: int
    title: str
    summary: str
    body: str
    refs: dict = field(default_factory=dict)
    tags: list = field(default_factory=list)
    file: Path | None = None


def read_rows(path):
    """(row number, dict) for each row of a .jsonl/.json/.ndjson or .csv file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ImportError_(
                        [f"第 {number} 行：不是有效的 JSON（{error.msg}）"]
                    ) from None
                if not isinstance(data, dict):
                    raise ImportError_([f"第 {number} 行：应为一个 JSON 对象"])
                yield number, data
    elif suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportError_([f"缺少必需的列：{', '.join(missing)}"])
            # Row 1 is the header, so data rows are numbered as a spreadsheet shows them.
            for number, data in enumerate(reader, start=2):
                yield number, data
    else:
        raise ImportError_([f"不支持的文件类型“{suffix}”：请使用 .jsonl 或 .csv"])


def _text(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return str(value).strip()


class ResourceImporter:
    def __init__(self, parent=None, create_missing=False, progress=None):
        self.parent = parent
        self.create_missing = create_missing
        self.progress = progress or (lambda done, total: None)
        self.lookups = {}
        self.created_terms = []
        self.stored_files = []

    # -- checking ----------------------------------------------------------------------

    def _lookup(self, column):
        if column not in self.lookups:
            model = TAXONOMY[column][0]
            table = {}
            for obj in model.objects.all():
                keys = [obj.name, obj.slug, getattr(obj, "short_name", "")]
                for key in keys:
                    if key:
                        table.setdefault(key.casefold(), obj)
            self.lookups[column] = table
        return self.lookups[column]

    def _resolve(self, column, value, number, errors, row_refs):
        if not value:
            return None
        found = self._lookup(column).get(value.casefold())
        if found is not None:
            return found
        if not self.create_missing:
            label = TAXONOMY[column][1]
            errors.append(f"第 {number} 行，列 {column}：未知的{label}“{value}”")
            return None
        # Made later, in the transaction; rows naming the same new value share it.
        placeholder = ("new", column, value)
        if column == "grade" and not row_refs.get("stage"):
            errors.append(f"第 {number} 行，列 grade：新建年级“{value}”需要同时给出学段（stage）")
        return placeholder

    def check(self, path, base_dir=None):
        base_dir = Path(base_dir or Path(path).parent)
        rows, errors, seen_columns = [], [], None
        for number, data in read_rows(path):
            if seen_columns is None:
                seen_columns = set(data)
            values = {k: _text(v) for k, v in data.items() if k}
            missing = [c for c in REQUIRED_COLUMNS if c not in data]
            if missing:
                errors.append(f"第 {number} 行：缺少必需的列 {', '.join(missing)}")
                continue
            if not values["title"]:
                errors.append(f"第 {number} 行，列 title：标题不能为空")
            elif len(values["title"]) > 255:
                errors.append(f"第 {number} 行，列 title：标题超过 255 个字符")
            if len(values.get("summary", "")) > 500:
                errors.append(f"第 {number} 行，列 summary：简介超过 500 个字符")
            refs = {}
            for column in TAXONOMY:
                refs[column] = self._resolve(column, values.get(column, ""), number, errors, refs)
            for column in ("subject", "resource_type"):
                if not values.get(column):
                    errors.append(f"第 {number} 行，列 {column}：不能为空")
            if not values.get("stage") and not isinstance(refs["grade"], Grade):
                errors.append(f"第 {number} 行，列 stage：未给出学段，也无法从年级推断")
            file_path = None
            if values.get("file"):
                file_path = (base_dir / values["file"]).resolve()
                problem = self._file_problem(file_path)
                if problem:
                    errors.append(f"第 {number} 行，列 file：{problem}")
            tags = [t.strip() for t in values.get("tags", "").replace("，", ",").split(",")]
            rows.append(
                Row(
                    number=number,
                    title=values.get("title", ""),
                    summary=values.get("summary", ""),
                    body=values.get("body", ""),
                    refs=refs,
                    tags=[t for t in tags if t][:20],
                    file=file_path,
                )
            )
        if seen_columns is None:
            errors.append("文件中没有任何数据行")
        if errors:
            raise ImportError_(errors)
        return rows

    def _file_problem(self, path):
        if not path.is_file():
            return f"找不到文件“{path}”"
        size = path.stat().st_size
        if size > settings.WAGTAILDOCS_MAX_UPLOAD_SIZE:
            return too_large_message(size, settings.WAGTAILDOCS_MAX_UPLOAD_SIZE)
        # The same rules as an upload in the admin: type, and content matching it.
        with path.open("rb") as file:
            return document_problem(file, path.name)

    # -- writing -----------------------------------------------------------------------

    def _parent(self):
        parent = self.parent or ResourceIndexPage.objects.first()
        if parent is None:
            raise ImportError_(["没有可以放置资源的栏目：请用 --parent 指定上级页面"])
        parent = parent.specific
        if ResourcePage not in parent.specific_class.allowed_subpage_models():
            raise ImportError_([f"“{parent.title}”下不能放置资源页面"])
        return parent

    def _materialise_new_terms(self, rows):
        for row in rows:
            for column in TAXONOMY:
                ref = row.refs.get(column)
                if not isinstance(ref, tuple):
                    continue
                _, _, value = ref
                obj = self._lookup(column).get(value.casefold())
                if obj is None:
                    obj = self._create_term(column, value, row)
                    self._lookup(column)[value.casefold()] = obj
                    self.created_terms.append(f"{TAXONOMY[column][1]}：{value}")
                row.refs[column] = obj

    def _create_term(self, column, value, row):
        model = TAXONOMY[column][0]
        extra = {}
        if model is Grade:
            extra["stage"] = row.refs["stage"]
        if model is School:
            extra.update(kind=School.Kind.GENERAL_HIGH, role=School.Role.PARTICIPATING)
        obj = model(name=value, **extra)
        obj.full_clean()
        obj.save()
        return obj

    def write(self, rows, on_batch=None):
        """Writes every row in one transaction; on any failure nothing is left, files
        included (the storage is not part of the transaction)."""
        try:
            with transaction.atomic():
                return self._write(rows, on_batch)
        except BaseException:
            self.discard_files()
            raise

    def discard_files(self):
        """Removes the files this import stored; for when its transaction is rolled back."""
        while self.stored_files:
            default_storage.delete(self.stored_files.pop())

    def _write(self, rows, on_batch):
        parent = self._parent()
        self._materialise_new_terms(rows)
        now = timezone.now()
        children = ChildPages(parent, ResourcePage)
        taken = set(children.siblings().values_list("slug", flat=True))
        created = []
        total = len(rows)
        for start in range(0, total, BATCH):
            batch = rows[start : start + BATCH]
            pages = [
                children.new(
                    self._slug(row.title, taken),
                    title=row.title,
                    first_published_at=now,
                    last_published_at=now,
                    latest_revision_created_at=now,
                )
                for row in batch
            ]
            resources = children.create(pages, [self._resource(row) for row in batch])
            self._tags(resources, batch)
            self._attachments(resources, batch)
            self._revisions(resources, pages, now)
            created.extend(r.pk for r in resources)
            if on_batch:
                on_batch(resources)
            self.progress(min(start + BATCH, total), total)
        children.finish()
        purge()  # rows written in bulk send no signals: cached listings must go
        return created

    def _slug(self, title, taken):
        base = pinyin_slug(title)[:70] or "ziyuan"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        return slug

    def _resource(self, row):
        """The resource's own fields for a row."""
        refs = row.refs
        grade = refs["grade"]
        stage = refs["stage"] or (grade.stage if grade else None)
        body = [
            {"type": "paragraph", "value": f"<p>{escape(p.strip())}</p>", "id": str(uuid.uuid4())}
            for p in row.body.splitlines()
            if p.strip()
        ]
        return {
            "summary": row.summary,
            "listing_summary": "",
            "resource_type": refs["resource_type"],
            "stage": stage,
            "subject": refs["subject"],
            "grade": grade,
            "textbook_edition": refs["textbook_edition"],
            "school": refs["school"],
            "level": refs["level"],
            "chapter": "",
            "body": body,
        }

    def _tags(self, resources, rows):
        names = {t for row in rows for t in row.tags}
        for resource in resources:
            resource.tagged_items = []  # held in memory, so indexing reads no tags back
        if not names:
            return
        existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
        missing = [Tag(name=n, slug=self._tag_slug(n)) for n in names if n not in existing]
        for tag in missing:
            tag.save()  # taggit makes slugs unique on save
            existing[tag.name] = tag
        links = []
        for resource, row in zip(resources, rows, strict=True):
            mine = [
                ResourcePageTag(content_object_id=resource.pk, tag=existing[name])
                for name in dict.fromkeys(row.tags)
            ]
            links.extend(mine)
            resource.tagged_items = mine
        ResourcePageTag.objects.bulk_create(links)

    def _tag_slug(self, name):
        return (pinyin_slug(name) or "tag")[:90] + "-" + uuid.uuid4().hex[:6]

    def _attachments(self, resources, rows):
        for resource, row in zip(resources, rows, strict=True):
            resource.authors = []
            resource.documents = []
            if row.file is None:
                continue
            with row.file.open("rb") as handle:
                document = PortalDocument(title=row.file.stem)
                document.file.save(row.file.name, File(handle), save=False)
                self.stored_files.append(document.file.name)
                document.save()
            link = ResourceDocument.objects.create(page_id=resource.pk, document=document)
            resource.documents = [link]

    def _revision_content(self, resource):
        # The page's own fields; modelcluster's full serialisation also queries every child
        # relation, and a new page has none but its tags, which the editor reads from the page.
        return {"pk": resource.pk, **get_serializable_data_for_fields(resource)}

    def _revisions(self, resources, pages, now):
        """One revision and one log entry per page, as publishing in the admin leaves."""
        page_type = ContentType.objects.get_for_model(Page).pk
        revisions = Revision.objects.bulk_create(
            [
                Revision(
                    content_type_id=resource.content_type_id,
                    base_content_type_id=page_type,
                    object_id=str(resource.pk),
                    object_str=resource.title,
                    content=self._revision_content(resource),
                    created_at=now,
                )
                for resource in resources
            ]
        )
        PageLogEntry.objects.bulk_create(
            [
                PageLogEntry(
                    content_type_id=resource.content_type_id,
                    page_id=resource.pk,
                    revision=revision,
                    action="wagtail.publish",
                    label=resource.title,
                    timestamp=now,
                    data={"title": resource.title, "import": True},
                )
                for resource, revision in zip(resources, revisions, strict=True)
            ]
        )
        set_revisions(pages, revisions)
