"""Facet counts kept up to date as pages change (content.facet_counts), so that a section's
unfiltered list reads every count and its total in one query instead of a GROUP BY per facet
over every live public page (7 of them on the resource list: 7 req/s cold at 50,000)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacetCount(models.Model):
    """How many live public pages of a listing have a facet's value. The row with an empty
    facet and value is the listing's total, made only by a recount: without it the listing
    has never been counted and its list counts with queries as before."""

    listing = models.CharField(_("列表"), max_length=60)
    facet = models.CharField(_("筛选项"), max_length=40)
    value = models.CharField(_("取值"), max_length=100)
    count = models.IntegerField(_("数量"), default=0)

    # Written with the page changes that purge the cache (caching.signals) already.
    purges_cache = False

    class Meta:
        verbose_name = _("筛选计数")
        verbose_name_plural = _("筛选计数")
        constraints = [
            models.UniqueConstraint(fields=["listing", "facet", "value"], name="facet_count_unique")
        ]

    def __str__(self):
        return f"{self.listing} {self.facet}={self.value}: {self.count}"


class CountedPage(models.Model):
    """What a page adds to its listing's counts now ({facet: value}), so that a change (a
    publish, a move into a private section, a new subject) takes off exactly what it added
    before. Only pages that count have a row."""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    listing = models.CharField(_("列表"), max_length=60, db_index=True)
    values = models.JSONField(_("取值"), default=dict)

    purges_cache = False  # as FacetCount's

    class Meta:
        verbose_name = _("已计数页面")
        verbose_name_plural = _("已计数页面")

    def __str__(self):
        return f"{self.page_id} {self.listing}: {self.values}"
