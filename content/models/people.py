from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import DraftStateMixin, LockableMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from content.models.taxonomy import School, Subject
from content.slugs import is_blank, pinyin_slug, unique_slug


class Person(
    DraftStateMixin,
    RevisionMixin,
    LockableMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """A teacher, aid-team member (帮扶人才), mentor or administrator named on the portal.

    People are published like pages (draft, revisions, preview): a profile names a real
    teacher, so it goes live only when someone decides it should.
    """

    class Kind(models.TextChoices):
        TEACHER = "teacher", _("本地教师")
        AID_MEMBER = "aid_member", _("帮扶人才")
        ENTERPRISE_MENTOR = "enterprise_mentor", _("企业导师")
        ADMINISTRATOR = "administrator", _("管理人员")

    name = models.CharField(_("姓名"), max_length=50)
    # The address of the person's 成长档案 (/people/<slug>/): spelled from the name in pinyin
    # when the person is first saved and never changed after, so a shared or printed link
    # keeps working when the name is corrected.
    slug = models.SlugField(_("网址名"), max_length=80, unique=True, editable=False)
    kind = models.CharField(_("身份"), max_length=20, choices=Kind.choices)
    school = models.ForeignKey(
        School,
        verbose_name=_("所在学校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("本地教师填任教学校；帮扶人才填受援学校。"),
    )
    sending_unit = models.CharField(
        _("派出单位"),
        max_length=100,
        blank=True,
        help_text=_("帮扶人才的福建派出单位。"),
    )
    position = models.CharField(_("职务/职称"), max_length=100, blank=True)
    subjects = ParentalManyToManyField(Subject, verbose_name=_("任教学科/专业"), blank=True)
    biography = models.TextField(_("简介"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("照片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        MultiFieldPanel(
            [FieldPanel("school"), FieldPanel("sending_unit"), FieldPanel("position")],
            heading=_("单位"),
        ),
        FieldPanel("subjects"),
        FieldPanel("biography"),
        FieldPanel("photo"),
        FieldPanel("user"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("sending_unit"),
        index.SearchField("position"),
        index.SearchField("biography"),
        index.FilterField("kind"),
        index.FilterField("school"),
        index.FilterField("live"),
    ]

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if is_blank(self.slug):
            self.slug = self._stable_slug()
        super().save(*args, **kwargs)

    def _stable_slug(self):
        # Publishing a revision saved before slugs existed brings back a blank one: the row
        # keeps the slug it has.
        if self.pk:
            kept = type(self).objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if kept:
                return kept
        others = type(self).objects.exclude(pk=self.pk) if self.pk else type(self).objects
        return unique_slug(
            pinyin_slug(self.name) or "person", lambda s: others.filter(slug=s).exists()
        )

    def get_absolute_url(self):
        return reverse("person_page", args=[self.slug])

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.AID_MEMBER and not self.sending_unit.strip():
            errors["sending_unit"] = _("帮扶人才须填写派出单位。")
        if self.kind == self.Kind.TEACHER and not self.school_id:
            errors["school"] = _("本地教师须填写所在学校。")
        if errors:
            raise ValidationError(errors)

    def get_preview_template(self, request, mode_name):
        return "content/previews/person.html"
