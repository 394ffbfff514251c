from django.db import models
from django.utils.translation import gettext_lazy as _


class Generation(models.Model):
    """A scope's cache generation (caching.generations), one row per scope: in the database
    so that every process of a deployment shares them, whatever the cache backend."""

    scope = models.CharField(_("范围"), max_length=40, unique=True)
    n = models.BigIntegerField(_("代数"))

    class Meta:
        verbose_name = _("缓存代数")
        verbose_name_plural = _("缓存代数")

    def __str__(self):
        return f"{self.scope}: {self.n}"


class KeptCard(models.Model):
    """A page's card (its summary in listings) as rendered, kept between generations
    (caching.cards): a cold listing reads its cards with its own query instead of
    rendering them. Valid while the page's publish time and address and the card's
    version (its templates, the code and settings it is made with) are those it was made
    from; the changes that alter what a card shows otherwise delete it."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    template = models.CharField(max_length=100)
    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=32)
    # The page's last_published_at and url_path when the card was made (the stamp).
    published = models.DateTimeField()
    url_path = models.TextField()
    html = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["page", "template", "site"], name="caching_keptcard_unique"
            )
        ]

    def __str__(self):
        return f"{self.template} of page {self.page_id}"
