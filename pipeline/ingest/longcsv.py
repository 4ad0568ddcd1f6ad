"""The documented long CSV form of a return.

Some offices export from a database rather than fill the workbook. A long CSV has one row per
value, UTF-8 (a BOM is fine), comma-separated, with a header row:

* required: ``economy`` (ISO3), ``year``, ``indicator`` (dictionary code), ``value``;
* optional: ``sex``, ``age``, ``area``, ``speed``, ``technology``, ``skill`` (codes as in the
  template; empty = ``_T``), ``estimate`` and ``break_in_series`` (true/false, 1/0, yes/no),
  ``footnote`` (text). Other columns (such as ``unit``) are ignored: the dictionary's unit
  is authoritative. Values are never scaled.

Values go through the same text-number parser and cell checks as workbook cells (plain
numbers such as ``1234.5`` are not reported, since a CSV holds only text). The sheet of a CSV
value is the file name and its cell is ``row N``, N the line number in the file (header = 1).
"""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

import pandas as pd

from pipeline.ingest.pending import pending
from pipeline.ingest.safety import LIMITS, Limits
from pipeline.ingest.sheet import as_year, is_blank
from pipeline.ingest.workbook import WorkbookRead, file_finding
from pipeline.observations import DIMENSION_NAMES

REQUIRED = ("economy", "year", "indicator", "value")
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "x"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n"})
ISO3 = re.compile(r"^[A-Z]{3}$")


def _flag(text: pd.Series, letter: str, column: str) -> pd.Series:
    """Status letter for true, '' for false, ``column=text`` (reported later) otherwise."""
    lower = text.str.strip().str.lower()
    return (
        lower.isin(TRUE_WORDS)
        .map({True: letter, False: ""})
        .where(lower.isin(TRUE_WORDS | FALSE_WORDS), f"{column}=" + text)
    )


def header_names(head: bytes, lower: bool = True) -> list[str]:
    """Column names of a CSV from its first bytes (for the reader registry)."""
    line = head.decode("utf-8-sig", "replace").splitlines()[:1]
    names = [name.strip() for name in next(csv.reader(line), [])]
    return [name.lower() for name in names] if lower else names


def load_csv(
    path: Path, source_file: str, limits: Limits, lower: bool = True
) -> pd.DataFrame | WorkbookRead:
    """Every field as text (column names lower-cased), or the finding why not."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        return WorkbookRead(
            findings=[file_finding("ING-TOO-LARGE", source_file, detail=f"file of {size} bytes")]
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                skip_blank_lines=False,
                index_col=False,  # a row with an extra field must not become the index
            )
    except (
        UnicodeDecodeError,
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        pd.errors.ParserWarning,
    ) as error:
        detail = f"unreadable CSV ({type(error).__name__}: {error})"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    names = [str(column).strip() for column in frame.columns]
    frame.columns = [name.lower() for name in names] if lower else names
    return frame


def _load(path: Path, source_file: str, limits: Limits) -> pd.DataFrame | WorkbookRead:
    frame = load_csv(path, source_file, limits)
    if isinstance(frame, WorkbookRead):
        return frame
    missing = [column for column in REQUIRED if column not in frame.columns]
    if not {"indicator", "value"} & set(frame.columns):
        detail = "no indicator or value column"
        return WorkbookRead(findings=[file_finding("ING-NOT-A-RETURN", source_file, detail=detail)])
    if missing:
        detail = f"missing required column(s) {', '.join(missing)}"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    return frame


def text_cells(frame: pd.DataFrame, year: pd.Series, **columns: object) -> pd.DataFrame:
    """Interpreter-frame rows of a text file: one per row of ``frame`` (``row N`` cells)."""
    empty = pd.Series("", index=frame.index, dtype=object)
    cells = pd.DataFrame(
        {
            "year": year.map(as_year).astype("Int64"),
            "cell": "row " + (frame.index.to_series() + 2).astype(str),
            **{name: empty for name in DIMENSION_NAMES},
            "note": empty,
            "status_raw": empty,
            "hidden": False,
            "multiplier": 1.0,
            "multiplier_text": "units",
            "typed_text": False,
        },
        index=frame.index,
    )
    cells = cells.assign(**columns)
    return cells.assign(note_cell=cells["cell"])


def checked_rows(
    cells: pd.DataFrame, year: pd.Series, known: set[str] | None, source_file: str
) -> WorkbookRead:
    """Rows with a year and an ISO3 economy; the others, and unknown economies, reported."""
    context = cells.assign(
        value=year,
        indicator=cells["indicator_raw"],
        detail=cells["cell"] + ": year " + year.map(repr) + " is not a year",
    )
    bad_year = cells["year"].isna()
    bad_economy = ~cells["economy"].astype(str).str.fullmatch(ISO3.pattern).fillna(False).astype(
        bool
    )
    findings = [
        pending("ING-BAD-CSV", context[bad_year]),
        pending(
            "ING-UNKNOWN-ECONOMY",
            # the value from the selected rows themselves: assigning a whole column to an
            # empty selection would give it that column's rows
            context[bad_economy & ~bad_year].assign(value=lambda rows: rows["economy"]),
        ),
    ]
    cells = cells[~bad_year & ~bad_economy]
    if known is not None:
        strangers = sorted(set(cells["economy"]) - known)
        rows = [{"source_file": source_file, "economy": e, "value": e} for e in strangers]
        findings.append(pending("ING-UNKNOWN-ECONOMY", rows))
    return WorkbookRead(cells=cells.reset_index(drop=True), findings=findings)


def read_long_csv(
    path: Path, source_file: str, known: set[str] | None = None, limits: Limits = LIMITS
) -> WorkbookRead:
    """Value cells and findings of one long CSV return."""
    frame = _load(path, source_file, limits)
    if isinstance(frame, WorkbookRead):
        return frame
    frame = frame[~is_blank(frame["value"])]
    empty = pd.Series("", index=frame.index, dtype=object)
    status = _flag(frame.get("estimate", empty), "E", "estimate") + _flag(
        frame.get("break_in_series", empty), "B", "break_in_series"
    )
    cells = text_cells(
        frame,
        frame["year"],
        economy=frame["economy"].str.strip().str.upper(),
        raw=frame["value"],
        indicator_raw=frame["indicator"].str.strip(),
        **{name: frame.get(name, empty) for name in DIMENSION_NAMES},
        note=frame.get("footnote", empty).str.strip(),
        status_raw=status,
        source_file=source_file,
        sheet=path.name,
    )
    return checked_rows(cells, frame["year"], known, source_file)
