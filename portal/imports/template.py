"""The XLSX template for the import: the importer's columns as headers, an example row, and a
drop-down list on every taxonomy column, its values kept on a hidden sheet (a list written into
the validation itself is limited to 255 characters, which the schools alone exceed)."""

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from content.importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, TAXONOMY

COLUMNS = [*REQUIRED_COLUMNS, *(c for c in OPTIONAL_COLUMNS if c != "file")]
LABELS = {
    "title": "标题",
    "summary": "简介（不超过 500 字）",
    "body": "正文（每行一段）",
    "tags": "标签（用逗号分隔）",
    **{column: label for column, (_, label) in TAXONOMY.items()},
}
WIDTHS = {"title": 30, "summary": 40, "body": 50, "tags": 20}
ROWS = 2000  # rows that get the drop-down lists
LISTS = "选项"


def values(column):
    model = TAXONOMY[column][0]
    return list(model.objects.order_by("pk").values_list("name", flat=True))


def example_row():
    """A row that imports as it is: the first value of each list."""
    row = {
        "title": "（示例）函数的奇偶性 教案",
        "summary": "奇偶性的概念与判断",
        "body": "第一段\n第二段",
        "tags": "新高考，核心素养",
    }
    for column in TAXONOMY:
        if column not in ("stage", "textbook_edition", "level"):
            names = values(column)
            row[column] = names[0] if names else ""
    return row


def workbook():
    book = Workbook()
    sheet = book.active
    sheet.title = "资源"
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    bold = Font(bold=True)
    required = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column)
        cell.font = bold
        if column in REQUIRED_COLUMNS and column not in ("stage",):
            cell.fill = required
        needed = "必填" if column in REQUIRED_COLUMNS else "选填"
        cell.comment = Comment(f"{LABELS[column]}（{needed}）", "红寺堡教育帮扶门户")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS.get(column, 14)
        if column in TAXONOMY:
            _drop_down(sheet, lists, column, letter)
    example = example_row()
    for index, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=2, column=index, value=example.get(column, ""))
    sheet.freeze_panes = "A2"
    _notes(book.create_sheet("说明"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _drop_down(sheet, lists, column, letter):
    list_column = get_column_letter(list(TAXONOMY).index(column) + 1)
    names = values(column)
    lists.cell(row=1, column=list(TAXONOMY).index(column) + 1, value=TAXONOMY[column][1])
    for row, name in enumerate(names, start=2):
        lists[f"{list_column}{row}"] = name
    last = max(len(names) + 1, 2)
    validation = DataValidation(
        type="list",
        formula1=f"'{LISTS}'!${list_column}$2:${list_column}${last}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="不在列表中",
        error=f"请从列表中选择{TAXONOMY[column][1]}",
        promptTitle=TAXONOMY[column][1],
        prompt="从下拉列表中选择",
    )
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{ROWS + 1}")


def _notes(sheet):
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 80
    lines = [
        ("列", "说明"),
        *(
            (column, LABELS[column] + ("，必填" if column in REQUIRED_COLUMNS else "，选填"))
            for column in COLUMNS
        ),
        ("", ""),
        ("学段", "不填则按年级推断，否则按学校推断，再否则为“通用”"),
        ("第一行", "列名请勿修改；第 2 行是示例，导入前请删除或改写"),
        ("全部或全不", "任何一行有错误都不会导入任何内容；预览会列出每一行的错误"),
    ]
    for row in lines:
        sheet.append(row)
    sheet["A1"].font = sheet["B1"].font = Font(bold=True)
