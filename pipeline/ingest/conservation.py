"""Conservation: every non-empty data cell becomes an observation or a finding.

:func:`data_cells` lists the non-empty data cells of a return *independently of the reader*:
it streams the workbook with formulas as text (``data_only=False``) instead of cached values,
and recognises the table by its own simple reading of the layout (header row = the row whose
column A says "Code"; every column that is not a code, label, breakdown, status or note column
holds data). :func:`uncovered` then lists the cells that ingest neither turned into an
observation nor reported. A finding covers its own cell; a finding naming a sheet but no cell
covers that sheet; an error finding naming only the file covers the file (it was not read).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

DESCRIPTIVE = re.compile(
    r"^(code|indicator|unit|sex|age|area|speed|technology|skill|note|\d{4} status)$"
)


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _sheet_cells(rows: list[tuple]) -> list[str]:
    header = next(
        (
            i
            for i, row in enumerate(rows)
            if row and isinstance(row[0], str) and row[0].strip().lower() == "code"
        ),
        None,
    )
    if header is None:
        return []
    texts = [str(v).strip().lower() if v is not None else "" for v in rows[header]]
    descriptive = {i for i, text in enumerate(texts) if DESCRIPTIVE.match(text)}
    return [
        f"{get_column_letter(c + 1)}{r + 1}"
        for r in range(header + 1, len(rows))
        for c, value in enumerate(rows[r])
        if c not in descriptive and _filled(value)
    ]


def workbook_cells(path: Path) -> set[tuple[str, str]]:
    """(sheet, cell) of every non-empty data cell of a questionnaire workbook."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        found = set()
        for sheet in book.worksheets:
            sheet.reset_dimensions()
            rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
            found |= {(sheet.title, cell) for cell in _sheet_cells(rows)}
        return found
    finally:
        book.close()


def csv_cells(path: Path) -> set[tuple[str, str]]:
    """(file name, 'row N') of every row of a long CSV return with a non-empty value."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return set()
    header = [text.strip().lower() for text in rows[0]]
    if "value" not in header:
        return set()
    position = header.index("value")
    return {
        (path.name, f"row {number}")
        for number, row in enumerate(rows[1:], start=2)
        if len(row) > position and _filled(row[position])
    }


def data_cells(path: Path) -> set[tuple[str, str]]:
    """Non-empty data cells of one return file (workbook or long CSV)."""
    return csv_cells(path) if path.suffix.lower() == ".csv" else workbook_cells(path)


def uncovered(
    cells: set[tuple[str, str]],
    source_file: str,
    observations: pd.DataFrame,
    findings: pd.DataFrame,
) -> set[tuple[str, str]]:
    """Cells of ``source_file`` that are neither an observation nor covered by a finding."""
    mine = findings[findings["source_file"] == source_file]
    sheet = mine["sheet"].fillna("")
    cell = mine["cell"].fillna("")
    if ((sheet == "") & (cell == "") & (mine["severity"] == "error")).any():
        return set()
    covered_sheets = set(sheet[(sheet != "") & (cell == "")])
    obs = observations[observations["source_file"] == source_file]
    covered = set(zip(obs["sheet"], obs["cell"], strict=True))
    covered |= set(zip(sheet, cell, strict=True))
    return {item for item in cells if item not in covered and item[0] not in covered_sheets}
