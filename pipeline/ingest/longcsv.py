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

import numpy as np
import pandas as pd

from pipeline.ingest.pending import pending
from pipeline.ingest.safety import LIMITS, Limits
from pipeline.ingest.sheet import as_year, is_blank
from pipeline.ingest.workbook import TextRows, WorkbookRead, file_finding
from pipeline.observations import DIMENSION_NAMES

REQUIRED = ("economy", "year", "indicator", "value")
#: Every column that means something; the others (such as ``unit``) are dropped on reading.
COLUMNS = (*REQUIRED, *DIMENSION_NAMES, "estimate", "break_in_series", "footnote")
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
    twice = sorted({name for name in frame.columns[frame.columns.duplicated()] if name in COLUMNS})
    if twice:
        detail = f"column(s) {', '.join(twice)} given twice"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    return frame


def text_cells(
    frame: pd.DataFrame, year: pd.Series, lines: np.ndarray | None = None, **columns: object
) -> pd.DataFrame:
    """Interpreter-frame rows of text files: one per row of ``frame`` (``row N`` cells).

    ``lines`` are the rows' line numbers in their files (default: the index + 2, the header
    being line 1), needed when ``frame`` holds the rows of several files.
    """
    empty = pd.Series("", index=frame.index, dtype=object)
    lines = frame.index.to_numpy() + 2 if lines is None else lines
    cells = pd.DataFrame(
        {
            "year": year.map(as_year).astype("Int64"),
            "cell": pd.Series(lines, index=frame.index).astype(str).radd("row "),
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


def checked_rows(cells: pd.DataFrame, year: pd.Series, known: set[str] | None) -> WorkbookRead:
    """Rows with a year and an ISO3 economy; the others, and unknown economies, reported
    (each unknown code once per file, files in batch order, codes sorted within a file)."""
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
        strangers = cells.loc[~cells["economy"].isin(known), ["source_file", "economy"]]
        strangers = strangers.drop_duplicates()
        order = pd.factorize(strangers["source_file"])[0]
        strangers = strangers.assign(value=strangers["economy"], order=order)
        strangers = strangers.sort_values(["order", "economy"], kind="stable")
        findings.append(pending("ING-UNKNOWN-ECONOMY", strangers.drop(columns="order")))
    return WorkbookRead(cells=cells.reset_index(drop=True), findings=findings)


def read_long_csv(
    path: Path, source_file: str, known: set[str] | None = None, limits: Limits = LIMITS
) -> WorkbookRead:
    """The rows of one long CSV return that hold a value, for :func:`finish` (or the
    finding why the file cannot be read)."""
    frame = _load(path, source_file, limits)
    if isinstance(frame, WorkbookRead):
        return frame
    frame = frame[~is_blank(frame["value"])]
    rows = frame[[name for name in COLUMNS if name in frame.columns]]
    return WorkbookRead(text=TextRows("long-csv", source_file, path.name, rows))


def finish(texts: list[TextRows], known: set[str] | None) -> WorkbookRead:
    """Value cells and findings of the rows of many long CSV files, in one vectorised pass."""
    frames = [text.rows for text in texts]
    lengths = [len(rows) for rows in frames]
    # an optional column a file does not have is empty text, as in the file itself
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.reindex(columns=list(COLUMNS), fill_value="").fillna("")
    lines = np.concatenate([rows.index.to_numpy() for rows in frames]) + 2

    def each_row(values: list[str]) -> np.ndarray:
        return np.repeat(np.array(values, dtype=object), lengths)

    status = _flag(frame["estimate"], "E", "estimate") + _flag(
        frame["break_in_series"], "B", "break_in_series"
    )
    cells = text_cells(
        frame,
        frame["year"],
        lines,
        economy=frame["economy"].str.strip().str.upper(),
        raw=frame["value"],
        indicator_raw=frame["indicator"].str.strip(),
        **{name: frame[name] for name in DIMENSION_NAMES},
        note=frame["footnote"].str.strip(),
        status_raw=status,
        source_file=each_row([text.source_file for text in texts]),
        sheet=each_row([text.sheet for text in texts]),
    )
    return checked_rows(cells, frame["year"], known)
