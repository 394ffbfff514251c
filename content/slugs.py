"""ASCII slugs for Chinese titles, spelled in pinyin.

WAGTAIL_ALLOW_UNICODE_SLUGS is off (see settings), and Django's slugify drops Chinese
characters entirely, so a title such as 精品课 would otherwise leave the slug empty. The
admin's slug sync (JavaScript, when the editor leaves the title field) does the same and
turns the spaces of "楞次定律 探究课 教学设计" into "--": a slug of hyphens only says nothing
the title does not, so it counts as blank and is spelled from the title like an empty one.
"""

import functools
import re

from django.utils.text import slugify

_CJK_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
MAX_SLUG_LENGTH = 80


@functools.cache
def _lazy_pinyin():
    # Imported on first use: pypinyin reads its phrase dictionary on import, half a second of
    # CPU in every process that boots Django, and most (an app server answering pages, the
    # job worker, a management command) never spell a title.
    from pypinyin import lazy_pinyin

    return lazy_pinyin


def pinyin_slug(text, max_length=MAX_SLUG_LENGTH):
    """精品课：函数的单调性 (Unit 3) -> jingpinke-hanshudedandiaoxing-unit-3.

    Each run of Chinese characters becomes one word of joined syllables, so the slug
    stays readable; the result is cut at a word boundary to at most max_length.
    """
    words = []
    for part in _CJK_RUN.split(text or ""):
        if not part:
            continue
        if _CJK_RUN.fullmatch(part):
            words.append("".join(_lazy_pinyin()(part)))
        else:
            words.extend(w for w in slugify(part).split("-") if w)
    slug = "-".join(w.lower() for w in words if w)
    if len(slug) > max_length:
        slug = (
            slug[:max_length].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
        )
    return slug


def is_blank(slug):
    """Empty, or hyphens only: what the admin's slug sync leaves of a Chinese title."""
    return not (slug or "").strip("-")


def synced_from(title):
    """What the admin's slug sync makes of a title (Wagtail's SlugController.slugify with
    unicode off): whitespace to hyphens, everything but ASCII letters, digits, "-" and "_"
    dropped. "高一物理 第3章（Newton's Laws）" -> "-3newtons-laws"."""
    return re.sub(r"[^A-Za-z0-9_-]", "", re.sub(r"\s+", "-", title or "")).lower()


def is_machine_made(slug, title):
    """A slug that says nothing the editor chose: blank or hyphens only, or, for a Chinese
    title, what the admin's slug sync (or Django's slugify) kept of it, the Latin letters
    and digits without the Chinese words between them."""
    if is_blank(slug):
        return True
    return bool(_CJK_RUN.search(title or "")) and slug in (synced_from(title), slugify(title))


def unique_slug(base, taken):
    """base, or base-2, base-3 ... whichever is not in taken (a callable or a container)."""
    is_taken = taken if callable(taken) else taken.__contains__
    candidate, suffix = base, 1
    while is_taken(candidate):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def repair_blank_slugs(Page, Redirect, Site, Revision, steplen=4):
    """Give every page whose address is hyphens only (made before is_blank) its pinyin slug,
    and a permanent redirect from the old address. Takes the models, so that a migration
    can run it on its historical ones (no model methods: tree paths and url paths by hand).
    Returns [(old url path, new url path)]."""
    repaired = []
    sites = list(Site.objects.all())
    for page in Page.objects.filter(depth__gt=1, slug__regex=r"^-+$").order_by("depth", "path"):
        parent_path = page.path[:-steplen]
        siblings = set(
            Page.objects.filter(path__startswith=parent_path, depth=page.depth)
            .exclude(pk=page.pk)
            .values_list("slug", flat=True)
        )
        slug = unique_slug(pinyin_slug(page.title) or "page", siblings)
        old = page.url_path
        new = f"{old[: -len(page.slug) - 1]}{slug}/"
        for item in Page.objects.filter(path__startswith=page.path):
            item.url_path = new + item.url_path[len(old) :]
            if item.pk == page.pk:
                item.slug = slug
            item.save(update_fields=["url_path", "slug"])
        # Drafts keep the slug they were saved with; publishing one must not bring "--" back.
        for revision in Revision.objects.filter(
            base_content_type__app_label="wagtailcore",
            base_content_type__model="page",
            object_id=str(page.pk),
        ):
            if is_blank(revision.content.get("slug")):
                revision.content["slug"] = slug
                revision.content["url_path"] = new
                revision.save(update_fields=["content"])
        for site in sites:
            root = Page.objects.filter(pk=site.root_page_id).values_list("url_path", flat=True)
            root = root.first()
            if root and old.startswith(root):
                Redirect.objects.get_or_create(
                    old_path="/" + old[len(root) :].rstrip("/"),
                    site=site if len(sites) > 1 else None,
                    defaults={"redirect_page_id": page.pk, "is_permanent": True},
                )
        repaired.append((old, new))
    return repaired
