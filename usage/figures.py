"""The usage figures the office reads (成效, the semester report): views and downloads of a
span of months by section, school, subject and month, the most-used resources and the live
resources nobody opened. A fixed number of queries however many pages and months there are:
the counters are summed in the database, grouped by (section, school, subject, month)."""

from dataclasses import dataclass, field

from django.db.models import F, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Substr

from wagtail.models import Page

from caching import fragment
from caching.shared import reference_list
from content.models import ResourcePage, School, Subject
from usage.models import MonthlyUsage

SECTION_DEPTH = 3  # root, home, then the sections (工作室, 教学资源 …)
MOST_USED = 10
NEVER_USED_SHOWN = 20
UNKNOWN = "未注明"

# The page types that name a school or a subject, by the fields' paths from a page.
SCHOOL = Coalesce(
    "page__resourcepage__school",
    "page__recordingpage__school",
    "page__activitypage__school",
    "page__workshoppage__school",
)
SUBJECT = Coalesce(
    "page__resourcepage__subject",
    "page__recordingpage__subject",
    "page__activitypage__subject",
    "page__lessonstudypage__subject",
)


def _section_key():
    return Substr("page__path", 1, Page.steplen * SECTION_DEPTH)


def section_titles():
    return fragment(
        "usage-sections",
        lambda: dict(Page.objects.filter(depth=SECTION_DEPTH).values_list("path", "title")),
    )


@dataclass
class Row:
    name: str
    views: int = 0
    downloads: int = 0

    @property
    def total(self):
        return self.views + self.downloads


@dataclass
class UsageFigures:
    first_month: object
    last_month: object
    months: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    schools: list = field(default_factory=list)
    subjects: list = field(default_factory=list)
    total: Row = field(default_factory=lambda: Row("合计"))
    unattached_downloads: int = 0  # downloads of documents no live page carries
    most_used: list = field(default_factory=list)  # [(Row, section title)]
    never_used_count: int = 0
    never_used: list = field(default_factory=list)  # [(title, section title)]

    @property
    def span(self):
        first, last = month_label(self.first_month), month_label(self.last_month)
        return first if first == last else f"{first}至{last}"

    def groups(self):
        """[(caption, what a row is, rows)], each ranked by use; months in order."""
        return [
            ("按栏目", "栏目", self.sections),
            ("按学校", "学校", self.schools),
            ("按学科/专业", "学科/专业", self.subjects),
            ("按月份", "月份", self.months),
        ]


def month_label(month):
    return f"{month.year}年{month.month}月"


def _ranked(rows):
    return sorted(rows.values(), key=lambda r: (-r.total, r.name))


def _months(first, last):
    months, month = [], first
    while month <= last:
        months.append(month)
        month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
    return months


def usage_figures(start, end, never_used_limit=NEVER_USED_SHOWN):
    """Figures for the months from `start`'s to `end`'s (dates). `never_used_limit=None`
    lists every never-used resource (the report)."""
    first, last = start.replace(day=1), end.replace(day=1)
    figures = UsageFigures(first, last)
    in_span = MonthlyUsage.objects.filter(month__gte=first, month__lte=last)
    grouped = (
        in_span.annotate(section=_section_key(), school=SCHOOL, subject=SUBJECT)
        .order_by()
        .values("section", "school", "subject", "month")
        .annotate(v=Sum("views"), d=Sum("downloads"))
    )
    titles = section_titles()
    schools = {s.pk: s.name for s in reference_list(School)}
    subjects = {s.pk: s.name for s in reference_list(Subject)}
    by = {"section": {}, "school": {}, "subject": {}}
    by_month = {m: Row(month_label(m)) for m in _months(first, last)}
    for row in grouped:
        month = by_month.setdefault(row["month"], Row(month_label(row["month"])))
        month.views += row["v"]
        month.downloads += row["d"]
        figures.total.views += row["v"]
        figures.total.downloads += row["d"]
        if row["section"] is None:  # a document's own row: no page carries it
            figures.unattached_downloads += row["d"]
            continue
        names = {
            "section": titles.get(row["section"], UNKNOWN),
            "school": schools.get(row["school"], UNKNOWN),
            "subject": subjects.get(row["subject"], UNKNOWN),
        }
        for key, name in names.items():
            item = by[key].setdefault(name, Row(name))
            item.views += row["v"]
            item.downloads += row["d"]
    figures.sections, figures.schools = _ranked(by["section"]), _ranked(by["school"])
    figures.subjects = _ranked(by["subject"])
    figures.months = [by_month[m] for m in sorted(by_month)]

    top = (
        in_span.filter(page__isnull=False)
        .order_by()
        .values("page", "page__title", "page__path")
        .annotate(v=Sum("views"), d=Sum("downloads"))
        .annotate(t=F("v") + F("d"))
        .order_by("-t", "page__title")[:MOST_USED]
    )
    figures.most_used = [
        (
            Row(r["page__title"], r["v"], r["d"]),
            titles.get(r["page__path"][: Page.steplen * SECTION_DEPTH], UNKNOWN),
        )
        for r in top
    ]

    used = in_span.filter(Q(views__gt=0) | Q(downloads__gt=0), page__isnull=False)
    never = ResourcePage.objects.live().exclude(pk__in=Subquery(used.values("page_id")))
    never = never.order_by("path").values_list("title", "path")
    if never_used_limit is None:
        listed = list(never)
        figures.never_used_count = len(listed)
    else:
        listed = list(never[:never_used_limit])
        figures.never_used_count = never.count()
    figures.never_used = [
        (title, titles.get(path[: Page.steplen * SECTION_DEPTH], UNKNOWN)) for title, path in listed
    ]
    return figures
