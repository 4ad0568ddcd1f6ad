"""The MISR-style Excel workbook: a Contents sheet, then one styled table per sheet.

Accessibility follows the guidance statistical offices give for spreadsheets (e.g. the UK
Government Analysis Function, "Releasing statistics in spreadsheets", 2021): one table per
sheet, no merged cells, title in A1, a real header row declared as an Excel table, frozen
headers, notes as plain rows, a contents sheet with links. Footnote markers are carried by
the number format (``0.0"†"``) so every value stays a number.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.publish.layout import PublicationTable, text
from pipeline.safetext import cell_value, defuse

HEADER_ROW = 4
TITLE = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADER_BORDER = Border(bottom=Side(style="thin", color="404040"))
WRAP = Alignment(wrap_text=True, vertical="bottom")
RIGHT = Alignment(horizontal="right")
MAX_WIDTH, MIN_WIDTH = 28, 6
COLUMNS_PER_PAGE = 14


def _format(base: str, markers: str, width: int) -> str:
    """``base`` number format with the markers appended as literal text, padded to ``width``
    marker characters with Excel's ``_†`` (a space as wide as a dagger) so decimals stay
    aligned."""
    text = f'"{markers}"' if markers else ""
    return base + text + "_†" * (width - len(markers))


def _write_header(sheet: Worksheet, table: PublicationTable) -> None:
    sheet["A1"] = table.title
    sheet["A1"].font = TITLE
    sheet["A2"] = "Notes are listed below the table."
    for column, header in enumerate(table.frame.columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=str(header))
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, HEADER_BORDER, WRAP


def _write_body(sheet: Worksheet, table: PublicationTable) -> None:
    missing = text()["workbook"]["missing"]
    for column, name in enumerate(table.frame.columns, start=1):
        base = table.formats.get(name)
        values = table.frame[name].astype(object).where(table.frame[name].notna(), None)
        markers = table.markers[name].to_numpy()
        width = max((len(note) for note in markers), default=0)
        for offset, (value, note) in enumerate(zip(values.to_numpy(), markers, strict=True)):
            cell = sheet.cell(row=HEADER_ROW + 1 + offset, column=column)
            if value is None:
                cell.value, cell.alignment = (missing if base else None), RIGHT
                continue
            cell.value = cell_value(value.item() if isinstance(value, np.generic) else value)
            if base:
                cell.number_format = _format(base, note, width)


def _widths(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """Column widths from the content; the header row grows to show wrapped headers whole."""
    lines = 1
    for column, name in enumerate(frame.columns, start=1):
        sample = frame[name].astype(object).map(str).str.len()
        longest = max(int(sample.max()) if len(sample) else 0, min(len(str(name)), 18)) + 2
        width = min(MAX_WIDTH, max(MIN_WIDTH, longest))
        sheet.column_dimensions[get_column_letter(column)].width = width
        lines = max(lines, math.ceil(len(str(name)) / (width - 1)))
    sheet.row_dimensions[HEADER_ROW].height = 15 * lines


def _write_notes(sheet: Worksheet, table: PublicationTable) -> None:
    row = HEADER_ROW + len(table.frame) + 2
    sheet.cell(row=row, column=1, value="Notes").font = BOLD
    lines = table.all_notes()
    if (table.frame.isna()).to_numpy().any():
        lines.insert(len(table.notes), text()["workbook"]["missing_note"])
    for offset, line in enumerate(lines, start=1):
        sheet.cell(row=row + offset, column=1, value=cell_value(line))


def _printable(sheet: Worksheet, columns: int) -> None:
    """Landscape, a page per ~14 columns across, header row repeated on every printed page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = max(1, math.ceil(columns / COLUMNS_PER_PAGE))
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def add_table_sheet(book: Workbook, table: PublicationTable) -> Worksheet:
    """Write ``table`` on a new sheet named after it, declared as an Excel table."""
    sheet = book.create_sheet(table.name[:31])
    _write_header(sheet, table)
    _write_body(sheet, table)
    _widths(sheet, table.frame)
    _write_notes(sheet, table)
    last = get_column_letter(len(table.frame.columns))
    end = HEADER_ROW + max(len(table.frame), 1)
    excel = Table(displayName=f"T_{table.name}"[:250], ref=f"A{HEADER_ROW}:{last}{end}")
    excel.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    sheet.add_table(excel)
    first_value = 3 if "ISO3" in table.frame.columns[:2] else 2
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=first_value)
    _printable(sheet, len(table.frame.columns))
    return sheet


def _contents(book: Workbook, tables: list[PublicationTable], subtitle: str) -> None:
    sheet = book.active
    sheet.title = "Contents"
    sheet["A1"] = text()["workbook"]["title"]
    sheet["A1"].font = TITLE
    sheet["A2"] = subtitle
    sheet["B3"] = text()["workbook"]["contents_note"]
    sheet["A3"] = "About"
    for column, header in enumerate(("Sheet", "Table", "Rows"), start=1):
        cell = sheet.cell(row=HEADER_ROW + 1, column=column, value=header)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, HEADER_BORDER
    for row, table in enumerate(tables, start=HEADER_ROW + 2):
        link = sheet.cell(row=row, column=1, value=table.name)
        link.hyperlink = f"#'{table.name[:31]}'!A1"
        link.font = Font(color="0563C1", underline="single")
        sheet.cell(row=row, column=2, value=table.title)
        sheet.cell(row=row, column=3, value=len(table.frame))
    for letter, width in zip("ABC", (26, 90, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 2}"
    sheet["B3"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = 45
    _printable(sheet, 3)


def build_workbook(tables: list[PublicationTable], subtitle: str) -> Workbook:
    """A workbook with a Contents sheet and one sheet per table, in the given order."""
    book = Workbook()
    _contents(book, tables, subtitle)
    for table in tables:
        add_table_sheet(book, table)
    return book


def save_workbook(book: Workbook, path: Path) -> None:
    """Save ``book`` to ``path`` (the caller passes a temporary path for atomic writes)."""
    defuse(book).save(path)
