from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.safestring import mark_safe

from caching import SITE, derived, fragment
from caching.cards import rendered_cards
from caching.privacy import may_be_restricted
from caching.shared import ancestors as ancestors_of
from caching.shared import menu_items, site_for
from caching.signals import SECTION_DEPTH
from caching.snapshot import TOP_DEPTH

register = template.Library()


def _site_root(request):
    site = site_for(request) if request else None
    return site.root_page if site else None


@register.inclusion_tag("components/main_menu.html", takes_context=True)
def main_menu(context):
    request = context.get("request")
    root, items = menu_items(request) if request else (None, [])
    current = context.get("page")
    return {
        "root": root,
        "items": items,
        "current_path": current.url_path if current else "",
        "request": request,
    }


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context.get("page")
    root = _site_root(context.get("request"))
    if page is None or root is None or page.depth <= root.depth:
        return {"ancestors": [], "page": page}

    def build():
        return [
            {"url": a.get_url(request), "title": a.title} for a in ancestors_of(page, root.depth)
        ]

    request = context.get("request")
    # The home page and a section's own page change only with everything (caching.signals);
    # deeper ancestors (a workshop above its resources) may change with any scope.
    scopes = [SITE] if page.depth <= SECTION_DEPTH + 1 else None
    # Ancestors down to the sections come from the snapshot without a query: made in each
    # process (caching.derived); deeper ones are read once per generation for all.
    keep = derived if page.depth - 1 <= TOP_DEPTH else fragment
    ancestors = keep(f"breadcrumbs:{page.pk}:{page.url_path}", build, scopes=scopes)
    return {"ancestors": ancestors, "page": page}


@register.simple_tag(takes_context=True)
def cards(context, items, template_name):
    """{% cards items "components/resource_card.html" as cards %}: [(item, card HTML)],
    each card rendered once per generation (caching.cards)."""
    return rendered_cards(items, template_name, context.get("request"))


@register.filter
def document_size(document):
    """The file size as people read it (1.2 MB); blank when the file is missing."""
    return "" if document.file_size is None else filesizeformat(document.file_size)


@register.inclusion_tag("components/social_meta.html", takes_context=True)
def social_meta(context):
    """Description and Open Graph tags, so a link shared in WeChat shows a proper card."""
    request = context.get("request")
    page = context.get("page")
    portal_settings = context["settings"]["portal"]["PortalSettings"]
    description = ""
    image = None
    if page is not None and hasattr(page, "get_meta_description"):
        description = page.get_meta_description()
        image = getattr(page, "social_image", None) or getattr(page, "poster", None)
    url = page.get_full_url(request) if hasattr(page, "get_full_url") else ""
    # With the request, whose site root paths are read once (page.url reads them again).
    path = page.get_url(request) if url else ""
    return {
        "page": page,
        "request": request,
        "description": description or portal_settings.site_description,
        "image": image,
        "url": url,
        "root_url": url[: -len(path)] if path and url.endswith(path) else "",
        "site_name": context.get("current_site").site_name if context.get("current_site") else "",
    }


def _shared_block(parser, token, node_class):
    """`{% tag object %}...{% endtag %}` for the shared blocks above: one argument, the
    enclosed nodes, and the template's name, which tells one template's block from
    another's for the same object."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument")
    nodelist = parser.parse((f"end{bits[0]}",))
    parser.delete_first_token()
    name = parser.origin.template_name if parser.origin else ""
    return node_class(nodelist, parser.compile_filter(bits[1]), name)


class SharedBodyNode(template.Node):
    """What `{% shared_body page %}` encloses, rendered once per generation of the scopes
    the page is made from and shared by every visitor (caching.fragment), as its cards are.

    With the page cache off, or for a visitor who has a session, a detail page read its
    attachments, authors and tags and rendered them on every request, the same for
    everyone: half its time. The block must show only the page's own public facts, nothing
    about the visitor. It is kept as long as the page cache keeps the whole page (the same
    generations: a publish, a file, a preview made), and only for a live public page
    served as published: a preview (or a revision shown in the admin) has the page's id
    with other content, and a private page's content stays out of the shared cache."""

    def __init__(self, nodelist, page, name):
        self.nodelist, self.page, self.name = nodelist, page, name

    def render(self, context):
        page = self.page.resolve(context)
        request = context.get("request")
        site = site_for(request) if request is not None else None
        if (
            site is None
            or page is None
            or getattr(request, "is_preview", True)
            or not page.live
            or may_be_restricted(page)
        ):
            return self.nodelist.render(context)
        key = (
            f"body:{self.name}:{site.pk}:{page.pk}:{page.latest_revision_id}:"
            f"{page.last_published_at and page.last_published_at.timestamp()}"
        )
        html = fragment(key, lambda: str(self.nodelist.render(context)), scopes=page.cache_depends)
        return mark_safe(html)  # rendered, escaped, by the template


@register.tag
def shared_body(parser, token):
    """{% shared_body page %}...{% endshared_body %}: see SharedBodyNode."""
    return _shared_block(parser, token, SharedBodyNode)


class SharedListingPartNode(template.Node):
    """What `{% shared_listing_part listing %}` encloses (a faceted listing's filters), made
    once per generation of the listing's scopes for each set of parameters but the page
    number, and shared by every visitor, as its counts already are (content.filters): with
    the page cache off, the seven facets' options and links were rendered on every request,
    a third of a resource list's time."""

    def __init__(self, nodelist, listing, name):
        self.nodelist, self.listing, self.name = nodelist, listing, name

    def render(self, context):
        listing = self.listing.resolve(context)
        key = getattr(listing, "shared_key", None)
        if key is None:
            return self.nodelist.render(context)
        html = fragment(
            f"listing-part:{self.name}:{key}",
            lambda: str(self.nodelist.render(context)),
            scopes=listing.scopes,
        )
        return mark_safe(html)  # rendered, escaped, by the template


@register.tag
def shared_listing_part(parser, token):
    """{% shared_listing_part listing %}...{% endshared_listing_part %}: see
    SharedListingPartNode."""
    return _shared_block(parser, token, SharedListingPartNode)
