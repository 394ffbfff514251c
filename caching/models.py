from django.db import models
from django.utils.translation import gettext_lazy as _


class Generation(models.Model):
    """The one row holding the cache generation (caching.generations): in the database so
    that every process of a deployment shares it, whatever the cache backend."""

    n = models.BigIntegerField(_("代数"))

    class Meta:
        verbose_name = _("缓存代数")
        verbose_name_plural = _("缓存代数")

    def __str__(self):
        return str(self.n)
