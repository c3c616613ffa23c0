"""Tables and the anonymised dataset as CSV and XLSX files.

CSV: comma-separated, UTF-8; numbers with a dot, percentages and durations rounded to one
decimal, nothing for "no value". XLSX (openpyxl): one sheet per table after a sheet
saying what the file covers; numbers stay numbers, with their format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.i18n import MOROCCO_TZ
from bot.reports import labels
from bot.reports.filters import Scope
from bot.reports.tables import COUNT, HOURS, MINUTES, NUMBER, PERCENT, Report, Table

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
_ROUNDED = frozenset({PERCENT, MINUTES, HOURS, NUMBER})
_NUMBER_FORMATS = {COUNT: "#,##0", PERCENT: "0.0", MINUTES: "0.0", HOURS: "0.0", NUMBER: "0.0"}
SHEET_NAME_LIMIT = 31  # Excel's


def cell(value: object, kind: str) -> object:
    """A value as exported: rounded to one decimal where it is a measure."""
    if value is None:
        return None
    if kind in _ROUNDED and isinstance(value, float):
        return round(value, 1)
    return value


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def table_rows(table: Table) -> Iterator[list[object]]:
    """The header (column titles), then the rows, rounded."""
    yield [column.title for column in table.columns]
    for row in table.rows:
        yield [cell(value, column.kind) for value, column in zip(row, table.columns, strict=True)]


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return buffer.getvalue()


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """CSV line by line, for a long dataset sent as it is read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def table_csv(table: Table) -> str:
    return csv_text(table_rows(table))


def scope_lines(scope: Scope) -> list[tuple[str, str]]:
    """What a file covers, in words, for its first sheet (or the CLI's summary)."""
    if scope.provinces is None:
        provinces = "toutes"
    else:
        provinces = ", ".join(labels.province(code) for code in scope.provinces) or "aucune"
    return [
        ("Période", scope.period.label()),
        ("Provinces", provinces),
        ("Partenaire", scope.partner or "tous"),
    ]


def _sheet_title(key: str, used: set[str]) -> str:
    title = key[:SHEET_NAME_LIMIT]
    n = 2
    while title in used:
        suffix = f"~{n}"
        title = key[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _write_table(workbook: Workbook, table: Table, used: set[str]) -> None:
    sheet = workbook.create_sheet(_sheet_title(table.key, used))
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    if table.note:
        sheet.append([table.note])
    sheet.append([])
    header_row = sheet.max_row + 1
    for n, row in enumerate(table_rows(table)):
        sheet.append(row)
        if n == 0:
            for item in sheet[header_row]:
                item.font = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(40, len(column.title) + 2))
        number_format = _NUMBER_FORMATS.get(column.kind)
        if number_format:
            for (item,) in sheet.iter_rows(
                min_row=header_row + 1, min_col=index, max_col=index, max_row=sheet.max_row
            ):
                item.number_format = number_format
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def tables_xlsx(report: Report, tables: Sequence[Table] | None = None) -> bytes:
    """A workbook: what it covers, then one sheet per table (all the report's by default)."""
    workbook = Workbook()
    about = workbook.active
    about.title = "rapport"
    about.append(["Min Ajliki — rapport"])
    about["A1"].font = Font(bold=True)
    for name, value in scope_lines(report.scope):
        about.append([name, value])
    generated = report.generated_at.astimezone(MOROCCO_TZ).strftime("%d/%m/%Y %H:%M")
    about.append(["Produit le", generated])
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 40
    used = {about.title}
    for table in tables if tables is not None else report.tables:
        about.append([table.key, table.title])
        _write_table(workbook, table, used)
    return _save(workbook)


def dataset_xlsx(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A long dataset in one sheet, written row by row (openpyxl's write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("dataset")
    sheet.append(list(columns))
    for row in rows:
        sheet.append(list(row))
    return _save(workbook)


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_report(report: Report, fmt: str, out: Path) -> list[Path]:
    """The report on disk: one workbook (`out` a file), or one CSV per table (`out` a
    directory, made if missing). Returns the files written."""
    if fmt == "xlsx":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(tables_xlsx(report))
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in report:
        path = out / f"{table.key}.csv"
        path.write_text(table_csv(table), encoding="utf-8")
        written.append(path)
    return written
