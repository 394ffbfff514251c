"""A person's 成长档案: their work on the portal and their verified outputs, by year.

Everything comes from what the site already records (authors, teachers, speakers, workshop
leads and members, the 师徒结对 register, output records), each kind in one query however
much there is, and only what the visitor may read (people.visibility). An output record is
listed when its evidence page and its workshop, if it names them, are readable too: a
private page's work is neither listed nor counted for those who may not read it.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from wagtail.models import Page

from caching import fragment
from content.models import (
    ActivityPage,
    Apprenticeship,
    ForumSessionPage,
    RecordingPage,
    ResourcePage,
    WorkshopPage,
)
from content.references import with_references
from people.visibility import readable
from tracking import kept
from tracking.models import OutputRecord
from tracking.progress import counted_toward

# The kinds of work, in the order a year lists them, with the noun their count takes.
KINDS = {
    "output": ("成果", "项"),
    "recording": ("课堂实录", "节"),
    "resource": ("教学资源", "份"),
    "forum": ("论坛主讲", "场"),
    "mentor": ("带徒", "人"),
    "apprentice": ("拜师", "次"),
    "activity": ("工作室活动", "场"),
}


@dataclass
class Entry:
    kind: str
    title: str
    date: datetime.date
    url: str = ""
    detail: str = ""
    targets: list = field(default_factory=list)

    @property
    def kind_label(self):
        return KINDS[self.kind][0]


@dataclass
class Portfolio:
    person: object
    workshops: list
    entries: list

    @property
    def years(self):
        """[(year, [(kind label, [Entry])])], newest year first, kinds in KINDS order."""
        by_year = defaultdict(lambda: defaultdict(list))
        for entry in self.entries:
            by_year[entry.date.year][entry.kind].append(entry)
        return [
            (
                year,
                [
                    (KINDS[kind][0], sorted(by_year[year][kind], key=lambda e: e.date))
                    for kind in KINDS
                    if by_year[year][kind]
                ],
            )
            for year in sorted(by_year, reverse=True)
        ]

    @property
    def counts(self):
        """[(label, count, noun)] of the kinds the person has any of."""
        counts = Counter(entry.kind for entry in self.entries)
        return [
            (label, counts[kind], noun) for kind, (label, noun) in KINDS.items() if counts[kind]
        ]

    @property
    def targets(self):
        """The plan's targets the person's verified outputs count toward, each once."""
        seen = {}
        for entry in self.entries:
            for item in entry.targets:
                seen.setdefault(item.target.pk, item)
        return sorted(seen.values(), key=lambda p: (p.target.year, p.target.sort_order))


def _local_date(value):
    return timezone.localtime(value).date() if value else None


def _url(page, request):
    return page.get_url(request) or ""


def current_progress():
    """Every target's progress today, as 成效 computes it (tracking.progress), shared by
    every portfolio until the next change."""
    today = timezone.localdate()
    return fragment(f"people-target-progress:{today.isoformat()}", kept.target_progress)


def build(person, request):
    workshops = list(
        readable(WorkshopPage.objects.filter(Q(lead=person) | Q(members=person)), request)
        .distinct()
        .order_by("path")
    )
    entries = [
        *_outputs(person, request),
        *_recordings(person, request),
        *_resources(person, request),
        *_forums(person, request),
        *_apprenticeships(person, request),
        *_activities(workshops, request),
    ]
    return Portfolio(person, workshops, entries)


def _resources(person, request):
    pages = with_references(
        readable(ResourcePage.objects.filter(authors=person), request)
        .defer_streamfields()
        .distinct()
        .order_by("-first_published_at")
    )
    return [
        Entry(
            "resource",
            page.title,
            _local_date(page.first_published_at) or timezone.localdate(),
            _url(page, request),
            " · ".join(
                n
                for n in (
                    page.resource_type and page.resource_type.name,
                    page.subject and page.subject.name,
                )
                if n
            ),
        )
        for page in pages
    ]


def _recordings(person, request):
    pages = with_references(
        readable(RecordingPage.objects.filter(teacher=person), request)
        .defer_streamfields()
        .order_by("-lesson_date")
    )
    return [
        Entry(
            "recording",
            page.title,
            page.lesson_date,
            _url(page, request),
            " · ".join(n for n in (page.kind_label, page.subject and page.subject.name) if n),
        )
        for page in pages
    ]


def _forums(person, request):
    pages = (
        readable(ForumSessionPage.objects.filter(speakers=person), request)
        .defer_streamfields()
        .distinct()
        .order_by("-date")
    )
    return [
        Entry("forum", page.title, page.date, _url(page, request), f"主题：{page.theme}")
        for page in pages
    ]


def _apprenticeships(person, request):
    pairs = (
        Apprenticeship.objects.filter(Q(mentor=person) | Q(apprentice=person))
        .filter(page__in=readable(WorkshopPage.objects.all(), request).values("pk"))
        .select_related("mentor", "apprentice", "page")
        .order_by("start_date", "pk")
    )
    entries = []
    for pair in pairs:
        if pair.mentor_id == person.pk:
            entries.append(
                Entry(
                    "mentor",
                    f"徒弟：{pair.apprentice.name}",
                    pair.start_date,
                    detail=pair.page.title,
                )
            )
        if pair.apprentice_id == person.pk:
            entries.append(
                Entry(
                    "apprentice",
                    f"师傅：{pair.mentor.name}",
                    pair.start_date,
                    detail=pair.page.title,
                )
            )
    return entries


def _activities(workshops, request):
    if not workshops:
        return []
    pages = with_references(
        readable(ActivityPage.objects.filter(workshop__in=workshops), request)
        .defer_streamfields()
        .filter(start__lte=timezone.now())
        .order_by("-start")
    )
    return [
        Entry(
            "activity",
            page.title,
            _local_date(page.start),
            _url(page, request),
            page.get_activity_type_display(),
        )
        for page in pages
    ]


def _outputs(person, request):
    pages = readable(Page.objects.all(), request).values("pk")
    records = with_references(
        OutputRecord.objects.verified()
        .filter(people=person, date__lte=timezone.localdate())
        .filter(Q(evidence_page=None) | Q(evidence_page__in=pages))
        .filter(Q(workshop=None) | Q(workshop__in=pages))
        .select_related("workshop", "evidence_page")
        .order_by("-date", "-pk")
    )
    progress = current_progress() if records else []
    entries = []
    for record in records:
        detail = record.get_category_display() + (f" · {record.level.name}" if record.level else "")
        page = record.evidence_page
        entries.append(
            Entry(
                "output",
                record.title,
                record.date,
                _url(page, request) if page else "",
                detail,
                counted_toward(record, progress),
            )
        )
    return entries
