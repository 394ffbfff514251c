"""A portfolio as XLSX (openpyxl), written like the semester report (tracking.report)."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HEADING = Font(bold=True)
TINT = PatternFill("solid", fgColor="DCE6F1")


def _sheet(book, title, headers, rows, widths):
    ws = book.create_sheet(title)
    ws.append(headers)
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font, cell.fill = HEADING, TINT
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def workbook(portfolio):
    person = portfolio.person
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        "成长档案",
        ["年份", "类别", "名称", "日期", "说明", "计入目标", "链接"],
        [
            [
                entry.date.year,
                entry.kind_label,
                entry.title,
                entry.date.strftime("%Y-%m-%d"),
                entry.detail,
                "；".join(item.target.code for item in entry.targets),
                entry.url,
            ]
            for year, groups in portfolio.years
            for _label, entries in groups
            for entry in entries
        ],
        [8, 12, 40, 12, 24, 18, 40],
    )
    _sheet(
        book,
        "计入目标",
        ["编号", "年度", "学校", "方案原文", "目标值", "当前值", "完成率(%)", "状态"],
        [
            [
                item.target.code,
                item.target.year,
                item.target.school.name if item.target.school else "全区/两校",
                item.target.wording,
                item.target.figure,
                item.current_display,
                item.percent,
                item.status_label,
            ]
            for item in portfolio.targets
        ],
        [10, 8, 20, 50, 12, 12, 10, 10],
    )
    book.properties.title = f"{person.name} 成长档案"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
