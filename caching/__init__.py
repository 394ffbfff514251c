"""The portal's caching: whole pages for anonymous visitors, shared fragments and cards, all
keyed by generations per scope that every process of a deployment reads from the database.

The bottom layer: it imports no app of the project. Apps call `fragment`, `purge` and
`generation`; the page cache, the purge signals and the privacy lists live in its modules.
"""

from caching.generations import (
    SITE,
    clear,
    depends_on,
    derived,
    fragment,
    generation,
    purge,
    request_scope,
)

__all__ = [
    "SITE",
    "clear",
    "depends_on",
    "derived",
    "fragment",
    "generation",
    "purge",
    "request_scope",
]
