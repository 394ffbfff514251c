"""The semester report for the sending units: one set of tables, written out as XLSX
(openpyxl) or shown as a printable HTML page."""

from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from content.models import ActivityPage, ActivityType
from tracking import kept
from tracking.dates import midnight
from tracking.models import (
    EvaluationScore,
    Measure,
    OutputRecord,
    OutputStatus,
    Semester,
)
from usage.counting import flush_quietly
from usage.figures import usage_figures


@dataclass
class Sheet:
    title: str
    headers: list
    rows: list
    widths: list


def _decimal(value):
    return float(value) if value is not None else None


def _day(value):
    return value.strftime("%Y-%m-%d") if value else ""


def targets_sheet(today):
    rows = []
    for item in kept.target_progress(today):
        t = item.target
        rows.append(
            [
                t.code,
                t.year,
                t.school.name if t.school else "全区/两校",
                t.get_area_display(),
                t.wording,
                t.get_kind_display(),
                t.figure,
                _decimal(item.current),
                item.percent,
                item.status_label,
                str(t.measure) if t.measure else "",
            ]
        )
    headers = ["编号", "年度", "学校", "方面", "方案原文", "类型", "目标值", "当前值", "完成率(%)"]
    headers += ["状态", "所属措施"]
    return Sheet("目标与进度", headers, rows, [9, 7, 18, 16, 50, 9, 10, 9, 9, 10, 30])


def cadence_sheet(semester, today):
    rows = []
    for compliance in kept.cadence(semester, today):
        rule = compliance.rule
        for b in compliance.buckets:
            state = {"met": "达标", "missed": "未达标", "pending": "进行中"}[b.state]
            rows.append([rule.name, rule.requirement, b.label, b.unit, b.count, b.minimum, state])
    headers = ["频次要求", "要求", "周期", "范围", "完成次数", "最低要求", "状态"]
    return Sheet("频次要求", headers, rows, [26, 26, 18, 14, 10, 10, 10])


def measures_sheet(today):
    rows = []
    measures = Measure.objects.prefetch_related("responsible_units", "funding", "spending", "notes")
    for m in measures:
        notes = sorted(m.notes.all(), key=lambda n: n.date)
        rows.append(
            [
                m.number,
                m.get_group_display(),
                m.text,
                "、".join(u.short_name or u.name for u in m.responsible_units.all()),
                m.deadline_wording or _day(m.deadline),
                m.get_status_display(),
                "是" if m.is_past_deadline(today) else "否",
                float(sum(f.amount for f in m.funding.all())),
                float(sum(s.amount for s in m.spending.all())),
                f"{_day(notes[-1].date)} {notes[-1].text}" if notes else "",
            ]
        )
    headers = ["序号", "类别", "措施内容", "责任单位", "完成时限", "状态", "逾期"]
    headers += ["计划资金(元)", "实际支出(元)", "最新进展"]
    return Sheet("措施与状态", headers, rows, [6, 10, 60, 24, 24, 14, 6, 14, 14, 40])


def outputs_sheet(semester):
    records = (
        OutputRecord.objects.filter(
            status=OutputStatus.VERIFIED, date__gte=semester.start, date__lte=semester.end
        )
        .select_related("level", "school", "workshop", "reviewed_by", "evidence_page")
        .order_by("date", "pk")
    )
    rows = [
        [
            _day(r.date),
            r.title,
            r.get_category_display(),
            r.level.name if r.level else "",
            r.school.name if r.school else "",
            r.workshop.title if r.workshop else "",
            r.quantity,
            (r.reviewed_by.get_full_name() or r.reviewed_by.get_username())
            if r.reviewed_by
            else "",
            _day(timezone.localtime(r.reviewed_at)) if r.reviewed_at else "",
            r.evidence_page.full_url if r.evidence_page else "",
        ]
        for r in records
    ]
    headers = ["日期", "名称", "类别", "级别", "学校", "工作室", "数量", "审核人", "审核日期"]
    headers += ["佐证页面"]
    return Sheet("已核实成果", headers, rows, [11, 36, 16, 8, 18, 22, 6, 10, 11, 40])


def activities_sheet(semester):
    activities = (
        ActivityPage.objects.live()
        .public()
        .filter(start__gte=midnight(semester.start), start__lt=midnight(semester.end, 1))
        .select_related("school", "subject", "workshop")
        .order_by("start")
    )
    labels = dict(ActivityType.choices)
    rows = [
        [
            _day(timezone.localtime(a.start)),
            a.title,
            str(labels.get(a.activity_type, a.activity_type)),
            a.school.name if a.school else "",
            a.subject.name if a.subject else "",
            a.workshop.title if a.workshop else "",
            a.participants,
            a.full_url,
        ]
        for a in activities
    ]
    headers = ["日期", "活动", "类型", "学校", "学科/专业", "工作室", "参与人数", "链接"]
    return Sheet("教研活动", headers, rows, [11, 36, 12, 18, 12, 22, 9, 40])


def scores_sheet():
    scores = list(EvaluationScore.objects.select_related("school", "semester"))
    baseline = {s.school_id: s.score for s in scores if s.semester.is_baseline}
    rows = []
    for s in sorted(scores, key=lambda s: (s.semester.start, s.school.sort_order)):
        base = baseline.get(s.school_id)
        change = None if base is None or s.semester.is_baseline else _decimal(s.score - base)
        rows.append(
            [s.semester.name, s.school.name, _decimal(s.score), _decimal(base), change, s.note]
        )
    headers = ["学期", "学校", "综合考评分", "基准分（2022年）", "较基准变化", "说明"]
    return Sheet("赋分评价", headers, rows, [18, 20, 12, 16, 12, 30])


def usage_sheet(semester, today):
    """Views and downloads of the semester's months so far, grouped, then the most-used
    resources and every live resource nobody opened or downloaded."""
    flush_quietly()
    figures = usage_figures(semester.start, min(semester.end, today), never_used_limit=None)
    rows = [["合计", figures.span, figures.total.views, figures.total.downloads]]
    for caption, _heading, group in figures.groups():
        rows += [[caption, row.name, row.views, row.downloads] for row in group]
    if figures.unattached_downloads:
        rows.append(["未附在页面上的文档", "", 0, figures.unattached_downloads])
    rows += [
        [f"最常用·{section}", row.name, row.views, row.downloads]
        for row, section in figures.most_used
    ]
    rows += [[f"从未使用·{section}", title, 0, 0] for title, section in figures.never_used]
    headers = ["分组", "名称", "浏览次数", "下载次数"]
    return Sheet("使用统计", headers, rows, [22, 40, 10, 10])


def build(semester, today=None):
    today = today or timezone.localdate()
    return [
        targets_sheet(min(today, semester.end)),  # a past semester's report shows its standing
        cadence_sheet(semester, today),
        measures_sheet(today),
        outputs_sheet(semester),
        activities_sheet(semester),
        scores_sheet(),
        usage_sheet(semester, today),
    ]


def workbook(semester, today=None):
    """The report as XLSX bytes: one sheet per table, headings bold on a tinted row."""
    book = Workbook()
    book.remove(book.active)
    heading = Font(bold=True)
    tint = PatternFill("solid", fgColor="DCE6F1")
    for sheet in build(semester, today):
        ws = book.create_sheet(sheet.title)
        ws.append(sheet.headers)
        for row in sheet.rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font, cell.fill = heading, tint
        for i, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    book.properties.title = f"红寺堡区教育人才“组团式”帮扶 {semester.name}报告"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def semester_named(name=None, today=None):
    """The semester by its name or id; the current one when none is given."""
    if not name:
        return Semester.objects.current(today)
    found = Semester.objects.filter(name=name).first()
    if found is None and str(name).isdigit():
        found = Semester.objects.filter(pk=int(name)).first()
    return found
