"""Cards (a page's summary in a listing) rendered once per generation of its scope and shared.

The same resource's card shows in its section under every filter and page number, on the
home page, in its workshop and in collections; rendering 20 cards was half of a listing's
time. A card shows only its page's own public facts and names from the reference lists,
nothing about the visitor, and every change that could alter one starts a new generation
(caching.generations), so a card kept under the generation is the card as it would be
rendered now. Which cards a visitor sees is still decided by the listing's query.
"""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from caching.generations import depends_on, generation
from caching.shared import site_for


def rendered_cards(items, template_name, request):
    """[(item, its card's HTML)] for the items, one shared-cache round trip for all."""
    items = list(items)
    template = get_template(template_name)
    site = site_for(request) if request is not None else None
    if not items:
        return []
    if site is None:  # no site to name in the key (or no request): render them all
        return [(item, template.render({"item": item, "request": request})) for item in items]
    # A card is made from what its page type names (`cache_depends`, e.g. an activity's
    # workshop), else from everything.
    depends = [getattr(item, "cache_depends", None) for item in items]
    scopes = None if None in depends else sorted({s for names in depends for s in names})
    depends_on(*(scopes or ()))
    prefix = f"card:{generation(scopes)}:{site.pk}:{template_name}"
    keys = [f"{prefix}:{item.pk}" for item in items]
    found = cache.get_many(keys)
    made = {}
    cards = []
    for item, key in zip(items, keys, strict=True):
        html = found.get(key)
        if html is None:
            # A plain context, without the context processors: a card needs only the item
            # and the request (for its links).
            html = made[key] = str(template.render({"item": item, "request": request}))
        cards.append((item, mark_safe(html)))  # it was rendered, escaped, by the template
    if made:
        cache.set_many(made, settings.PAGE_CACHE_TIMEOUT)
    return cards
