"""Per-economy validation report workbooks, written for the focal point who must act on them.

Sheet 1 is the checklist (every rule, with items, passes, fails and not evaluable — what was
checked before what failed); sheet 2 every open finding, one row each (each row carries its
own response drop-down), sorted by severity with the source cell and the rule's plain-language
why; then a copy of each submitted questionnaire with every failing cell coloured by severity
and a comment that says what is wrong. Plain tables: one header row, frozen, sized columns.
"""

from __future__ import annotations

import tomllib
import zipfile
from collections.abc import Mapping
from copy import copy
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.findings import SEVERITY_ORDER
from pipeline.paths import SCHEMAS
from pipeline.safetext import cell_value, defuse
from pipeline.validate.messages import ui
from pipeline.validate.report_findings import findings_sheets, localised
from pipeline.values import is_missing

#: Fill colours per severity (light tones so the value stays readable).
SEVERITY_FILL = {"error": "F8B4B4", "warning": "FCE6A4", "info": "CFE2F3"}
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")

CHECKLIST_COLUMNS = ("rule_id", "label", "severity", "items", "passes", "fails", "not_evaluable")
WIDTHS = {
    "rule_id": 22,
    "label": 72,
    "message": 60,
    "why": 50,
    "source_file": 30,
    "expected": 28,
    "value": 16,
    "name": 28,
    "severity": 15,
    "breakdown": 16,
    "finding_id": 15,
    "response": 28,
}


def _table(sheet: Worksheet, frame: pd.DataFrame, lang: str, start_row: int = 1) -> None:
    """Write ``frame`` as a plain table with a styled, frozen header row."""
    for column, name in enumerate(frame.columns, start=1):
        cell = sheet.cell(row=start_row, column=column, value=ui(name, lang))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = WIDTHS.get(name, max(10, len(ui(name, lang)) + 2))
    for row in frame.itertuples(index=False):
        sheet.append([None if is_missing(v) else cell_value(v) for v in row])
    sheet.freeze_panes = sheet.cell(row=start_row + 1, column=1)
    _fit_width(sheet)
    sheet.print_title_rows = f"{start_row}:{start_row}"
    if "severity" in frame.columns:
        failing = frame["fails"] > 0 if "fails" in frame else pd.Series(True, index=frame.index)
        column = list(frame.columns).index("severity") + 1
        _colour_severity(sheet, column, start_row + 1, failing.to_numpy(), lang)


def _fit_width(sheet: Worksheet) -> None:
    """Print landscape, one page wide, so a printed or PDF report keeps its columns together."""
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def _colour_severity(sheet: Worksheet, column: int, first_row: int, failing, lang: str) -> None:
    """Colour the severity of failing rows only (a rule that passed is not a warning)."""
    fills = {ui(f"severity.{s}", lang): c for s, c in SEVERITY_FILL.items()} | SEVERITY_FILL
    cells = sheet.iter_rows(min_row=first_row, min_col=column, max_col=column)
    for (cell,), fails in zip(cells, failing, strict=False):
        colour = fills.get(str(cell.value))
        if colour and fails:
            cell.fill = PatternFill("solid", fgColor=colour)


def _checklist(summary: pd.DataFrame, economy: str, name: str, lang: str, wb: Workbook) -> None:
    sheet = wb.create_sheet(ui("Summary", lang), 0)
    sheet["A1"] = f"{ui('Validation report', lang)}: {name} ({economy})"
    sheet["A1"].font = Font(bold=True, size=14)
    table = summary.assign(
        _failed=summary["fails"] == 0, _o=summary["severity"].map(SEVERITY_ORDER)
    ).sort_values(["_failed", "_o", "rule_id"], kind="stable")
    table = table.assign(severity=table["severity"].map(lambda s: ui(f"severity.{s}", lang)))
    _table(sheet, table[list(CHECKLIST_COLUMNS)], lang, start_row=3)


def _copy_sheet(source: Worksheet, target: Worksheet) -> None:
    """Values, styles, widths, merged ranges and frozen panes of one questionnaire sheet.

    Styles are copied once per distinct source style and reused: openpyxl registers each new
    style object by a linear search, which would dominate the run time cell by cell.
    """
    styles: dict[tuple[int, ...], object] = {}
    for row in source.iter_rows():
        for cell in row:
            if cell.value is None and not cell.has_style:
                continue
            new = target.cell(row=cell.row, column=cell.column, value=cell_value(cell.value))
            if not cell.has_style:
                continue
            key = tuple(cell._style)
            if key not in styles:
                new.font, new.fill = copy(cell.font), copy(cell.fill)
                new.border, new.alignment = copy(cell.border), copy(cell.alignment)
                new.number_format = cell.number_format
                styles[key] = copy(new._style)
            new._style = copy(styles[key])
    for letter, dimension in source.column_dimensions.items():
        target.column_dimensions[letter].width = dimension.width
    for merged in source.merged_cells.ranges:
        target.merge_cells(str(merged))
    target.freeze_panes = source.freeze_panes


def _mark(sheet: Worksheet, findings: pd.DataFrame) -> None:
    """Colour each failing cell by its worst severity and attach the messages as a comment."""
    for cell_ref, group in findings.groupby("cell", sort=False):
        worst = min(group["severity"], key=SEVERITY_ORDER.get)
        cell = sheet[cell_ref]
        if type(cell).__name__ == "MergedCell":
            continue
        cell.fill = PatternFill("solid", fgColor=SEVERITY_FILL[worst])
        if isinstance(cell.value, int | float) and cell.number_format == "General":
            cell.number_format = "#,##0" if float(cell.value).is_integer() else "#,##0.0###"
            width = sheet.column_dimensions[cell.column_letter].width or 10
            sheet.column_dimensions[cell.column_letter].width = max(width, len(f"{cell.value:,}"))
        text = "\n".join(
            f"{r}: {m}" for r, m in zip(group["rule_id"], group["message"], strict=True)
        )
        comment = cell_value(text[:2000])
        cell.comment = Comment(comment, "ictstats validate", width=320, height=140)


def _copy_budget() -> int:
    """Worksheet XML a submission may hold to be copied (``schemas/ingest_budget.toml``)."""
    with (SCHEMAS / "ingest_budget.toml").open("rb") as handle:
        return int(tomllib.load(handle)["report"]["copy_xml_bytes"])


def _sheet_xml_bytes(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(i.file_size for i in archive.infolist() if i.filename.startswith("xl/"))


def _readable(path: Path) -> Workbook | None:
    """The submitted workbook with saved values (never its formulas), or None when it is not
    an .xlsx that opens or is too big to copy (ingest reports such files; the report goes on).

    ``data_only=True`` keeps each formula's cached result, so a submitter's formula is never
    live in the report; the size check keeps the full-mode load within the ingest budget.
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file() or path.is_symlink():
        return None
    try:
        if _sheet_xml_bytes(path) > _copy_budget():
            return None
        return load_workbook(path, data_only=True)
    except Exception:  # unreadable returns are reported by ingest; the report goes on
        return None


def _base_and_sources(files: list[str], raw: Path) -> tuple[Workbook, list[tuple[str, Workbook]]]:
    """The first readable questionnaire becomes the report workbook itself (its sheets kept
    as submitted, no copying); the others are copied into it."""
    books = [(name, book) for name in files if (book := _readable(raw / name)) is not None]
    if not books:
        book = Workbook()
        book.remove(book.active)
        return book, []
    return books[0][1], books


def _questionnaires(
    findings: pd.DataFrame, books: list[tuple[str, Workbook]], wb: Workbook
) -> None:
    located = findings[findings["cell"].fillna("").str.match(r"^[A-Z]{1,3}[0-9]+$")]
    for position, (name, source) in enumerate(books):
        for sheet in source.worksheets:
            if position == 0:
                target = sheet
            else:
                title = sheet.title if sheet.title not in wb.sheetnames else f"{sheet.title} (2)"
                target = wb.create_sheet(title[:31])
                _copy_sheet(sheet, target)
            _fit_width(target)
            mine = located[(located["source_file"] == name) & (located["sheet"] == sheet.title)]
            _mark(target, mine)


def table_workbook(
    frame: pd.DataFrame, title: str, lang: str, queries: pd.DataFrame | None = None
) -> Workbook:
    """A workbook holding ``frame`` as a plain styled table (batch summary), and the query
    status per economy on a second sheet when given."""
    wb = Workbook()
    wb.active.title = ui(title, lang)[:31]
    _table(wb.active, frame, lang)
    if queries is not None:
        _table(wb.create_sheet(ui("Queries", lang)[:31]), queries, lang)
    return defuse(wb)


def build_report(
    economy: str,
    name: str,
    summary: pd.DataFrame,
    findings: pd.DataFrame,
    why: Mapping[str, str],
    files: list[str],
    raw: Path,
    lang: str,
) -> Workbook:
    """The report workbook of one economy (not saved: the CLI writes it)."""
    wb, books = _base_and_sources(files, Path(raw))
    findings = localised(findings, lang)
    _questionnaires(findings, books, wb)
    _checklist(summary, economy, name, lang, wb)
    findings_sheets(findings, why, lang, wb, _table)
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is wb.worksheets[0]
    return defuse(wb)
