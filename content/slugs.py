"""ASCII slugs for Chinese titles, spelled in pinyin.

WAGTAIL_ALLOW_UNICODE_SLUGS is off (see settings), and Django's slugify drops Chinese
characters entirely, so a title such as 精品课 would otherwise leave the slug empty.
"""

import re

from django.utils.text import slugify

from pypinyin import lazy_pinyin

_CJK_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
MAX_SLUG_LENGTH = 80


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
            words.append("".join(lazy_pinyin(part)))
        else:
            words.extend(w for w in slugify(part).split("-") if w)
    slug = "-".join(w.lower() for w in words if w)
    if len(slug) > max_length:
        slug = (
            slug[:max_length].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
        )
    return slug


def unique_slug(base, taken):
    """base, or base-2, base-3 ... whichever is not in taken (a callable or a container)."""
    is_taken = taken if callable(taken) else taken.__contains__
    candidate, suffix = base, 1
    while is_taken(candidate):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate
