"""Questionnaire data sheets → one long table of value cells for the whole batch.

Reading happens in two steps so that the per-cell work is vectorised over the batch rather
than repeated per sheet (~400 workbooks in under 30 s):

1. :func:`plan_sheet` (per sheet, cheap): find the header row, recognise each column by its
   header text (see :mod:`pipeline.ingest.layout`; moved or inserted columns still read), read
   the header block, and report bad headers, uncached formulas and merged data cells.
2. :func:`value_cells` (once per batch): stack the bodies of all sheets into one object array
   and pick out every non-empty cell that is not a label, breakdown, status or note cell. Each
   is a value cell (passed on to :mod:`pipeline.ingest.cells`) or a stray value reported as a
   finding — nothing is dropped silently (conservation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
from openpyxl.utils import get_column_letter

from pipeline.ingest import layout
from pipeline.ingest.sheetxml import SheetXml, column_number

YEAR_RANGE = (1960, 2100)
YEAR_TEXT = re.compile(r"^\d{4}$")
STATUS_TEXT = re.compile(r"^(\d{4})" + re.escape(layout.STATUS_SUFFIX) + "$")
CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


@dataclass
class SheetColumns:
    """What each column of a data sheet holds, by 0-based column position."""

    code: int = 0
    dimensions: dict[str, int] = field(default_factory=dict)
    years: dict[int, int] = field(default_factory=dict)
    status: dict[int, int] = field(default_factory=dict)
    note: int | None = None
    labels: set[int] = field(default_factory=set)
    bad_headers: dict[int, str] = field(default_factory=dict)

    def roles(self) -> set[int]:
        """Columns that describe rows rather than hold values."""
        described = {self.code, *self.dimensions.values(), *self.status.values(), *self.labels}
        return described | ({self.note} if self.note is not None else set())


@dataclass
class SheetPlan:
    """One data sheet, understood: its columns, header block and body rows."""

    source_file: str
    sheet: str
    header_index: int
    columns: SheetColumns
    block: dict[str, object]
    body: list[tuple]
    scan: SheetXml
    economy: str = ""


def as_year(header: object) -> int | None:
    """A year column header (2024, 2024.0 or '2024') as an int, else None."""
    if isinstance(header, bool):
        return None
    if isinstance(header, int | float) and float(header).is_integer():
        year = int(header)
    elif isinstance(header, str) and YEAR_TEXT.match(header.strip()):
        year = int(header.strip())
    else:
        return None
    return year if YEAR_RANGE[0] <= year <= YEAR_RANGE[1] else None


def as_years(values: pd.Series) -> pd.Series:
    """:func:`as_year` of every value (nullable ints). A batch of text returns repeats a few
    year texts, so when every value is a text (or missing) each distinct one is read once;
    otherwise values that compare equal but read differently (1, 1.0, True) are read apart."""
    keys, distinct = pd.factorize(values)
    if not all(type(value) is str for value in distinct):
        return values.map(as_year).astype("Int64")
    years = pd.array([*map(as_year, distinct), None], dtype="Int64")
    return pd.Series(years[keys], index=values.index)  # key -1 (missing) takes the None


def is_blank(values: pd.Series) -> pd.Series:
    """True where a cell is empty: None/NaN or text of only whitespace."""
    values = pd.Series(values, dtype=object)
    return values.isna() | values.astype(str).str.strip().eq("")


def _header_text(raw: object) -> str:
    return str(raw).strip().lower() if raw is not None and raw == raw else ""


def classify_columns(header: tuple) -> SheetColumns:
    """Map the header row's texts to column roles (the result is shared: do not modify it).

    Most sheets of a batch share a few header rows, so each distinct one is classified once.
    """
    return _classify(tuple(header))


@lru_cache(maxsize=1024)
def _classify(header: tuple) -> SheetColumns:
    columns = SheetColumns()
    known_labels = {label.lower() for label in layout.LABEL_COLUMNS[1:]}
    dimension_labels = {text.lower(): name for name, text in layout.DIMENSION_HEADERS.items()}
    for position, raw in enumerate(header):
        text, year = _header_text(raw), as_year(raw)
        status = STATUS_TEXT.match(text)
        if text == layout.CODE_HEADER.lower():
            columns.code = position
        elif year is not None:
            columns.years[year] = position
        elif status:
            columns.status[int(status.group(1))] = position
        elif text in dimension_labels:
            columns.dimensions[dimension_labels[text]] = position
        elif text == layout.NOTE_HEADER.lower():
            columns.note = position
        elif text in known_labels:
            columns.labels.add(position)
        elif text:
            columns.bad_headers[position] = str(raw)
    return columns


def header_row_index(rows: list[tuple]) -> int | None:
    """0-based index of the first row whose column A reads 'Code' (anywhere on the sheet: a
    table pushed down by inserted rows must still be read, never dropped)."""
    for index, row in enumerate(rows):
        if row and _header_text(row[0]) == layout.CODE_HEADER.lower():
            return index
    return None


def header_block(rows: list[tuple], header_index: int) -> dict[str, object]:
    """Values of the header block (labels in column A, values in column B) above the table."""
    block: dict[str, object] = {}
    for row in rows[:header_index]:
        key = layout.BLOCK_LABELS.get(_header_text(row[0])) if len(row) >= 2 else None
        if key and key not in block:
            block[key] = row[1]
    return block


def plan_sheet(
    rows: list[tuple], header_index: int, sheet: str, scan: SheetXml, source_file: str
) -> tuple[SheetPlan, list[dict]]:
    """Understand one data sheet and report its structural problems (cheap, per sheet)."""
    columns = classify_columns(rows[header_index])
    context = {"source_file": source_file, "sheet": sheet}
    first_value_column = min(columns.years.values(), default=0)
    findings = [
        *(
            {**context, "code": "ING-BAD-YEAR", "value": text, "cell": _ref(header_index, c)}
            for c, text in columns.bad_headers.items()
        ),
        *_formula_findings(scan, header_index, context),
        *_merged_findings(scan, header_index, first_value_column, context),
    ]
    block = header_block(rows, header_index)
    plan = SheetPlan(
        source_file, sheet, header_index, columns, block, rows[header_index + 1 :], scan
    )
    return plan, findings


def _ref(row_index: int, column_index: int) -> str:
    return f"{get_column_letter(column_index + 1)}{row_index + 1}"


def _formula_findings(scan: SheetXml, header_index: int, context: dict) -> list[dict]:
    return [
        {**context, "code": "ING-FORMULA-NO-CACHE", "cell": ref, "value": formula}
        for ref, formula in scan.uncached_formulas.items()
        if (match := CELL_REF.match(ref)) and int(match.group(2)) > header_index + 1
    ]


def _merged_findings(
    scan: SheetXml, header_index: int, first_value_column: int, context: dict
) -> list[dict]:
    """Merged ranges reaching below the header row and into the value columns."""
    rows = []
    for ref in scan.merged:
        corners = [m for m in (CELL_REF.match(part) for part in ref.split(":")) if m]
        last_row = max((int(m.group(2)) for m in corners), default=0)
        last_column = max((column_number(m.group(1)) for m in corners), default=0)
        if last_row > header_index + 1 and last_column > first_value_column:
            rows.append(
                {**context, "code": "ING-MERGED-CELL", "cell": ref.split(":")[0], "detail": ref}
            )
    return rows
