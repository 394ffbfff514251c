"""What the 成效 page and the semester report show, gathered in one place."""

from collections import defaultdict

from django.template.loader import render_to_string
from django.utils import timezone

from caching import fragment
from content.models import ActivityPage, RecordingPage, ResourcePage, School, WorkshopPage
from tracking import kept
from tracking.charts import bar_chart, line_chart
from tracking.labels import choice_label

# From the model modules, not the package: the 成效 page (tracking.models.pages) renders with
# this module, so it is imported while the package is still being loaded.
from tracking.models.outputs import OutputRecord
from tracking.models.scores import EvaluationScore
from tracking.models.semesters import Semester
from tracking.models.targets import Area
from tracking.progress import (
    Status,
    activity_days,
    cadence_compliance,
    output_days,
    target_progress,
)
from usage.counting import flush_quietly
from usage.figures import usage_figures

SCORES_PERMISSION = "tracking.view_evaluationscore"
# What the public figures are made of (caching.generations): tracking records, and the
# sections whose pages they count (headline counts, cadence); not news.
RESULTS_SCOPES = ("tracking", "resources", "recordings", "activities", "workshops", "forum")


def short_semester(semester):
    """2023年秋季学期 → 23秋: short enough for a chart axis on a phone."""
    return semester.name.replace("季学期", "").split("年")[0][2:] + semester.name[5]


def progress_groups(progress):
    """[(school name, [(area label, [TargetProgress])])]: the aided schools, then region-wide."""
    by_school = defaultdict(lambda: defaultdict(list))
    for item in progress:
        by_school[item.target.school][item.target.area].append(item)
    order = sorted(
        by_school, key=lambda s: (s is None, s.sort_order if s else 0, s.name if s else "")
    )
    areas = list(Area)
    return [
        (
            school.name if school else "全区及两校共同目标",
            [
                (choice_label(Area, area), by_school[school][area.value])
                for area in areas
                if by_school[school][area.value]
            ],
        )
        for school in order
    ]


def headline_counts(counts=None):
    """Counts of live, public pages only: a private page is never counted, let alone named.
    `counts`: as tracking.kept keeps them ({key: n}); computed here without."""
    if counts is not None:
        return [
            ("工作室", counts["workshops"], "个"),
            ("教学资源", counts["resources"], "份"),
            ("课堂实录", counts["recordings"], "节"),
            ("教研活动", counts["activities"], "场"),
            ("已核实成果", counts["outputs"], "项"),
        ]
    return [
        ("工作室", WorkshopPage.objects.live().public().count(), "个"),
        ("教学资源", ResourcePage.objects.live().public().count(), "份"),
        ("课堂实录", RecordingPage.objects.live().public().count(), "节"),
        (
            "教研活动",
            ActivityPage.objects.live().public().filter(start__lte=timezone.now()).count(),
            "场",
        ),
        ("已核实成果", OutputRecord.objects.verified().count(), "项"),
    ]


def per_semester(semesters, days):
    """Sum (day, n) rows into the semesters they fall in."""
    totals = [0] * len(semesters)
    for day, n in days:
        for i, semester in enumerate(semesters):
            if semester.contains(day):
                totals[i] += n
                break
    return [(short_semester(s), t) for s, t in zip(semesters, totals, strict=True)]


def activity_series(semesters):
    return per_semester(semesters, activity_days(timezone.now()))


def output_series(semesters):
    return per_semester(semesters, output_days())


def score_table(semesters):
    """[(semester, [(score, change from baseline) per aided school])], and the schools."""
    schools = list(School.objects.filter(role="aided"))
    scores = {(s.school_id, s.semester_id): s.score for s in EvaluationScore.objects.all()}
    baseline = next((s for s in semesters if s.is_baseline), None)
    base = {
        school.pk: scores.get((school.pk, baseline.pk)) if baseline else None for school in schools
    }
    rows = []
    for semester in semesters:
        cells = []
        for school in schools:
            score = scores.get((school.pk, semester.pk))
            change = (
                score - base[school.pk]
                if score is not None and base[school.pk] is not None
                else None
            )
            cells.append((score, change))
        if any(score is not None for score, _ in cells):
            rows.append((semester, cells))
    return schools, rows


def current_semester(semesters, today):
    """Semester.objects.current from the semesters begun by today, in start order."""
    containing = [s for s in semesters if s.contains(today)]
    return (containing or semesters or [None])[-1]


def _figures(semesters, semester, progress, counts, compliance, activity, outputs):
    return {
        "semesters": semesters,
        "semester": semester,
        "progress_groups": progress_groups(progress),
        "target_total": len(progress),
        "target_met": sum(1 for p in progress if p.met),
        "target_behind": sum(1 for p in progress if p.behind),
        "headline_counts": counts,
        "compliance": compliance,
        "activity_chart": bar_chart(activity, "每学期教研活动场次", "场"),
        "output_chart": bar_chart(outputs, "每学期核实成果数", "项"),
    }


def public_figures(today):
    """Everything the page shows everyone, from the figures tracking.kept keeps up to date
    (four queries). Made once per day and generation: the tracking records, pages and
    semesters it is made of all purge the page cache."""
    every_semester = list(Semester.objects.order_by("start", "pk"))
    semesters = [s for s in every_semester if s.start <= today]
    semester = current_semester(semesters, today)
    figures = kept.page_figures(every_semester, semester, today)
    return _figures(
        semesters,
        semester,
        kept.target_progress(today),
        headline_counts(figures["counts"]),
        figures["compliance"],
        semester_totals(semesters, figures["activities_by_semester"]),
        semester_totals(semesters, figures["outputs_by_semester"]),
    )


def semester_totals(semesters, totals):
    """per_semester's rows from totals kept by semester pk."""
    return [(short_semester(s), totals.get(s.pk, 0)) for s in semesters]


def fresh_public_figures(today):
    """public_figures computed from the records and pages, without what is kept: what the
    tests compare the kept figures with."""
    semesters = [s for s in Semester.objects.order_by("start", "pk") if s.start <= today]
    semester = Semester.objects.current(today)
    return _figures(
        semesters,
        semester,
        target_progress(today=today),
        headline_counts(),
        cadence_compliance(semester, today) if semester else [],
        activity_series(semesters),
        output_series(semesters),
    )


def public_part(today):
    """The public figures as HTML, the same for every visitor, with the semesters the
    office's part needs: one fragment. The figures themselves are not kept beside it:
    pickling their 70 targets with their schools, levels and measures for the shared cache
    cost a cold page more than computing them."""
    figures = public_figures(today)
    return {
        # 70 targets with their figures were 10 ms of template work on each view.
        "figures_html": render_to_string("tracking/results_figures.html", figures),
        "semesters": figures["semesters"],
        "semester": figures["semester"],
    }


def results_context(request):
    today = timezone.localdate()
    context = dict(
        fragment(
            f"results-public:{today.isoformat()}",
            lambda: public_part(today),
            scopes=RESULTS_SCOPES,
        )
    )
    semesters = context.pop("semesters")
    context.update(
        {
            "show_scores": request.user.has_perm(SCORES_PERMISSION),
            "status_labels": Status.LABELS,
        }
    )
    if context["show_scores"]:
        schools, rows = score_table(semesters)
        context["score_schools"] = schools
        context["score_rows"] = rows
        context["score_chart"] = line_chart(
            [short_semester(s) for s, _ in rows],
            [
                (school.display_name, [cells[i][0] for _, cells in rows])
                for i, school in enumerate(schools)
            ],
            "各受援学校赋分评价",
        )
        # The office's too (the same permission as the scores and the report): how much the
        # semester's readers used the site, views served from the page cache included.
        semester = context["semester"]
        if semester is not None:
            flush_quietly()
            context["usage"] = usage_figures(semester.start, min(semester.end, today))
    return context
