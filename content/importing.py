"""Bulk import of resources from JSON Lines, CSV or XLSX.

Every row is read and checked before anything is written; one bad row means nothing is
imported. The shell (`manage.py import_resources`) and the admin's import (portal/imports/)
read and check a file here, the same way: `inspect` gives every row with its problems for the
admin's preview, `check` raises them. Pages are then written in bulk (page rows, resource rows,
revisions, tags) rather than one `add_child` at a time, which took about 8 minutes for 50,000
rows (content.bulk). Indexing them is the search app's (search.bulk.BatchIndexer); the portal
(portal/imports/jobs.py) drives both.
"""

import csv
import datetime
import io
import json
import uuid
import zipfile
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

import openpyxl

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
ENCODINGS = ("utf-8-sig", "gb18030")
# A body is a few pages of text; 200,000 characters is a short book, and a larger one is a
# file pasted into the wrong column (a 10 MB body made a 10 MB page).
MAX_BODY_CHARS = 200_000
# The stage of a school's resources when a row names no stage and no grade; a complete
# middle school teaches two, so its rows fall to 通用 like the district's.
SCHOOL_KIND_STAGES = {"general_high": "gaozhong", "vocational": "zhongzhi", "junior": "chuzhong"}
# Material for every stage (典型案例, 班主任工作, 教师发展): neither forced into one nor refused.
GENERAL_STAGE = ("tongyong", "通用")
BATCH = 500
SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".xlsx")
# An .xlsx is a zip: what its parts unpack to is bounded before openpyxl reads any (a "zip
# bomb" of a few KB unpacks to gigabytes). A sheet of 5,000 long rows unpacks to about 20 MB.
MAX_XLSX_UNPACKED = 100 * 1024 * 1024


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
    values: dict = field(default_factory=dict)  # the cells as read, for the admin's preview


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: the file as a whole
    text: str


class Problems(list):
    """The problems found so far, each with the row being checked when it was found."""

    row = None

    def append(self, text):
        super().append(Problem(self.row, text))


def decode(path):
    """The text of an import file: UTF-8 (with or without BOM), else GB18030, which is what
    Excel on a Chinese Windows saves as "CSV" (GBK is a subset of it)."""
    data = Path(path).read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportError_([f"文件“{Path(path).name}”既不是 UTF-8 也不是 GB18030（GBK）编码，无法读取"])


def read_rows(path, max_rows=None):
    """(row number, dict) for each row of a .jsonl/.json/.ndjson, .csv or .xlsx file; more than
    `max_rows` data rows is an error."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = "（旧版 Excel 文件请另存为 .xlsx）" if suffix == ".xls" else ""
        raise ImportError_([f"不支持的文件类型“{suffix}”：请使用 .xlsx、.csv 或 .jsonl{hint}"])
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
    elif suffix == ".csv":
        rows = _csv_rows(path)
    else:
        rows = _json_rows(path)
    for count, (number, data) in enumerate(rows, start=1):
        if max_rows is not None and count > max_rows:
            raise ImportError_([f"文件超过 {max_rows} 行的上限：请分成几个文件导入"])
        yield number, data


def _json_rows(path):
    for number, line in enumerate(io.StringIO(decode(path)), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise ImportError_(
                [f"文件“{path.name}”第 {number} 行：不是有效的 JSON（{error.msg}）"]
            ) from None
        if not isinstance(data, dict):
            raise ImportError_([f"文件“{path.name}”第 {number} 行：应为一个 JSON 对象"])
        yield number, data


def _csv_rows(path):
    with path.open("rb") as file:
        if b"\x00" in file.read(65536):
            # A spreadsheet or other binary renamed .csv: no text file has NUL bytes.
            raise ImportError_([f"文件“{path.name}”不是文本格式的 CSV 文件"])
    reader = csv.DictReader(io.StringIO(decode(path), newline=""))
    try:
        _require_columns(reader.fieldnames or [])
        # Row 1 is the header, so data rows are numbered as a spreadsheet shows them.
        yield from enumerate(reader, start=2)
    except csv.Error as error:
        # A cell past the csv module's limit (131,072 characters), a stray NUL ...
        raise ImportError_(
            [f"文件“{path.name}”第 {reader.line_num} 行附近无法读取：{error}"]
        ) from None


def _require_columns(names):
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ImportError_([f"缺少必需的列：{', '.join(missing)}"])


def _xlsx_rows(path):
    """The first sheet's rows, row 1 the header; read with openpyxl's read-only (streaming)
    reader, after the zip's declared sizes are checked."""
    unreadable = f"文件“{path.name}”不是有效的 Excel（.xlsx）文件，或已损坏"
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportError_([unreadable]) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise ImportError_(
            [f"文件“{path.name}”解压后超过 {MAX_XLSX_UNPACKED // 1024 // 1024} MB，无法读取"]
        )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises whatever its zip and XML parsers raise
        raise ImportError_([unreadable]) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        columns = [_cell(value) for value in next(rows, None) or ()]
        _require_columns(columns)
        for number, values in enumerate(rows, start=2):
            cells = [_cell(value) for value in values]
            if any(cells):  # rows Excel keeps for their formatting or drop-downs only
                yield number, {c: v for c, v in zip(columns, cells, strict=False) if c}
    except ImportError_:
        raise
    except Exception:
        raise ImportError_([unreadable]) from None
    finally:
        workbook.close()


def _cell(value):
    """A spreadsheet cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 2023 as 2023.0
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


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
        self.base_slugs = {}  # title -> its pinyin slug: `renamed` and the write both need it

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

    def check(self, path, **options):
        """Rows ready to write, or ImportError_ listing every problem (options: `inspect`'s)."""
        rows, problems = self.inspect(path, **options)
        if problems:
            raise ImportError_([problem.text for problem in problems])
        return rows

    def inspect(self, path, base_dir=None, files_root=None, attach_files=True, max_rows=None):
        """(rows, problems): every row read and checked, and every problem found, each with
        its row. A file that cannot be read at all raises ImportError_. File paths are read
        relative to `base_dir` (default: the import file's folder), and files are attached
        only from `files_root` (default: that folder) and below; with `attach_files` false
        (the admin's upload, which brings no files) a `file` cell is a problem."""
        base_dir = Path(base_dir or Path(path).parent).resolve()
        files_root = Path(files_root).resolve() if files_root else base_dir
        rows, errors, seen_columns = [], Problems(), None
        for number, data in read_rows(path, max_rows=max_rows):
            errors.row = number
            if seen_columns is None:
                seen_columns = set(data)
            values = {k: _text(v) for k, v in data.items() if k}
            missing = [c for c in REQUIRED_COLUMNS if c not in data]
            if missing:
                errors.append(f"第 {number} 行：缺少必需的列 {', '.join(missing)}")
                continue
            for column, value in values.items():
                if "\x00" in value or "\x00" in column:
                    # PostgreSQL refuses NUL in text: found here, not halfway through writing.
                    errors.append(f"第 {number} 行，列 {column[:50]}：含有不允许的空字符（NUL）")
            if not values["title"]:
                errors.append(f"第 {number} 行，列 title：标题不能为空")
            elif len(values["title"]) > 255:
                errors.append(f"第 {number} 行，列 title：标题超过 255 个字符")
            if len(values.get("summary", "")) > 500:
                errors.append(f"第 {number} 行，列 summary：简介超过 500 个字符")
            if len(values.get("body", "")) > MAX_BODY_CHARS:
                errors.append(
                    f"第 {number} 行，列 body：正文有 {len(values['body'])} 个字符，"
                    f"超过上限 {MAX_BODY_CHARS}"
                )
            refs = {}
            for column in TAXONOMY:
                refs[column] = self._resolve(column, values.get(column, ""), number, errors, refs)
            for column in ("subject", "resource_type"):
                if not values.get(column):
                    errors.append(f"第 {number} 行，列 {column}：不能为空")
            if not values.get("stage"):
                refs["stage"] = self._inferred_stage(refs)
            file_path = None
            if values.get("file") and not attach_files:
                errors.append(
                    f"第 {number} 行，列 file：在后台导入时不能附加文件，请导入后在页面上添加"
                )
            elif values.get("file"):
                file_path = (base_dir / values["file"]).resolve()
                problem = self._file_problem(file_path, files_root)
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
                    values=values,
                )
            )
        errors.row = None
        if seen_columns is None:
            errors.append("文件中没有任何数据行")
        return rows, list(errors)

    def _inferred_stage(self, refs):
        """A row without a stage: the grade's, else the school's, else 通用."""
        grade, school = refs.get("grade"), refs.get("school")
        if isinstance(grade, Grade):
            return grade.stage
        if isinstance(school, School) and school.kind in SCHOOL_KIND_STAGES:
            found = self._lookup("stage").get(SCHOOL_KIND_STAGES[school.kind])
            if found is not None:
                return found
        slug, name = GENERAL_STAGE
        found = self._lookup("stage").get(slug) or self._lookup("stage").get(name)
        # Made with the rows, as a new term is, if the site has no 通用 stage yet.
        return found if found is not None else ("new", "stage", name)

    def _file_problem(self, path, files_root):
        # Resolved (symbolic links and `..` followed) before the check: an import file names
        # only files beside it, never /etc or a colleague's folder.
        if not path.is_relative_to(files_root):
            return f"文件“{path}”不在允许附加的文件夹“{files_root}”之内（见 --files-root）"
        if not path.is_file():
            return f"找不到文件“{path}”"
        size = path.stat().st_size
        if size > settings.WAGTAILDOCS_MAX_UPLOAD_SIZE:
            return too_large_message(size, settings.WAGTAILDOCS_MAX_UPLOAD_SIZE)
        # The same rules as an upload in the admin: type, and content matching it.
        with path.open("rb") as file:
            return document_problem(file, path.name)

    def renamed(self, rows):
        """(row number, title, slug) of the rows whose title another page under the parent or
        another row already has: their address gets -2, -3 ..., as `_slug` will give it."""
        parent = self._parent()
        siblings = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        taken = set(siblings.values_list("slug", flat=True))
        found = []
        for row in rows:
            base = self._base_slug(row.title)
            slug = self._slug(row.title, taken)
            if slug != base:
                found.append((row.number, row.title, slug))
        return found

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

    def write_for_review(self, rows, user):
        """The rows as drafts by `user`, each submitted to the section's review workflow (a
        draft where the section has none), as a workshop member's page written by hand: saved
        one by one through Wagtail (revision, log entry, workflow, the reviewers' e-mail), so
        slower than `write`, which is for the office's archive. One transaction."""
        with transaction.atomic():
            parent = self._parent()
            self._materialise_new_terms(rows)
            workflow = parent.get_workflow()  # what a child page would be submitted to
            taken = set(ChildPages(parent, ResourcePage).siblings().values_list("slug", flat=True))
            created = []
            for done, row in enumerate(rows, start=1):
                page = ResourcePage(
                    title=row.title,
                    slug=self._slug(row.title, taken),
                    live=False,
                    owner=user,
                    **self._resource(row),
                )
                page.tags.add(*dict.fromkeys(row.tags))
                parent.add_child(instance=page)
                page.save_revision(user=user, log_action=True)
                if workflow is not None and workflow.active:
                    workflow.start(page, user)
                created.append(page.pk)
                self.progress(done, len(rows))
            return created

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

    def _base_slug(self, title):
        """The title's slug before any -2, -3, spelled in pinyin once per title: `renamed`
        asks it of every row twice and the write once more (0.13 ms of CPU a title)."""
        base = self.base_slugs.get(title)
        if base is None:
            base = self.base_slugs[title] = pinyin_slug(title)[:70] or "ziyuan"
        return base

    def _slug(self, title, taken):
        base = self._base_slug(title)
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
