"""Reference data the plan is written in: schools, units, stages, subjects, grades, levels.

Editors keep these lists in the admin (基础数据); content pages classify themselves by them
and listings filter on their ASCII slugs, so a filtered URL stays short enough for a QR code.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from content.references import ReferenceData
from content.slugs import pinyin_slug, unique_slug


class TaxonomyItem(ReferenceData, index.Indexed, models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    slug = models.SlugField(
        _("标识"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("用于网址筛选的英文或拼音标识，留空则按名称的拼音自动生成。"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            others = type(self).objects.exclude(pk=self.pk)
            base = pinyin_slug(self.name) or type(self)._meta.model_name
            self.slug = unique_slug(base, lambda s: others.filter(slug=s).exists())
        super().save(*args, **kwargs)


class School(TaxonomyItem):
    class Kind(models.TextChoices):
        GENERAL_HIGH = "general_high", _("普通高中")
        VOCATIONAL = "vocational", _("中等职业学校")
        COMPLETE_MIDDLE = "complete_middle", _("完全中学")
        JUNIOR = "junior", _("初级中学")

    class Role(models.TextChoices):
        AIDED = "aided", _("受援学校")
        PARTICIPATING = "participating", _("参与学校")

    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    role = models.CharField(_("帮扶角色"), max_length=20, choices=Role.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    introduction = models.TextField(_("简介"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("role"),
        FieldPanel("address"),
        FieldPanel("introduction"),
        FieldPanel("sort_order"),
    ]
    search_fields = [
        *TaxonomyItem.search_fields,
        index.SearchField("short_name"),
        index.AutocompleteField("short_name"),
        index.FilterField("role"),
    ]

    class Meta(TaxonomyItem.Meta):
        verbose_name = _("学校")
        verbose_name_plural = _("学校")

    @property
    def display_name(self):
        return self.short_name or self.name


class ResponsibleUnit(TaxonomyItem):
    class Kind(models.TextChoices):
        PARTY = "party", _("党委部门")
        GOVERNMENT = "government", _("政府部门")
        SCHOOL = "school", _("学校")

    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    school = models.ForeignKey(
        School,
        verbose_name=_("对应学校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("责任单位是学校时填写。"),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("school"),
        FieldPanel("sort_order"),
    ]

    class Meta(TaxonomyItem.Meta):
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")

    def clean(self):
        if self.kind == self.Kind.SCHOOL and not self.school_id:
            raise ValidationError({"school": _("类别为“学校”的责任单位须指明对应学校。")})


class Stage(TaxonomyItem):
    class Meta(TaxonomyItem.Meta):
        verbose_name = _("学段")
        verbose_name_plural = _("学段")


class Subject(TaxonomyItem):
    class Kind(models.TextChoices):
        SUBJECT = "subject", _("学科")
        MAJOR = "major", _("专业")

    kind = models.CharField(
        _("类别"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.SUBJECT,
        help_text=_("普通学科，或职业学校的专业。"),
    )
    stages = models.ManyToManyField(Stage, verbose_name=_("适用学段"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("stages"),
        FieldPanel("sort_order"),
    ]
    search_fields = [*TaxonomyItem.search_fields, index.FilterField("kind")]

    class Meta(TaxonomyItem.Meta):
        verbose_name = _("学科/专业")
        verbose_name_plural = _("学科/专业")


class Grade(TaxonomyItem):
    stage = models.ForeignKey(
        Stage, verbose_name=_("学段"), on_delete=models.PROTECT, related_name="grades"
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("stage"), FieldPanel("sort_order")]

    class Meta(TaxonomyItem.Meta):
        verbose_name = _("年级")
        verbose_name_plural = _("年级")


class TextbookEdition(TaxonomyItem):
    publisher = models.CharField(_("出版社"), max_length=100, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("publisher"),
        FieldPanel("sort_order"),
    ]

    class Meta(TaxonomyItem.Meta):
        verbose_name = _("教材版本")
        verbose_name_plural = _("教材版本")


class DescribedItem(TaxonomyItem):
    description = models.CharField(_("说明"), max_length=200, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta(TaxonomyItem.Meta):
        abstract = True


class ResourceType(DescribedItem):
    class Meta(DescribedItem.Meta):
        verbose_name = _("资源类型")
        verbose_name_plural = _("资源类型")


class Level(DescribedItem):
    """国家级 … 校级. Editable: in the plan 区级 may mean the region or the district."""

    class Meta(DescribedItem.Meta):
        verbose_name = _("级别")
        verbose_name_plural = _("级别")
