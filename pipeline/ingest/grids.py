"""Cell values of the worksheets a budget scan let through, as one grid of rows per sheet.

python-calamine (Rust's calamine) reads the values about thirty times faster than openpyxl's
streaming reader; both return a formula's saved result, never evaluate it. Calamine is called
only after :mod:`pipeline.ingest.sheetxml` has counted the cells present and checked the used
range, because it builds a dense grid of that range. openpyxl (read-only mode) is the fallback
for a workbook calamine refuses but Python's zipfile reads, so such a file is still read.

Grids use openpyxl's convention for an empty cell, ``None`` (calamine gives ``''``); value cells
picked from them go through :func:`whole_numbers`, so ``2023`` reads as openpyxl reads it.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import openpyxl
import pandas as pd
from python_calamine import CalamineWorkbook

Grid = list[tuple]


def _tidy(rows: list[list]) -> Grid:
    """calamine rows with ``None`` for empty cells, trailing empty rows dropped."""
    grid = [tuple([None if value == "" else value for value in row]) for row in rows]
    while grid and all(value is None for value in grid[-1]):
        grid.pop()
    return grid


def whole_numbers(values: pd.Series) -> pd.Series:
    """Whole floats as ints, as openpyxl reads ``<v>2023</v>`` (calamine gives 2023.0)."""
    return values.map(
        lambda v: int(v) if type(v) is float and v.is_integer() and abs(v) < 2**53 else v
    )


def calamine_grids(path: Path, names: list[str]) -> dict[str, Grid]:
    """Value grids (row 1 and column A first) of the named sheets."""
    book = CalamineWorkbook.from_path(str(path))
    try:
        return {
            name: _tidy(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in names
        }
    finally:
        book.close()


def openpyxl_grids(path: Path, names: list[str], max_rows: int) -> dict[str, Grid]:
    """The same grids through openpyxl's streaming reader (slower; used as the fallback)."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        grids = {}
        for name in names:
            sheet = book[name]
            sheet.reset_dimensions()
            grids[name] = [
                tuple(row) for row in islice(sheet.iter_rows(values_only=True), max_rows)
            ]
        return grids
    finally:
        book.close()


def value_grids(path: Path, names: list[str], max_rows: int) -> dict[str, Grid]:
    """Calamine first; openpyxl when calamine cannot open the package."""
    try:
        return calamine_grids(path, names)
    except (MemoryError, RecursionError):
        raise
    except Exception:  # calamine is stricter about zip framing than zipfile and openpyxl
        return openpyxl_grids(path, names, max_rows)
