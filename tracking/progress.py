"""Where the programme stands: target progress and cadence compliance, computed from what is
published and verified. Each function costs a fixed number of queries however many records,
activities or pages there are: rows are grouped in the database and matched in Python.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, OuterRef, Subquery, Sum
from django.utils import timezone

from content.models import (
    ActivityPage,
    Apprenticeship,
    ForumSessionPage,
    ObservationNote,
    Person,
    RecordingPage,
    School,
    Subject,
    WorkshopPage,
)
from tracking.dates import LocalDate, midnight

# From the model modules, not the package: the 成效 page (tracking.models.pages) renders with
# this module, so it is imported while the package is still being loaded.
from tracking.models.cadence import CadenceRule, Period, Scope, Source
from tracking.models.outputs import OutputRecord, OutputStatus
from tracking.models.targets import Comparison, Target, TargetKind

# The plan took effect at the start of 2023; count targets are expected to grow evenly
# from then to the end of their year.
PROGRAMME_START = datetime.date(2023, 1, 1)


class Status:
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    OPEN = "open"  # trends: no figure to reach, evidence recorded or not

    LABELS = {MET: "已达成", ON_TRACK: "推进中", BEHIND: "滞后", OPEN: "持续推进"}


@dataclass
class TargetProgress:
    target: Target
    current: Decimal
    status: str

    @property
    def met(self):
        return self.status == Status.MET

    @property
    def behind(self):
        return self.status == Status.BEHIND

    @property
    def status_label(self):
        return Status.LABELS[self.status]

    @property
    def percent(self):
        """How full the bar is, 0–100."""
        target = self.target
        if target.kind in (TargetKind.MILESTONE, TargetKind.TREND):
            return 100 if self.current else 0
        goal = target.value + (1 if target.comparison == Comparison.MORE_THAN else 0)
        if not goal:
            return 100
        return int(min(Decimal(100), self.current * 100 / goal))

    @property
    def current_display(self):
        if self.target.kind in (TargetKind.MILESTONE, TargetKind.TREND):
            return f"{int(self.current)} 项佐证" if self.current else "尚无佐证"
        number = f"{self.current:f}".rstrip("0").rstrip(".") if self.current else "0"
        return f"{number}{self.target.unit}"


def _reached(target, current):
    if target.kind in (TargetKind.MILESTONE, TargetKind.TREND):
        return current >= 1
    if target.comparison == Comparison.MORE_THAN:
        return current > target.value
    if target.comparison == Comparison.EQUAL:
        return current == target.value
    return current >= target.value


def _status(target, current, today):
    if target.kind == TargetKind.TREND:
        return Status.OPEN
    if _reached(target, current):
        return Status.MET
    due = datetime.date(target.year, 12, 31)
    if today > due:
        return Status.BEHIND
    if target.kind == TargetKind.COUNT:
        elapsed = (today - PROGRAMME_START).days / (due - PROGRAMME_START).days
        if current < int(target.value * Decimal(max(0.0, elapsed))):
            return Status.BEHIND
    return Status.ON_TRACK


def _matches(target, row):
    if row["target_id"] == target.pk:
        return True
    if not target.category or row["category"] != target.category:
        return False
    if target.school_id and row["school_id"] != target.school_id:
        return False
    if target.workshop_kind and row["workshop__kind"] != target.workshop_kind:
        return False
    if target.level_id:
        if target.level_or_higher:
            rank = row["level__sort_order"]
            return rank is not None and rank <= target.level.sort_order
        return row["level_id"] == target.level_id
    return True


def record_row(record):
    """A record as target_progress groups it, for `_matches` (its level and workshop read)."""
    return {
        "category": record.category,
        "level_id": record.level_id,
        "level__sort_order": record.level.sort_order if record.level_id else None,
        "school_id": record.school_id,
        "workshop__kind": record.workshop.kind if record.workshop_id else None,
        "target_id": record.target_id,
    }


def counted_toward(record, progress):
    """The [TargetProgress] of `progress` whose figure the record adds to: the rule by which
    target_progress counts it, so a person's 成长档案 names the targets 成效 counts it for."""
    if record.status != OutputStatus.VERIFIED:
        return []
    row = record_row(record)
    return [item for item in progress if _matches(item.target, row)]


def target_progress(targets=None, today=None):
    """[TargetProgress] for every target (or the given queryset), in two queries, counting
    the records verified and dated by today (a past day gives the standing on that day)."""
    today = today or timezone.localdate()
    return [
        TargetProgress(target, current, _status(target, current, today))
        for target, current in _currents(targets, today)
    ]


def _currents(targets, today):
    """[(target, its figure on the day)]: the formula of target_progress."""
    verified = OutputRecord.objects.filter(status=OutputStatus.VERIFIED, date__lte=today)
    latest_value = (
        verified.filter(target=OuterRef("pk"), measured_value__isnull=False)
        .order_by("-date", "-pk")
        .values("measured_value")[:1]
    )
    targets = (
        (targets if targets is not None else Target.objects.all())
        .select_related("school", "level", "measure")
        .annotate(latest_value=Subquery(latest_value))
    )
    rows = list(verified.order_by().values(*ROW_FIELDS).annotate(total=Sum("quantity")))
    result = []
    for target in targets:
        if target.kind == TargetKind.PERCENTAGE:
            current = target.latest_value or Decimal(0)
        else:
            current = Decimal(sum(row["total"] for row in rows if _matches(target, row)))
        result.append((target, current))
    return result


ROW_FIELDS = (
    "category",
    "level_id",
    "level__sort_order",
    "school_id",
    "workshop__kind",
    "target_id",
)


def target_figures(targets=None, today=None):
    """[(target, figure today, upcoming)] for tracking.kept: the figure as target_progress
    has it, and [(day, amount)] of the verified records dated after today, by day, which
    `figure_on` adds (counts) or takes as the latest value (percentages) once their day
    comes. Three queries."""
    today = today or timezone.localdate()
    later = list(
        OutputRecord.objects.filter(status=OutputStatus.VERIFIED, date__gt=today)
        .order_by("date", "pk")
        .values(*ROW_FIELDS, "date", "quantity", "measured_value")
    )
    result = []
    for target, current in _currents(targets, today):
        if target.kind == TargetKind.PERCENTAGE:
            upcoming = [
                (row["date"], row["measured_value"])
                for row in later
                if row["target_id"] == target.pk and row["measured_value"] is not None
            ]
        else:
            by_day = Counter()
            for row in later:
                if _matches(target, row):
                    by_day[row["date"]] += row["quantity"]
            upcoming = sorted(by_day.items())
        result.append((target, current, upcoming))
    return result


def figure_on(target, current, upcoming, today):
    """The figure on `today` of a target whose figure was `current` with `upcoming` to come
    (target_figures): the same as target_progress computes on that day."""
    for day, amount in upcoming:
        if day > today:
            break
        current = Decimal(amount) if target.kind == TargetKind.PERCENTAGE else current + amount
    return current


def progress_of(target, current, today):
    return TargetProgress(target, current, _status(target, current, today))


# The charts' figures ------------------------------------------------------------------


def activity_days(until):
    """(day, n) of the live public activities started by `until` (a moment)."""
    return (
        ActivityPage.objects.live()
        .public()
        .filter(start__lte=until)
        .annotate(day=LocalDate("start"))
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
    )


def output_days():
    """(day, n) of the verified output records, whatever their quantity."""
    return (
        OutputRecord.objects.filter(status=OutputStatus.VERIFIED)
        .order_by()
        .values_list("date")
        .annotate(n=Count("pk"))
    )


# Cadence ------------------------------------------------------------------------------


@dataclass
class Bucket:
    """One unit (a school, a subject, a person …) in one period."""

    unit: str
    label: str
    start: datetime.date
    end: datetime.date
    count: int
    minimum: int
    finished: bool

    @property
    def met(self):
        return self.count >= self.minimum

    @property
    def state(self):
        if self.met:
            return "met"
        return "missed" if self.finished else "pending"


@dataclass
class RuleCompliance:
    rule: CadenceRule
    buckets: list = field(default_factory=list)

    @property
    def met_count(self):
        return sum(1 for b in self.buckets if b.met)

    @property
    def status(self):
        if any(b.state == "missed" for b in self.buckets):
            return "missed"
        if any(b.state == "pending" for b in self.buckets):
            return "pending"
        return "met"

    @property
    def status_label(self):
        return {"met": "达标", "missed": "未达标", "pending": "进行中"}[self.status]

    @property
    def met(self):
        return self.status == "met"


def _month_starts(start, end):
    day = start.replace(day=1)
    while day <= end:
        yield day
        day = (day + datetime.timedelta(days=32)).replace(day=1)


def _periods(rule, semester, today):
    """(label, start, end) of each period of the rule that has begun within the semester."""
    first, last = semester.start, semester.end
    if rule.period == Period.MONTH:
        spans = [
            (f"{m.year}年{m.month}月", m, (m + datetime.timedelta(days=32)).replace(day=1))
            for m in _month_starts(first, last)
        ]
        spans = [(label, s, e - datetime.timedelta(days=1)) for label, s, e in spans]
    elif rule.period == Period.QUARTER:
        spans = []
        for m in _month_starts(first, last):
            if (m.month - 1) % 3 == 0 or m == first.replace(day=1):
                q_start = datetime.date(m.year, 3 * ((m.month - 1) // 3) + 1, 1)
                q_end = (q_start + datetime.timedelta(days=95)).replace(day=1)
                label = f"{q_start.year}年第{(q_start.month - 1) // 3 + 1}季度"
                if not spans or spans[-1][0] != label:
                    spans.append((label, q_start, q_end - datetime.timedelta(days=1)))
    elif rule.period == Period.YEAR:
        start, end = semester.school_year
        spans = [(f"{start.year}—{end.year}学年", start, end)]
    elif rule.period == Period.PROGRAMME:
        spans = [(f"截至{semester.name}", PROGRAMME_START, last)]
    else:
        spans = [(semester.name, first, last)]
    return [(label, s, e) for label, s, e in spans if s <= today]


def _units(rule, lookups):
    if rule.scope == Scope.SCHOOL:
        return [(s.pk, s.display_name) for s in lookups["schools"]]
    if rule.scope == Scope.SUBJECT:
        chosen = list(rule.subjects.all())
        return [(s.pk, s.name) for s in (chosen or lookups["subjects"])]
    if rule.scope == Scope.PERSON:
        return [(p.pk, p.name) for p in lookups["aid_members"]]
    if rule.scope == Scope.WORKSHOP:
        return [(w.pk, w.title) for w in lookups["workshops"]]
    return [(None, "全区")]


_UNIT_KEY = {
    Scope.SCHOOL: "school_id",
    Scope.SUBJECT: "subject_id",
    Scope.PERSON: "person_id",
    Scope.WORKSHOP: "workshop_id",
}


def cadence_compliance(semester, today=None, rules=None):
    """[RuleCompliance] for every cadence rule in the semester; queries do not grow with data.

    Activities, forums and outputs are counted by day in the database; Python then adds the
    days up into the rule's periods and units. Only what has happened by today counts.
    `rules`: a queryset of the rules to compute (tracking.kept computes those a change
    can alter), every rule by default.
    """
    today = today or timezone.localdate()
    rules = list(
        (rules if rules is not None else CadenceRule.objects.all()).prefetch_related("subjects")
    )
    periods = {rule.pk: _periods(rule, semester, today) for rule in rules}
    # Fetch once, for the widest span any rule looks at (a quarter or a school year can
    # reach outside the semester).
    spans = [span for spans in periods.values() for span in spans]
    window_start = min((start for _, start, _ in spans), default=semester.start)
    window_end = min(max((end for _, _, end in spans), default=semester.end), today)

    lookups = {
        "schools": list(School.objects.filter(role="aided")),
        "subjects": list(Subject.objects.filter(kind=Subject.Kind.SUBJECT)),
        "aid_members": list(Person.objects.filter(kind=Person.Kind.AID_MEMBER, live=True)),
        "workshops": list(WorkshopPage.objects.live().public().order_by("path")),
    }

    activity_days = list(
        ActivityPage.objects.live()
        .public()
        # A range on the stored datetime, not start__date: SQLite casts every row in Python
        # for __date, which took most of the 成效 page's time with 5,000 activities.
        .filter(start__gte=midnight(window_start), start__lt=midnight(window_end, 1))
        .annotate(day=LocalDate("start"))
        .order_by()
        .values("day", "activity_type", "school_id", "subject_id", "workshop_id")
        .annotate(n=Count("pk"))
    )
    forum_days = list(
        ForumSessionPage.objects.live()
        .public()
        .filter(date__gte=window_start, date__lte=window_end)
        .order_by()
        .values("date")
        .annotate(n=Count("pk"))
    )
    output_days = list(
        OutputRecord.objects.filter(
            status=OutputStatus.VERIFIED, date__gte=window_start, date__lte=window_end
        )
        .order_by()
        .values("date", "category", "school_id", "workshop_id")
        .annotate(n=Sum("quantity"))
    )
    observations = (
        _observations(window_start, window_end)
        if any(rule.include_observations for rule in rules)
        else []
    )
    pairs = list(
        Apprenticeship.objects.filter(start_date__lte=window_end)
        .order_by()
        .values("mentor_id", "apprentice_id", "start_date", "page_id")
    )

    result = []
    for rule in rules:
        events = _events(rule, activity_days, forum_days, output_days)
        if rule.include_observations:
            events += observations
        compliance = RuleCompliance(rule)
        for label, start, end in periods[rule.pk]:
            finished = end < today
            if rule.source == Source.APPRENTICESHIPS:
                counts = _apprentice_counts(pairs, end)
            else:
                counts = Counter()
                for day, key, n in events:
                    if start <= day <= end:
                        counts[key.get(_UNIT_KEY.get(rule.scope))] += n
                        counts["__all__"] += n
            for unit_pk, unit_name in _units(rule, lookups):
                count = counts["__all__"] if rule.scope == Scope.REGION else counts[unit_pk]
                compliance.buckets.append(
                    Bucket(unit_name, label, start, end, count, rule.minimum, finished)
                )
        result.append(compliance)
    return result


def _events(rule, activity_days, forum_days, output_days):
    """(day, {unit keys}, n) for what the rule counts."""
    if rule.source == Source.ACTIVITIES:
        types = set(rule.activity_types)
        return [
            (row["day"], row, row["n"]) for row in activity_days if row["activity_type"] in types
        ]
    if rule.source == Source.FORUM_SESSIONS:
        return [(row["date"], {}, row["n"]) for row in forum_days]
    if rule.source == Source.OUTPUTS:
        return [
            (row["date"], row, row["n"])
            for row in output_days
            if row["category"] == rule.output_category
        ]
    return []


def _observations(start, end):
    """(day, {unit keys}, 1) for each lesson observed on the portal (content.models.
    observations): a teacher's notes on one recording are one observation, on the day of the
    first, for the recording's school and subject and the observer's 人员 record. Live public
    recordings only, as for activities. One query; a row per observation in the window."""
    rows = (
        ObservationNote.objects.filter(recording__in=RecordingPage.objects.live().public())
        .order_by()
        .values(
            "recording_id",
            "author_id",
            "recording__school_id",
            "recording__subject_id",
            "author__person__id",
        )
        .annotate(first=Min("created_at"))
        .filter(first__gte=midnight(start), first__lt=midnight(end, 1))
    )
    return [
        (
            timezone.localtime(row["first"]).date(),
            {
                "school_id": row["recording__school_id"],
                "subject_id": row["recording__subject_id"],
                "person_id": row["author__person__id"],
            },
            1,
        )
        for row in rows
    ]


def _apprentice_counts(pairs, until):
    """Apprentices per mentor paired by the given day (a mentor's apprentice counts once)."""
    seen = defaultdict(set)
    for pair in pairs:
        if pair["start_date"] <= until:
            seen[pair["mentor_id"]].add(pair["apprentice_id"])
    return Counter({mentor: len(apprentices) for mentor, apprentices in seen.items()})
