"""The one door to the shared, generation-keyed cache (moving to caching.page_cache)."""

from portal.page_cache import fragment, purge

__all__ = ["fragment", "purge"]
