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
import io
import itertools
import operator
import re
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.ingest.pending import pending
from pipeline.ingest.safety import LIMITS, Limits
from pipeline.ingest.sheet import as_years
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
    """Column names of a CSV from its first bytes (for the reader registry): the first
    record as :func:`parse_csv` reads it, so a quoted name with a line break inside is one
    name, as in the file, not the end of the header."""
    text = io.StringIO(head.decode("utf-8-sig", "replace"), newline="")
    names = [name.strip() for name in next(csv.reader(text), [])]
    return [name.lower() for name in names] if lower else names


def parse_csv(
    path: Path, source_file: str, limits: Limits, lower: bool = True
) -> tuple[list[str], list[tuple[str, ...]], np.ndarray] | WorkbookRead:
    """The header's names (stripped; lower-cased if asked), each column's fields (every
    field text) and each row's position below the header, or the finding why the file
    cannot be read.

    Python's own CSV reader (RFC 4180 quoting, any line ending; strict, so a quote left
    open, which would swallow the rest of the file into one field, or text right after a
    closing quote makes the file unreadable) rather than pandas': a return holds a few
    dozen rows, and pandas' fixed cost per file is about twenty times that of reading them.
    Blank lines are left out as they are read, so memory follows
    the rows that hold fields (positions kept: position ``i`` is line ``i + 2`` of the
    file, a field with line breaks inside quotes counting as one row), and the columns come
    transposed in C (``zip_longest``), a short row padded with empty text.
    """
    size = path.stat().st_size
    if size > limits.file_bytes:
        return WorkbookRead(
            findings=[file_finding("ING-TOO-LARGE", source_file, detail=f"file of {size} bytes")]
        )
    if csv.field_size_limit() < limits.file_bytes:  # one long note is the note cap's finding
        csv.field_size_limit(limits.file_bytes)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, [])
            # a blank line is an empty row: left out as it is read (in C), its position kept
            rows = list(filter(operator.itemgetter(1), enumerate(reader)))
    except (UnicodeDecodeError, csv.Error) as error:
        detail = f"unreadable CSV ({type(error).__name__}: {error})"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    names = [name.strip() for name in header]
    if not any(names):
        detail = "unreadable CSV (no header row on line 1)"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    positions = np.fromiter(map(operator.itemgetter(0), rows), dtype=np.int64, count=len(rows))
    body = list(map(operator.itemgetter(1), rows))
    widest = max(map(len, body), default=0)
    if widest > len(names):
        line = next(i for i, row in zip(positions, body, strict=True) if len(row) == widest) + 2
        detail = f"unreadable CSV (line {line} has {widest} fields, the header {len(names)})"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    columns = list(itertools.zip_longest(*body, fillvalue=""))
    columns += [("",) * len(body)] * (len(names) - len(columns))
    return [name.lower() for name in names] if lower else names, columns, positions


def load_csv(
    path: Path, source_file: str, limits: Limits, lower: bool = True
) -> pd.DataFrame | WorkbookRead:
    """Every field as text, one column per header name, or the finding why not."""
    parsed = parse_csv(path, source_file, limits, lower)
    if isinstance(parsed, WorkbookRead):
        return parsed
    names, columns, positions = parsed
    frame = pd.DataFrame(dict(enumerate(columns)), index=positions)
    frame.columns = names
    return frame


def _columns(
    path: Path, source_file: str, limits: Limits
) -> tuple[dict[str, tuple], np.ndarray] | WorkbookRead:
    """The fields of each meaningful column of a long CSV and the rows' positions, or the
    finding why not."""
    parsed = parse_csv(path, source_file, limits)
    if isinstance(parsed, WorkbookRead):
        return parsed
    names, columns, positions = parsed
    missing = [column for column in REQUIRED if column not in names]
    if not {"indicator", "value"} & set(names):
        detail = "no indicator or value column"
        return WorkbookRead(findings=[file_finding("ING-NOT-A-RETURN", source_file, detail=detail)])
    if missing:
        detail = f"missing required column(s) {', '.join(missing)}"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    twice = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    if twice:
        detail = f"column(s) {', '.join(twice)} given twice"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    meaningful = zip(names, columns, strict=True)
    return {name: fields for name, fields in meaningful if name in COLUMNS}, positions


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
            "year": as_years(year),
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
    """The rows of one long CSV return that hold a value, as read, for :func:`finish` (or
    the finding why the file cannot be read).

    Rows without a value are dropped here, so what is handed on (from the worker process,
    for a large file) is proportional to the values, not to the blank lines.
    """
    parsed = _columns(path, source_file, limits)
    if isinstance(parsed, WorkbookRead):
        return parsed
    columns, positions = parsed
    stripped = np.array(list(map(str.strip, columns["value"])), dtype=object)
    valued = np.flatnonzero(stripped != "")
    kept = {name: np.array(fields, dtype=object)[valued] for name, fields in columns.items()}
    return WorkbookRead(text=TextRows("long-csv", source_file, path.name, kept, positions[valued]))


def finish(texts: list[TextRows], known: set[str] | None) -> WorkbookRead:
    """Value cells and findings of the rows of many long CSV files, in one vectorised pass."""
    lengths = [text.length for text in texts]
    # an optional column a file does not have is empty text, as in the file itself (views
    # of one array of empty texts: most files lack most optional columns)
    empty = np.full(max(lengths, default=0), "", dtype=object)
    frame = pd.DataFrame(
        {
            name: np.concatenate([text.columns.get(name, empty[: text.length]) for text in texts])
            for name in COLUMNS
        }
    )
    lines = np.concatenate([text.positions for text in texts]) + 2

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
