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
