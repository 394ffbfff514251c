"""Search results show where the query's words are: in the title and in a short excerpt."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from search import analysis

EXCERPT_LENGTH = 120


def words_of(query):
    """The query's words and their pieces, longest first, so 红寺堡中学 is marked whole."""
    words = set()
    for term in analysis.query_terms(query or ""):
        words.add(term[0])
        for piece in term[1] if len(term) > 1 else ():
            if len(piece) > 1 or not analysis.is_cjk(piece):
                words.add(piece)
    return sorted((w for w in words if w.strip()), key=len, reverse=True)


def _pattern(words):
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def mark(text, words):
    """Escaped text with every occurrence of the words wrapped in <mark>."""
    text = text or ""
    pattern = _pattern(words)
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


def excerpt(text, words, length=EXCERPT_LENGTH):
    """About `length` characters of the text around the first word found, marked."""
    text = " ".join((text or "").split())
    pattern = _pattern(words)
    match = pattern.search(text) if pattern else None
    start = 0 if match is None or len(text) <= length else max(0, match.start() - length // 4)
    piece = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(f"{prefix}{mark(piece, words)}{suffix}")
