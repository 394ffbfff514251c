"""A logged-in user's own space (我的): saved pages, downloads, follows and when they last
looked. Rows belong to the user and go with the account."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.documents import get_document_model_string

# Saved from their own pages: the kinds of page a teacher comes back to.
SAVABLE = (
    "content.resourcepage",
    "content.recordingpage",
    "content.lessonstudypage",
    "content.forumsessionpage",
    "content.newspage",
)


class SavedPage(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_pages"
    )
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(_("收藏时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("收藏")
        verbose_name_plural = _("收藏")
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="personal_saved_once")]
        ordering = ["-saved_at", "-pk"]

    def __str__(self):
        return f"{self.user} · {self.page}"


class Download(models.Model):
    """One file served to a logged-in user (anonymous downloads are counted, never named)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="downloads"
    )
    document = models.ForeignKey(
        get_document_model_string(), on_delete=models.CASCADE, related_name="+"
    )
    # The page the link was followed from, when the browser said (Referer, same site).
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    downloaded_at = models.DateTimeField(_("下载时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("下载记录")
        verbose_name_plural = _("下载记录")
        ordering = ["-downloaded_at", "-pk"]

    def __str__(self):
        return f"{self.user} · {self.document}"


class Follow(models.Model):
    """关注: a workshop, a subject or a person; exactly one of the three."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    workshop = models.ForeignKey(
        "content.WorkshopPage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.ForeignKey(
        "content.Subject", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "content.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    followed_at = models.DateTimeField(_("关注时间"), auto_now_add=True)

    KINDS = ("workshop", "subject", "person")

    class Meta:
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        ordering = ["-followed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(workshop__isnull=False, subject__isnull=True, person__isnull=True)
                    | Q(workshop__isnull=True, subject__isnull=False, person__isnull=True)
                    | Q(workshop__isnull=True, subject__isnull=True, person__isnull=False)
                ),
                name="personal_follow_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "workshop"],
                condition=Q(workshop__isnull=False),
                name="personal_follow_workshop_once",
            ),
            models.UniqueConstraint(
                fields=["user", "subject"],
                condition=Q(subject__isnull=False),
                name="personal_follow_subject_once",
            ),
            models.UniqueConstraint(
                fields=["user", "person"],
                condition=Q(person__isnull=False),
                name="personal_follow_person_once",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.target}"

    @property
    def target(self):
        return self.workshop or self.subject or self.person

    @property
    def kind(self):
        return next(kind for kind in self.KINDS if getattr(self, f"{kind}_id"))


class Visitor(models.Model):
    """When the user last looked at 我的, and whether they take the weekly digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal"
    )
    # The last request to /me/, and the end of the visit before the current one: what is
    # new is what was published after `previous_visit` (see personal.feeds).
    last_seen = models.DateTimeField(_("最近访问"), null=True, blank=True)
    previous_visit = models.DateTimeField(_("上次访问"), null=True, blank=True)
    digest = models.BooleanField(_("每周邮件摘要"), default=False)
    digest_sent_at = models.DateTimeField(_("上次发送摘要"), null=True, blank=True)

    class Meta:
        verbose_name = _("我的·设置")
        verbose_name_plural = _("我的·设置")

    def __str__(self):
        return str(self.user)
