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
import itertools
import re
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


def parse_csv(
    path: Path, source_file: str, limits: Limits, lower: bool = True
) -> tuple[list[str], list[tuple[str, ...]]] | WorkbookRead:
    """The header's names (stripped; lower-cased if asked) and each column's fields, every
    field text, or the finding why the file cannot be read.

    Python's own CSV reader (RFC 4180 quoting, any line ending) rather than pandas': a
    return holds a few dozen rows, and pandas' fixed cost per file is about twenty times
    that of reading them. The columns come transposed in C (``zip_longest``), a short row
    (a blank line included) padded with empty text, so position ``i`` of every column is
    line ``i + 2`` of the file (fields with line breaks inside quotes count as one row).
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
            rows = list(csv.reader(handle))
    except (UnicodeDecodeError, csv.Error) as error:
        detail = f"unreadable CSV ({type(error).__name__}: {error})"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    names = [name.strip() for name in rows[0]] if rows else []
    if not any(names):
        detail = "unreadable CSV (no header row on line 1)"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    body = rows[1:]
    widest = max(map(len, body), default=0)
    if widest > len(names):
        line = next(i for i, row in enumerate(body) if len(row) == widest) + 2
        detail = f"unreadable CSV (line {line} has {widest} fields, the header {len(names)})"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    columns = list(itertools.zip_longest(*body, fillvalue=""))
    columns += [("",) * len(body)] * (len(names) - len(columns))
    return [name.lower() for name in names] if lower else names, columns


def load_csv(
    path: Path, source_file: str, limits: Limits, lower: bool = True
) -> pd.DataFrame | WorkbookRead:
    """Every field as text, one column per header name, or the finding why not."""
    parsed = parse_csv(path, source_file, limits, lower)
    if isinstance(parsed, WorkbookRead):
        return parsed
    names, columns = parsed
    frame = pd.DataFrame(dict(enumerate(columns)), index=pd.RangeIndex(len(columns[0])))
    frame.columns = names
    return frame


def _columns(path: Path, source_file: str, limits: Limits) -> dict[str, tuple] | WorkbookRead:
    """The fields of each meaningful column of a long CSV, or the finding why not."""
    parsed = parse_csv(path, source_file, limits)
    if isinstance(parsed, WorkbookRead):
        return parsed
    names, columns = parsed
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
    return {name: fields for name, fields in zip(names, columns, strict=True) if name in COLUMNS}


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
    """The fields of one long CSV return, for :func:`finish` (or the finding why the file
    cannot be read)."""
    columns = _columns(path, source_file, limits)
    if isinstance(columns, WorkbookRead):
        return columns
    return WorkbookRead(text=TextRows("long-csv", source_file, path.name, columns))


def finish(texts: list[TextRows], known: set[str] | None) -> WorkbookRead:
    """Value cells and findings of the rows of many long CSV files, in one vectorised pass
    (rows without a value are dropped here, for all files at once)."""
    lengths = [text.length for text in texts]
    # an optional column a file does not have is empty text, as in the file itself
    frame = pd.DataFrame(
        {
            name: list(
                itertools.chain.from_iterable(
                    text.columns.get(name) or ("",) * text.length for text in texts
                )
            )
            for name in COLUMNS
        },
        dtype=object,
    )
    lines = np.arange(len(frame)) - np.repeat(np.cumsum([0, *lengths[:-1]]), lengths) + 2

    def each_row(values: list[str]) -> np.ndarray:
        return np.repeat(np.array(values, dtype=object), lengths)

    source_file = each_row([text.source_file for text in texts])
    sheet = each_row([text.sheet for text in texts])
    kept = ~is_blank(frame["value"]).to_numpy()
    frame = frame[kept].reset_index(drop=True)
    status = _flag(frame["estimate"], "E", "estimate") + _flag(
        frame["break_in_series"], "B", "break_in_series"
    )
    cells = text_cells(
        frame,
        frame["year"],
        lines[kept],
        economy=frame["economy"].str.strip().str.upper(),
        raw=frame["value"],
        indicator_raw=frame["indicator"].str.strip(),
        **{name: frame[name] for name in DIMENSION_NAMES},
        note=frame["footnote"].str.strip(),
        status_raw=status,
        source_file=source_file[kept],
        sheet=sheet[kept],
    )
    return checked_rows(cells, frame["year"], known)
