import re

# Long enough for any real question; a longer string is cut rather than refused.
MAX_QUERY_LENGTH = 200

# Control characters (NUL above all: PostgreSQL refuses it in text) never belong in a query.
# Quotes and FTS operators are harmless: the search backend quotes every word it looks for.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw):
    """The visitor's query as it is safe to search for, whatever they typed."""
    return " ".join(_UNSAFE.sub(" ", raw or "").split())[:MAX_QUERY_LENGTH].strip()
