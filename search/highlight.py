"""Search results show where the query's words are: in the title and in a short excerpt."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from search import analysis

EXCERPT_LENGTH = 120


def words_of(query):
    """The query's words, each with the pieces it may be found as (see analysis)."""
    terms = []
    for term in analysis.query_terms(query or ""):
        pieces = term[1] if len(term) > 1 else ()
        pieces = tuple(p for p in pieces if len(p) > 1 or not analysis.is_cjk(p))
        terms.append((term[0], pieces))
    return terms


def _words_in(text, terms):
    """The words to mark in this text, longest first: a word where the text has it whole,
    else its pieces (so 红寺堡中学 is marked whole, and 红寺堡 alone is not)."""
    folded = text.casefold()
    words = set()
    for word, pieces in terms:
        words.update([word] if word.casefold() in folded or not pieces else pieces)
    return sorted((w for w in words if w.strip()), key=len, reverse=True)


def _pattern(words):
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def mark(text, terms):
    """Escaped text with every occurrence of the query's words wrapped in <mark>."""
    text = text or ""
    pattern = _pattern(_words_in(text, terms))
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


def excerpt(text, terms, length=EXCERPT_LENGTH):
    """About `length` characters of the text around the first word found, marked."""
    text = " ".join((text or "").split())
    pattern = _pattern(_words_in(text, terms))
    match = pattern.search(text) if pattern else None
    start = 0 if match is None or len(text) <= length else max(0, match.start() - length // 4)
    piece = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(f"{prefix}{mark(piece, terms)}{suffix}")
