from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from caching.cards import with_kept_cards
from content.api import label_of, name_of, names_of
from content.models.base import SCHOOL_NAMES, BasePage, named
from content.models.events import ActivityPage
from content.models.pages import SectionIndexPage
from content.models.recordings import RecordingPage
from content.models.resources import ResourcePage
from content.permissions import WorkshopPermissionTester


class WorkshopKind(models.TextChoices):
    PRINCIPAL = "principal", _("名校长工作室")
    HEAD_TEACHER = "head_teacher", _("名班主任工作室")
    MASTER_TEACHER = "master_teacher", _("名师工作室")
    ENTERPRISE_MENTOR = "enterprise_mentor", _("企业德育导师工作室")


class WorkshopIndexPage(SectionIndexPage):
    cache_scope = "workshops"
    template = "pages/workshop_index_page.html"
    subpage_types = ["content.WorkshopPage"]

    class Meta:
        verbose_name = _("工作室栏目")
        verbose_name_plural = _("工作室栏目")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["workshops"] = (
            WorkshopPage.objects.live()
            .public()
            .child_of(self)
            .select_related("school", "lead")
            .order_by("path")
        )
        return context


class Apprenticeship(Orderable):
    """师徒结对: an aid-team member and an apprentice, from a date."""

    page = ParentalKey(
        "content.WorkshopPage", related_name="apprenticeships", on_delete=models.CASCADE
    )
    mentor = models.ForeignKey(
        "content.Person", verbose_name=_("师傅"), on_delete=models.PROTECT, related_name="+"
    )
    apprentice = models.ForeignKey(
        "content.Person", verbose_name=_("徒弟"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("结对日期"))

    panels = [
        FieldRowPanel([FieldPanel("mentor"), FieldPanel("apprentice"), FieldPanel("start_date")])
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("师徒结对")
        verbose_name_plural = _("师徒结对")


class WorkshopPage(BasePage):
    """工作室: a section of its own, holding the workshop's resources, recordings, activities."""

    cache_scope = "workshops"

    kind = models.CharField(_("类型"), max_length=20, choices=WorkshopKind.choices)
    school = models.ForeignKey(
        "content.School", verbose_name=_("依托学校"), on_delete=models.PROTECT
    )
    lead = models.ForeignKey(
        "content.Person", verbose_name=_("主持人"), on_delete=models.PROTECT, related_name="+"
    )
    members = ParentalManyToManyField(
        "content.Person", verbose_name=_("成员"), blank=True, related_name="workshops"
    )
    founded = models.DateField(_("成立日期"), null=True, blank=True)
    introduction = RichTextField(_("简介"))
    goals = RichTextField(_("工作目标"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("school")]),
                FieldRowPanel([FieldPanel("lead"), FieldPanel("founded")]),
                FieldPanel("members"),
            ],
            heading=_("工作室信息"),
        ),
        FieldPanel("introduction"),
        FieldPanel("goals"),
        InlinePanel("apprenticeships", heading=_("师徒结对"), label=_("结对")),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("introduction"),
        index.SearchField("goals"),
        named("lead"),
        SCHOOL_NAMES,
        index.FilterField("kind"),
    ]

    api_fields = [
        APIField("kind"),
        label_of("kind"),
        name_of("school"),
        name_of("lead"),
        names_of("members"),
        APIField("founded"),
        APIField("introduction"),
        APIField("goals"),
    ]

    template = "pages/workshop_page.html"
    # The cards of the work listed (pages/workshop_page.html), kept (caching.cards).
    CARDS = {
        "resources": "components/resource_card.html",
        "recordings": "components/recording_card.html",
        "activities": "components/activity_card.html",
    }
    detail_related = ("school", "lead")
    # Members draft in the section; the workshop page itself is its lead's.
    permission_tester_class = WorkshopPermissionTester
    parent_page_types = ["content.WorkshopIndexPage"]
    subpage_types = ["content.ResourcePage", "content.RecordingPage", "content.ActivityPage"]

    class Meta:
        verbose_name = _("工作室")
        verbose_name_plural = _("工作室")

    def get_meta_description(self):
        return super().get_meta_description() or f"{self.school.name}{self.get_kind_display()}"

    def team(self):
        """The lead and the members: the people a page filed in the workshop names."""
        return self.members.model.objects.filter(pk__in=self._people())

    def subject(self):
        """The workshop's subject, where it has one: its lead's, if the lead teaches one."""
        subjects = list(self.lead.subjects.all()[:2])
        return subjects[0] if len(subjects) == 1 else None

    # The workshop's work: pages filed under it, or by its lead and members; activities
    # also when they name the workshop. The page and the workshop's feed both use these.
    def _inside(self):
        return Page.objects.descendant_of(self).values("pk")

    def _people(self, members=None):
        if members is None:
            return [self.lead_id, *self.members.values_list("pk", flat=True)]
        return [self.lead_id, *(member.pk for member in members)]

    def published_resources(self, members=None):
        people = self._people(members)
        return (
            ResourcePage.objects.live()
            .public()
            .filter(models.Q(pk__in=self._inside()) | models.Q(authors__in=people))
            .distinct()
        )

    def published_recordings(self, members=None):
        people = self._people(members)
        return (
            RecordingPage.objects.live()
            .public()
            .filter(models.Q(pk__in=self._inside()) | models.Q(teacher__in=people))
        )

    def published_activities(self):
        return (
            ActivityPage.objects.live()
            .public()
            .filter(models.Q(pk__in=self._inside()) | models.Q(workshop=self))
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read once for the team shown and the work of its people (it was three queries).
        members = context["members"] = list(self.members.all())
        context["resources"] = (
            with_kept_cards(self.published_resources(members), self.CARDS["resources"], request)
            .select_related("resource_type", "subject", "grade", "school", "level")
            .order_by("-first_published_at")[:6]
        )
        context["recordings"] = (
            with_kept_cards(self.published_recordings(members), self.CARDS["recordings"], request)
            .select_related("teacher", "school", "subject", "grade", "level", "poster")
            .order_by("-lesson_date")[:6]
        )
        context["activities"] = (
            with_kept_cards(self.published_activities(), self.CARDS["activities"], request)
            .select_related("school")
            .order_by("-start")[:8]
        )
        context["apprenticeships"] = self.apprenticeships.select_related("mentor", "apprentice")
        # 成果 filed for the workshop (tracking.OutputRecord): only what a reviewer verified.
        context["outputs"] = (
            self.outputs.filter(status="verified")
            .select_related("level", "evidence_page")
            .order_by("-date", "-pk")
        )
        return context
