"""Live pages written in bulk under one parent: the tree rows, then the page type's own rows.

`add_child` saves one page at a time, with a query to find the last sibling, a save of the
parent and the type's signals: 50,000 resources took about 8 minutes; written here, a batch at
a time, they take under 2 (import_resources, bench/build_site.py).

PRIVATE API, kept in this one module on purpose (nothing else in the portal may use it):
- treebeard's materialised path: `Page._get_path()` and `Page._str2int()` spell the children's
  paths as `add_child` would, and `numchild` is set on the parent at the end;
- Django's `Manager._insert()`, to insert the page type's own rows for parent rows that exist
  (bulk_create does not support multi-table inheritance);
- one raw `UPDATE` per batch for the revision columns: bulk_update's CASE over 500 ids is
  quadratic on SQLite.
tests/test_import_resources.py checks after a bulk import that treebeard's own
`Page.find_problems()` finds nothing and that the pages route, so a Wagtail, treebeard or
Django upgrade that changes these internals fails there, on both databases.
"""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from wagtail.models import Page

from content import facet_counts


class ChildPages:
    """Appends live pages of one type under `parent`, batch after batch, after its last child.

    pages = children.new(slug, title=...) for each; children.create(pages, own fields) per
    batch; children.finish() once, for the parent's child count.
    """

    def __init__(self, parent, model):
        self.parent = parent
        self.model = model
        self.depth = parent.depth + 1
        self.content_type = ContentType.objects.get_for_model(model)
        last = self.siblings().order_by("-path").first()
        self.step = Page._str2int(last.path[-Page.steplen :]) if last else 0
        self.created = []

    def siblings(self):
        # Not parent.get_children(): treebeard answers "none" for a parent it thinks is a leaf.
        return Page.objects.filter(path__startswith=self.parent.path, depth=self.depth)

    def new(self, slug, **fields):
        """An unsaved, live page in its place in the tree; `fields` are Page fields (title,
        dates ...)."""
        self.step += 1
        now = timezone.now()
        fields.setdefault("draft_title", fields.get("title", ""))
        fields.setdefault("first_published_at", now)
        fields.setdefault("last_published_at", now)
        return Page(
            slug=slug,
            path=Page._get_path(self.parent.path, self.depth, self.step),
            depth=self.depth,
            numchild=0,
            url_path=f"{self.parent.url_path}{slug}/",
            content_type=self.content_type,
            live=True,
            has_unpublished_changes=False,
            locale_id=self.parent.locale_id,
            translation_key=uuid.uuid4(),
            **fields,
        )

    def create(self, pages, own_fields):
        """Writes the pages, then one `model` row for each with its own fields (dicts, in the
        pages' order); returns the `model` objects, whole (Page fields included) and saved."""
        Page.objects.bulk_create(pages)
        objs = []
        for page, fields in zip(pages, own_fields, strict=True):
            obj = self.model(page_ptr=page, **fields)
            for field in Page._meta.concrete_fields:
                setattr(obj, field.attname, getattr(page, field.attname))
            obj._state.adding = False
            obj._state.db = connection.alias
            objs.append(obj)
        self.model._base_manager._insert(
            objs, fields=self.model._meta.local_concrete_fields, using=connection.alias
        )
        self.created.extend(page.pk for page in pages)
        return objs

    def finish(self):
        Page.objects.filter(pk=self.parent.pk).update(numchild=self.siblings().count())
        # The pages sent no signals: their listing's facet counts take them now, at once.
        facet_counts.pages_added(self.model, self.created)
        self.created = []


def set_revisions(pages, revisions):
    """Each page's latest and live revision, as publishing leaves them."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE wagtailcore_page SET latest_revision_id = %s, live_revision_id = %s "
            "WHERE id = %s",
            [(r.pk, r.pk, p.pk) for p, r in zip(pages, revisions, strict=True)],
        )
