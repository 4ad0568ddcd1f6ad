"""ITU DataHub CSV input: the wide layout and the series export.

Two layouts ITU exchanges (column names in ``schemas/readers.toml`` [datahub_csv]):

* wide — ``economy, year`` and one column per indicator code of the dictionary; the cell of
  a value is its spreadsheet reference in the file (``C5`` = third column, fifth line);
* series export — ``seriesCode, entityIso, dataValue, dataYear, dataNote`` as DataHub's
  download gives them (``data/sources/itu_datahub_2025-12/``); the cell is the row.

The wide reshaping is shared with validate's earlier-vintage reader (:mod:`pipeline.datahub`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from pipeline.datahub import is_wide, melt_wide
from pipeline.dictionary import indicators
from pipeline.ingest.frame import column, reader_spec
from pipeline.ingest.longcsv import checked_rows, header_names, load_csv, text_cells
from pipeline.ingest.safety import LIMITS, Limits
from pipeline.ingest.sheet import is_blank
from pipeline.ingest.workbook import WorkbookRead

EXPORT = ("economy", "year", "indicator", "value")


def _canonical(names: list[str]) -> list[str]:
    """Economy and year columns under their canonical names; indicator codes kept as written."""
    spec = reader_spec("datahub_csv")
    aliases = {alias: key for key in ("economy", "year") for alias in spec[key]}
    return [aliases.get(name.lower(), name) for name in names]


def _export_form(names: list[str]) -> bool:
    spec = reader_spec("datahub_csv")
    lower = {name.lower() for name in names}
    return all(any(alias in lower for alias in spec[key]) for key in EXPORT)


def accepts(head: bytes) -> bool:
    """The series export's columns, or a wide table of dictionary indicator codes."""
    names = header_names(head, lower=False)
    return _export_form(names) or is_wide(_canonical(names), indicators().index)


def _wide_cells(
    frame: pd.DataFrame, source_file: str, sheet: str
) -> tuple[pd.DataFrame, pd.Series]:
    long = melt_wide(frame, indicators().index, keep_empty=True)
    long = long[~is_blank(long["value"].fillna(""))].reset_index(drop=True)
    letters = long["column"].map(lambda position: get_column_letter(position + 1))
    cells = text_cells(
        long,
        long["year"],
        economy=long["economy"].str.strip().str.upper(),
        raw=long["value"],
        indicator_raw=long["indicator"],
        source_file=source_file,
        sheet=sheet,
    )
    cells = cells.assign(cell=letters + (long["_row"] + 2).astype(str), note_cell="")
    return cells, long["year"].astype(str)


def read_datahub_csv(
    path: Path, source_file: str, known: set[str] | None = None, limits: Limits = LIMITS
) -> WorkbookRead:
    """Value cells and findings of one DataHub CSV (either layout)."""
    frame = load_csv(path, source_file, limits, lower=False)
    if isinstance(frame, WorkbookRead):
        return frame
    if not _export_form(list(frame.columns)):
        frame.columns = _canonical(list(frame.columns))
        cells, year = _wide_cells(frame, source_file, path.name)
        return checked_rows(cells, year, known)
    spec = reader_spec("datahub_csv")
    frame.columns = [name.lower() for name in frame.columns]
    frame = frame[~is_blank(column(frame, spec["value"]))]
    year = column(frame, spec["year"])
    cells = text_cells(
        frame,
        year,
        economy=column(frame, spec["economy"]).str.upper(),
        raw=column(frame, spec["value"]),
        indicator_raw=column(frame, spec["indicator"]),
        note=column(frame, spec["note"]),
        source_file=source_file,
        sheet=path.name,
    )
    return checked_rows(cells, year, known)
