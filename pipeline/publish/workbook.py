"""The publication workbook, laid out as the UK Analysis Function asks of statistical tables.

Guidance followed point by point (Government Analysis Function, "Releasing statistics in
spreadsheets", 2021; the same rules gptables implements): a **cover sheet** (title, what the
workbook holds, source, coverage, shorthand, contact), a **contents** sheet with links, a
**notes** sheet numbering every note; each table on its own sheet, **starting in A1** with the
title, a line saying the sheet holds one table, the whole-table note references, the **source
line** naming the data (the ITU questionnaires of the collection round) and the shorthand used,
then the header row — declared as an Excel table, frozen, no merged cells, **nothing below
it**. Row notes are ``[note n]`` references in a **Notes column**, never symbols inside cells
or number formats; a missing value is the shorthand ``[x]``, explained on the cover and above
the table; numbers stay numbers. Workbook **properties** (title, subject, keywords, author,
language) are set. gptables was not used: it writes through xlsxwriter, a second Excel engine
beside the openpyxl that the ingest template and the validation reports use, for rules that
take a page of openpyxl here; ``tests/test_publish_workbook.py`` asserts them instead.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.publish.layout import PublicationTable, text
from pipeline.publish.notes import NoteRegistry, row_references, table_references

TITLE = Font(bold=True, size=14)
HEADING = Font(bold=True, size=12)
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
WRAP = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right")
LINK = Font(color="0563C1", underline="single")
MAX_WIDTH, MIN_WIDTH = 40, 8
COLUMNS_PER_PAGE = 14


def _fit_height(sheet: Worksheet, row: int, texts: list[str], widths: list[int]) -> None:
    """Row height for wrapped text (spreadsheet programs do not grow rows on their own)."""
    lines = max(math.ceil(len(str(t)) / max(w - 4, 1)) for t, w in zip(texts, widths, strict=True))
    sheet.row_dimensions[row].height = 15 * max(lines, 1)


def _lines_above(sheet: Worksheet, lines: list[str]) -> int:
    """Title in A1 then one line per row; returns the header row (directly below)."""
    sheet["A1"] = lines[0]
    sheet["A1"].font = TITLE
    for row, line in enumerate(lines[1:], start=2):
        sheet.cell(row=row, column=1, value=line)
    return len(lines) + 1


def _write_frame(sheet: Worksheet, frame: pd.DataFrame, header_row: int, table: str) -> None:
    """Header row, values (NaN → the missing shorthand in number columns), Excel table."""
    missing = text()["workbook"]["missing"]
    for column, name in enumerate(frame.columns, start=1):
        cell = sheet.cell(row=header_row, column=column, value=str(name))
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
        numeric = pd.api.types.is_numeric_dtype(frame[name])
        values = frame[name].astype(object).where(frame[name].notna(), None).to_numpy()
        for offset, value in enumerate(values, start=1):
            out = sheet.cell(row=header_row + offset, column=column)
            if value is None:
                out.value = missing if numeric else None
                out.alignment = RIGHT
                continue
            out.value = value.item() if isinstance(value, np.generic) else value
    last = get_column_letter(len(frame.columns))
    end = header_row + max(len(frame), 1)
    excel = Table(displayName=f"T_{table}"[:250], ref=f"A{header_row}:{last}{end}")
    excel.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    sheet.add_table(excel)


def _number_formats(sheet: Worksheet, table: PublicationTable, header_row: int) -> None:
    for column, name in enumerate(table.frame.columns, start=1):
        rows = table.row_formats.get(name)
        base = table.formats.get(name)
        if rows is None and base is None:
            continue
        for offset in range(len(table.frame)):
            cell = sheet.cell(row=header_row + 1 + offset, column=column)
            if not isinstance(cell.value, str):
                cell.number_format = rows[offset] if rows is not None else base


def _widths(sheet: Worksheet, frame: pd.DataFrame, header_row: int) -> None:
    """Column widths from the content; the header row grows to show wrapped headers whole."""
    lines = 1
    for column, name in enumerate(frame.columns, start=1):
        sample = frame[name].astype(object).map(str).str.len()
        longest = max(int(sample.max()) if len(sample) else 0, min(len(str(name)), 18)) + 2
        width = min(MAX_WIDTH, max(MIN_WIDTH, longest))
        sheet.column_dimensions[get_column_letter(column)].width = width
        lines = max(lines, math.ceil(len(str(name)) / (width - 1)))
    sheet.row_dimensions[header_row].height = 15 * lines


def _printable(sheet: Worksheet, columns: int, header_row: int) -> None:
    """Landscape, a page per ~14 columns across, header row repeated on every printed page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = max(1, math.ceil(columns / COLUMNS_PER_PAGE))
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"


def add_table_sheet(
    book: Workbook, table: PublicationTable, source: str, notes: NoteRegistry
) -> Worksheet:
    """``table`` on a new sheet named after it: lines above, the table, nothing below."""
    wording = text()["workbook"]
    sheet = book.create_sheet(table.name[:31])
    frame = table.frame
    refs = row_references(table, notes)
    if refs is not None:
        frame = frame.assign(**{wording["notes_column"]: refs.replace("", None).to_numpy()})
    lines = [table.title, wording["sheet_intro"]]
    whole = table_references(table, notes)
    if whole:
        lines.append(wording["table_notes"].format(notes=", ".join(whole)))
    lines.append(source)
    shorthand = table.frame.select_dtypes("number").isna().to_numpy().any()
    if shorthand or table.frame.isin([wording["not_applicable"]]).to_numpy().any():
        lines.append(wording["shorthand"])
    header_row = _lines_above(sheet, lines)
    _write_frame(sheet, frame, header_row, table.name)
    _number_formats(sheet, table, header_row)
    _widths(sheet, frame, header_row)
    first_value = 3 if "ISO3" in frame.columns[:2] else 2
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=first_value)
    _printable(sheet, len(frame.columns), header_row)
    return sheet


def _cover(book: Workbook, subtitle: str, source: str) -> None:
    wording = text()["workbook"]
    sheet = book.active
    sheet.title = "Cover"
    rows: list[tuple[str, Font | None]] = [(wording["title"], TITLE), (subtitle, None)]
    rows += [("About this workbook", HEADING), *((line, None) for line in wording["about"])]
    rows += [("Source", HEADING), (source, None), ("Shorthand", HEADING)]
    rows += [(wording["shorthand"], None), (wording["missing_note"], None)]
    rows += [(wording["not_applicable_note"], None)]
    rows += [("Notes", HEADING), ("Every note is numbered in the Notes worksheet.", None)]
    rows += [("Contact", HEADING), (wording["contact"], None)]
    for row, (value, font) in enumerate(rows, start=1):
        cell = sheet.cell(row=row, column=1, value=value)
        cell.font, cell.alignment = font or Font(), WRAP
        _fit_height(sheet, row, [value], [90])
    sheet.column_dimensions["A"].width = 90
    _printable(sheet, 1, 1)


def _contents(book: Workbook, tables: list[PublicationTable]) -> None:
    sheet = book.create_sheet("Contents")
    header_row = _lines_above(sheet, ["Table of contents", text()["workbook"]["sheet_intro"]])
    frame = pd.DataFrame(
        {
            "Sheet": ["Notes", *(t.name[:31] for t in tables)],
            "Table": ["Notes used in the tables", *(t.title for t in tables)],
            "Rows": [None, *(len(t.frame) for t in tables)],
        }
    )
    _write_frame(sheet, frame.astype({"Rows": "object"}), header_row, "contents")
    for row in range(header_row + 1, header_row + 1 + len(frame)):
        link = sheet.cell(row=row, column=1)
        link.hyperlink, link.font = f"#'{link.value}'!A1", LINK
    for letter, width in zip("ABC", (28, 100, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    _printable(sheet, 3, header_row)


def _notes_sheet(book: Workbook, notes: NoteRegistry) -> None:
    sheet = book.create_sheet("Notes", index=2)
    lines = ["Notes", "This worksheet contains one table. Tables refer to notes as [note n]."]
    header_row = _lines_above(sheet, lines)
    _write_frame(sheet, notes.frame(), header_row, "notes")
    frame = notes.frame()
    for offset, row in enumerate(range(header_row + 1, header_row + 1 + len(frame))):
        for column in (1, 2, 3):
            sheet.cell(row=row, column=column).alignment = WRAP
        texts = [frame.iloc[offset, 1], frame.iloc[offset, 2]]
        _fit_height(sheet, row, texts, [100, 40])
    for letter, width in zip("ABC", (12, 110, 45), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    _printable(sheet, 3, header_row)


def _properties(book: Workbook) -> None:
    wording = text()["workbook"]
    props = book.properties
    props.title, props.subject = wording["title"], wording["subject"]
    props.keywords, props.creator = wording["keywords"], wording["creator"]
    props.language = wording["language"]
    props.description = " ".join(wording["about"])


def build_workbook(tables: list[PublicationTable], subtitle: str, source: str) -> Workbook:
    """Cover, Contents, Notes, then one sheet per table in the given order."""
    book = Workbook()
    _cover(book, subtitle, source)
    _contents(book, tables)
    notes = NoteRegistry()
    for table in tables:
        add_table_sheet(book, table, source, notes)
    _notes_sheet(book, notes)
    _properties(book)
    return book


def save_workbook(book: Workbook, path: Path) -> None:
    """Save ``book`` to ``path`` (the caller passes a temporary path for atomic writes)."""
    book.save(path)
