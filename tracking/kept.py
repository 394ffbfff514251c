"""The 成效 figures kept in the database and brought up to date when what they count changes.

The 成效 page, the admin panel, the report and the 成长档案 read targets' progress, the
headline counts, the charts' figures and the semester's cadence from here in a few queries,
where computing them took some 25 queries over every record and page. The formulas stay in
tracking.progress and tracking.results: what is kept is what they compute, and the
`refresh_progress` command recomputes it all (tests assert kept == fresh).

When a change happens (signals below), the part it can alter is computed again in the same
transaction: a verified record the targets of its category (and the one it names), an
activity's publication the activity count and the activity cadence rules, and so on. A
change that is not verified, or a page type nothing here counts, costs nothing. The rows to
refresh are locked first: of two concurrent changes the second computes after the first has
committed, so neither's figure is lost. Bulk writes (an import, the demo, the benchmark site)
send no signals; they run inside `deferred()` or call `refresh()` once at the end.

The day matters: a record dated tomorrow counts tomorrow, an activity that starts this
afternoon counts once it has started, a period of a cadence rule finishes, a semester
begins. Targets keep the records dated after the day they were computed, and their figure on
any later day is added up when read (no recount). Activities starting later on the day are
kept with their time. The other parts (counts, cadence) are made for one day: a part made
on an earlier day is made again when read; the publish timer does that after midnight
(`refresh_progress --stale`), so a visitor does not.
"""

import contextlib
import contextvars
import datetime
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from content.models import (
    ActivityPage,
    Apprenticeship,
    ForumSessionPage,
    Level,
    ObservationNote,
    Person,
    RecordingPage,
    ResourcePage,
    School,
    Subject,
    WorkshopPage,
)
from tracking.dates import midnight
from tracking.models.cadence import CadenceRule, Scope, Source
from tracking.models.kept import KeptFigures, TargetFigure
from tracking.models.outputs import OutputRecord, OutputStatus
from tracking.models.semesters import Semester
from tracking.models.targets import Target
from tracking.progress import (
    Bucket,
    RuleCompliance,
    activity_days,
    cadence_compliance,
    figure_on,
    output_days,
    progress_of,
    target_figures,
)
from tracking.progress import target_progress as fresh_target_progress

logger = logging.getLogger(__name__)

COUNTS = "counts"
CADENCE = "cadence"
# The headline counts of live public pages, by the key kept in the counts part.
PAGE_COUNTS = {"workshops": WorkshopPage, "resources": ResourcePage, "recordings": RecordingPage}


# Reading ---------------------------------------------------------------------------------


def target_progress(today=None):
    """[TargetProgress] of every target on `today`, as tracking.progress.target_progress
    computes it: one query. A target without a kept figure (new, or written in bulk), or
    one kept for a later day than asked, is computed and its figure kept."""
    today = today or timezone.localdate()
    targets = list(Target.objects.select_related("school", "level", "measure", "kept_figure"))
    if any(_has_figure(t) and t.kept_figure.as_of > today for t in targets):
        return fresh_target_progress(today=today)  # a past day's standing (the report)
    missing = [t.pk for t in targets if not _has_figure(t)]
    fresh = {}
    if missing:
        fresh = {
            t.pk: t.kept_figure for t in _refresh_targets(Q(pk__in=missing), today, lock=False)
        }
    result = []
    for target in targets:
        kept = fresh.get(target.pk) or target.kept_figure
        upcoming = [(datetime.date.fromisoformat(d), Decimal(a)) for d, a in kept.upcoming]
        result.append(progress_of(target, figure_on(target, kept.current, upcoming, today), today))
    return result


def _has_figure(target):
    try:
        return target.kept_figure is not None
    except TargetFigure.DoesNotExist:
        return False


def page_figures(semesters, semester, today=None):
    """The counts, chart totals and cadence of the 成效 page for today, kept: two queries
    (the kept parts, the cadence rules) when they were made today for these semesters.

    `semesters`: every semester, in (start, pk) order, as `semester_spans` takes them.
    {"counts": {key: n}, "activities_by_semester": {semester pk: n},
    "outputs_by_semester": {semester pk: n}, "compliance": [RuleCompliance]}."""
    today = today or timezone.localdate()
    parts = {p.name: p for p in KeptFigures.objects.filter(name__in=(COUNTS, CADENCE))}
    counts = parts.get(COUNTS)
    spans = semester_spans(semesters)
    if counts is None or counts.as_of != today:
        counts = _refresh_counts(set(PAGE_COUNTS) | {"activities", "outputs"}, lock=False)
    elif counts.data.get("semesters") != spans:
        # Semesters edited since (their signal refreshes this; a bulk write does not).
        counts = _refresh_counts({"activities", "outputs"}, lock=False)
    data = counts.data
    activities = {int(pk): n for pk, n in data["activities_by_semester"].items()}
    started = 0
    now = timezone.now()
    for moment in map(datetime.datetime.fromisoformat, data["starting"]):
        if moment <= now:
            started += 1
            pk = _semester_of(timezone.localtime(moment).date(), spans)
            if pk is not None:
                activities[pk] = activities.get(pk, 0) + 1
    figures = {
        "counts": {
            **{key: data[key] for key in PAGE_COUNTS},
            "activities": data["activity_total"] + started,
            "outputs": data["output_total"],
        },
        "activities_by_semester": activities,
        "outputs_by_semester": {int(pk): n for pk, n in data["outputs_by_semester"].items()},
        "compliance": [],
    }
    if semester is not None:
        figures["compliance"] = _compliance(parts.get(CADENCE), semester, today)
    return figures


def semester_spans(semesters):
    """[[pk, ISO start, ISO end]] of the semesters (in (start, pk) order), as kept."""
    return [[s.pk, s.start.isoformat(), s.end.isoformat()] for s in semesters]


def _semester_of(day, spans):
    """The pk of the first semester of `spans` the day falls in, as
    tracking.results.per_semester counts it; None outside every semester."""
    day = day.isoformat()  # ISO days compare as the dates do
    for pk, start, end in spans:
        if start <= day <= end:
            return pk
    return None


def _by_semester(days, spans):
    """(total, {semester pk: n}) of (day, n) rows: the charts' figures made once per change,
    where adding up every day (some 1,150 at 5,000 activities) on each cold 成效 page was
    most of its time."""
    total, by_semester = 0, {}
    for day, n in days:
        total += n
        pk = _semester_of(day, spans)
        if pk is not None:
            by_semester[pk] = by_semester.get(pk, 0) + n
    return total, by_semester


def cadence(semester, today=None):
    """[RuleCompliance] of the semester, as tracking.progress.cadence_compliance computes it:
    kept for the current semester today, computed for any other."""
    today = today or timezone.localdate()
    if semester is None or semester != Semester.objects.current(today):
        return cadence_compliance(semester, today)
    return _compliance(KeptFigures.objects.filter(name=CADENCE).first(), semester, today)


def _compliance(kept, semester, today):
    rules = list(CadenceRule.objects.all())
    if kept is None or kept.as_of != today or kept.data.get("semester") != semester.pk:
        kept = _refresh_cadence(None, today, lock=False)
    stored = kept.data["rules"]
    missing = [rule.pk for rule in rules if str(rule.pk) not in stored]
    if missing:
        stored = _refresh_cadence(Q(pk__in=missing), today, lock=False).data["rules"]
    result = []
    for rule in rules:
        compliance = RuleCompliance(rule)
        for unit, label, start, end, count, minimum, finished in stored[str(rule.pk)]:
            start, end = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
            compliance.buckets.append(Bucket(unit, label, start, end, count, minimum, finished))
        result.append(compliance)
    return result


# Computing -------------------------------------------------------------------------------


def refresh(parts=None, today=None):
    """Compute again the given parts (see `changed`), everything by default: what the
    `refresh_progress` command and the bulk writers run."""
    parts = set(parts) if parts is not None else {"targets", "counts", "cadence"}
    today = today or timezone.localdate()
    with transaction.atomic():
        targets = _target_filter(parts)
        if targets is not None:
            _refresh_targets(targets, today)
        counts = {p.split(":", 1)[1] for p in parts if p.startswith("counts:")}
        if "counts" in parts:
            counts = set(PAGE_COUNTS) | {"activities", "outputs"}
        if counts:
            _refresh_counts(counts)
        rules = _rule_filter(parts)
        if rules is not None:
            _refresh_cadence(rules, today)


def _filter(parts, name, condition):
    """Q of what the parts name under `name`: the bare name for everything, each
    "<name>:<kind>[:<value>]" as condition(kind, value) makes it, OR-ed; None for none."""
    if name in parts:
        return Q()
    query = None
    for part in parts:
        if part.startswith(f"{name}:"):
            kind, _, value = part.removeprefix(f"{name}:").partition(":")
            q = condition(kind, value)
            query = q if query is None else query | q
    return query


def _target_condition(kind, value):
    if kind == "category":
        return Q(category=value)
    if kind == "workshop_kind":
        return ~Q(workshop_kind="")
    return Q(pk=int(kind))


def _target_filter(parts):
    """The targets the parts name: "targets", "targets:<pk>", "targets:category:<c>" (those
    counting a category), "targets:workshop_kind"."""
    return _filter(parts, "targets", _target_condition)


def _rule_condition(kind, value):
    if kind == "source":
        return Q(source=value)
    if kind == "scope":
        return Q(scope=value)
    if kind == "outputs":
        return Q(source=Source.OUTPUTS, output_category=value)
    if kind == "observations":
        return Q(include_observations=True)
    return Q(pk=int(kind))


def _rule_filter(parts):
    """The cadence rules the parts name: "cadence", "cadence:source:<s>",
    "cadence:scope:<s>", "cadence:outputs:<category>", "cadence:observations",
    "cadence:<pk>"."""
    return _filter(parts, "cadence", _rule_condition)


def _refresh_targets(query, today, lock=True):
    """Lock, compute and keep the figures of the targets matching `query`."""
    if lock:
        list(
            TargetFigure.objects.select_for_update()
            .filter(target__in=Target.objects.filter(query))
            .values_list("pk")
        )
    figures = [
        TargetFigure(
            target=target,
            current=current,
            upcoming=[(day.isoformat(), str(amount)) for day, amount in upcoming],
            as_of=today,
        )
        for target, current, upcoming in target_figures(Target.objects.filter(query), today)
    ]
    TargetFigure.objects.bulk_create(
        figures,
        update_conflicts=True,
        unique_fields=["target"],
        update_fields=["current", "upcoming", "as_of"],
    )
    for figure in figures:
        figure.target.kept_figure = figure
    return [figure.target for figure in figures]


def _locked(name, lock):
    query = KeptFigures.objects.filter(name=name)
    if lock:
        query = query.select_for_update()
    return query.first()


def _keep(name, data, today):
    part = KeptFigures(name=name, data=data, as_of=today)
    KeptFigures.objects.bulk_create(
        [part], update_conflicts=True, unique_fields=["name"], update_fields=["data", "as_of"]
    )
    return part


def _refresh_counts(keys, lock=True):
    """The counts part with the given keys counted again (all of them when it was made on
    another day): "workshops", "resources", "recordings" (live public pages, as
    tracking.results.headline_counts), "activities" (those started so far, in all and per
    semester, and the times of those starting later today), "outputs" (verified, in all
    and per semester). Both per-semester totals are counted again when the semesters
    changed since."""
    now = timezone.now()
    today = timezone.localdate(now)
    part = _locked(COUNTS, lock)
    data = dict(part.data) if part is not None and part.as_of == today else {}
    if not data:
        keys = set(PAGE_COUNTS) | {"activities", "outputs"}
    spans = semester_spans(Semester.objects.order_by("start", "pk"))
    if data.get("semesters") != spans:
        keys = set(keys) | {"activities", "outputs"}
        data["semesters"] = spans
        # Made by an earlier release: the days, summed on every read then.
        data.pop("activity_days", None)
        data.pop("output_days", None)
    for key in keys & set(PAGE_COUNTS):
        data[key] = PAGE_COUNTS[key].objects.live().public().count()
    if "activities" in keys:
        data["activity_total"], data["activities_by_semester"] = _by_semester(
            activity_days(now), spans
        )
        later = ActivityPage.objects.live().public()
        later = later.filter(start__gt=now, start__lt=midnight(today, 1))
        data["starting"] = [start.isoformat() for start in later.values_list("start", flat=True)]
    if "outputs" in keys:
        data["output_total"], data["outputs_by_semester"] = _by_semester(output_days(), spans)
    return _keep(COUNTS, data, today)


def _refresh_cadence(rules, today, lock=True):
    """The cadence part with the rules matching `rules` (a Q; None: every rule) computed
    again for the current semester (every rule when it was made on another day)."""
    part = _locked(CADENCE, lock)
    semester = Semester.objects.current(today)
    data = part.data if part is not None else {}
    if part is None or part.as_of != today or data.get("semester") != (semester and semester.pk):
        rules, data = None, {}
    stored = dict(data.get("rules", {})) if rules is not None else {}
    if semester is not None:
        chosen = CadenceRule.objects.filter(rules) if rules is not None else None
        for compliance in cadence_compliance(semester, today, chosen):
            stored[str(compliance.rule.pk)] = [
                (
                    b.unit,
                    b.label,
                    b.start.isoformat(),
                    b.end.isoformat(),
                    b.count,
                    b.minimum,
                    b.finished,
                )
                for b in compliance.buckets
            ]
    return _keep(CADENCE, {"semester": semester and semester.pk, "rules": stored}, today)


def stale(today=None):
    """Whether a part was made on another day than today (or is missing)."""
    today = today or timezone.localdate()
    made = dict(KeptFigures.objects.values_list("name", "as_of"))
    return any(made.get(name) != today for name in (COUNTS, CADENCE))


# Changes ---------------------------------------------------------------------------------

_deferred = contextvars.ContextVar("tracking_kept_deferred", default=None)


@contextlib.contextmanager
def deferred():
    """Collect the changes made inside and refresh once at the end: for bulk writes."""
    if _deferred.get() is not None:
        yield
        return
    pending = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending:
        refresh(pending)


def changed(*parts):
    """Bring the named parts up to date now, in the writer's transaction (or at the end of
    `deferred()`). A failure leaves the parts as they were and the write goes through: the
    next `refresh_progress` (the publish timer) puts them right."""
    pending = _deferred.get()
    if pending is not None:
        pending.update(parts)
        return
    try:
        with transaction.atomic():
            refresh(parts)
    except Exception:
        logger.exception("成效 figures not brought up to date: %s", ", ".join(sorted(parts)))


# What a change of each kind can alter.
ALL_PAGES = ("counts", "cadence", "targets:workshop_kind")
PAGE_PARTS = (
    (
        WorkshopPage,
        ("counts:workshops", f"cadence:scope:{Scope.WORKSHOP}", "targets:workshop_kind"),
    ),
    (ResourcePage, ("counts:resources",)),
    (RecordingPage, ("counts:recordings", "cadence:observations")),
    (ActivityPage, ("counts:activities", f"cadence:source:{Source.ACTIVITIES}")),
    (ForumSessionPage, (f"cadence:source:{Source.FORUM_SESSIONS}",)),
)


def _page_parts(page):
    for model, parts in PAGE_PARTS:
        if isinstance(page, model):
            return parts
    return ()


def _page_changed(sender, instance, **kwargs):
    parts = _page_parts(instance)
    if parts:
        changed(*parts)


def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        _page_changed(sender, instance)


def _everything_on_pages(sender, raw=False, **kwargs):
    if not raw:
        changed(*ALL_PAGES)


# The fields of a record that decide what it counts toward.
RECORD_FIELDS = (
    "status",
    "date",
    "quantity",
    "measured_value",
    "category",
    "level_id",
    "school_id",
    "workshop_id",
    "target_id",
)


def _record_loaded(sender, instance, **kwargs):
    # From __dict__: reading a deferred field (.only()) would cost a query per record.
    loaded = instance.__dict__
    instance._kept_before = (
        {f: loaded[f] for f in RECORD_FIELDS} if all(f in loaded for f in RECORD_FIELDS) else None
    )


def _record_parts(state):
    """What a record in this state counts toward, if it counts (verified)."""
    if state.get("status") != OutputStatus.VERIFIED:
        return set()
    parts = {"counts:outputs", f"cadence:outputs:{state['category']}"}
    if state["category"]:
        parts.add(f"targets:category:{state['category']}")
    if state["target_id"]:
        parts.add(f"targets:{state['target_id']}")
    return parts


def _record_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    before = {} if created else getattr(instance, "_kept_before", None)
    after = {f: getattr(instance, f) for f in RECORD_FIELDS}
    if before is None:  # loaded without its fields (.only()): assume anything changed
        before = {**after, "status": OutputStatus.VERIFIED}
    if before != after:
        parts = _record_parts(before) | _record_parts(after)
        if parts:
            changed(*parts)
    instance._kept_before = after


def _record_deleted(sender, instance, **kwargs):
    # As stored: what it counted toward (the instance may carry unsaved edits).
    state = getattr(instance, "_kept_before", None)
    parts = _record_parts(state or {f: getattr(instance, f) for f in RECORD_FIELDS})
    if parts:
        changed(*parts)


def _parts_receiver(*parts):
    def receiver(sender, raw=False, **kwargs):
        if not raw:
            changed(*parts)

    return receiver


def _target_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        changed(f"targets:{instance.pk}")


def _rule_changed(sender, instance, raw=False, action="post_save", **kwargs):
    if not raw and action.startswith("post") and isinstance(instance, CadenceRule):
        changed(f"cadence:{instance.pk}")


# Kept by strong reference: signals keep receivers weakly.
_receivers = []


def connect():
    page_published.connect(_page_changed, dispatch_uid="kept_page_published")
    page_unpublished.connect(_page_changed, dispatch_uid="kept_page_unpublished")
    post_delete.connect(_page_deleted, dispatch_uid="kept_page_deleted")
    post_page_move.connect(_everything_on_pages, dispatch_uid="kept_page_moved")
    for signal in (post_save, post_delete):
        name = (signal is post_save and "saved") or "deleted"
        signal.connect(
            _everything_on_pages, sender=PageViewRestriction, dispatch_uid=f"kept_privacy_{name}"
        )
        for model, parts in (
            (ObservationNote, ("cadence:observations",)),
            (Apprenticeship, (f"cadence:source:{Source.APPRENTICESHIPS}",)),
            (School, (f"cadence:scope:{Scope.SCHOOL}",)),
            (Subject, (f"cadence:scope:{Scope.SUBJECT}",)),
            (Person, (f"cadence:scope:{Scope.PERSON}", "cadence:observations")),
            (Level, ("targets",)),
            (Semester, ("cadence", "counts:activities", "counts:outputs")),
        ):
            receiver = _parts_receiver(*parts)
            _receivers.append(receiver)
            signal.connect(receiver, sender=model, dispatch_uid=f"kept_{model.__name__}_{name}")
        signal.connect(_rule_changed, sender=CadenceRule, dispatch_uid=f"kept_rule_{name}")
    post_init.connect(_record_loaded, sender=OutputRecord, dispatch_uid="kept_record_loaded")
    post_save.connect(_record_saved, sender=OutputRecord, dispatch_uid="kept_record_saved")
    post_delete.connect(_record_deleted, sender=OutputRecord, dispatch_uid="kept_record_deleted")
    post_save.connect(_target_saved, sender=Target, dispatch_uid="kept_target_saved")
    m2m_changed.connect(
        _rule_changed, sender=CadenceRule.subjects.through, dispatch_uid="kept_rule_subjects"
    )
