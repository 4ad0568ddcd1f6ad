"""The documented long CSV form of a return (issue #2 part 5).

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

import re
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


def _load(path: Path, source_file: str, limits: Limits) -> pd.DataFrame | WorkbookRead:
    size = path.stat().st_size
    if size > limits.file_bytes:
        return WorkbookRead(
            findings=[file_finding("ING-TOO-LARGE", source_file, detail=f"file of {size} bytes")]
        )
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=False
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        detail = f"unreadable CSV ({type(error).__name__}: {error})"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    missing = [column for column in REQUIRED if column not in frame.columns]
    if not {"indicator", "value"} & set(frame.columns):
        return WorkbookRead(findings=[file_finding("ING-NOT-A-RETURN", source_file)])
    if missing:
        detail = f"missing required column(s) {', '.join(missing)}"
        return WorkbookRead(findings=[file_finding("ING-BAD-CSV", source_file, detail=detail)])
    return frame


def read_long_csv(
    path: Path, source_file: str, known: set[str] | None = None, limits: Limits = LIMITS
) -> WorkbookRead:
    """Value cells and findings of one long CSV return."""
    frame = _load(path, source_file, limits)
    if isinstance(frame, WorkbookRead):
        return frame
    frame = frame[~is_blank(frame["value"])]
    cells = pd.DataFrame(
        {
            "economy": frame["economy"].str.strip().str.upper(),
            "year": frame["year"].map(as_year).astype("Int64"),
            "raw": frame["value"],
            "cell": "row " + (frame.index.to_series() + 2).astype(str),
            "indicator_raw": frame["indicator"].str.strip(),
            **{name: frame.get(name, pd.Series("", index=frame.index)) for name in DIMENSION_NAMES},
            "note": frame.get("footnote", pd.Series("", index=frame.index)).str.strip(),
        }
    )
    empty = pd.Series("", index=frame.index)
    cells["status_raw"] = _flag(frame.get("estimate", empty), "E", "estimate") + _flag(
        frame.get("break_in_series", empty), "B", "break_in_series"
    )
    cells = cells.assign(
        source_file=source_file,
        sheet=path.name,
        hidden=False,
        multiplier=1.0,
        multiplier_text="units",
        typed_text=False,
    )
    context = cells.assign(
        value=frame["year"],
        indicator=cells["indicator_raw"],
        detail=cells["cell"] + ": year " + frame["year"].map(repr) + " is not a year",
    )
    bad_year = cells["year"].isna()
    bad_economy = ~cells["economy"].str.fullmatch(ISO3.pattern)
    # Select before assigning: a Series assigned to an empty selection would bring back all
    # of its rows (pandas adopts the Series' index when the frame has none).
    strange = bad_economy & ~bad_year
    findings = [
        pending("ING-BAD-CSV", context[bad_year]),
        pending("ING-UNKNOWN-ECONOMY", context[strange].assign(value=cells["economy"][strange])),
    ]
    cells = cells[~bad_year & ~bad_economy]
    if known is not None:
        strangers = sorted(set(cells["economy"]) - known)
        rows = [{"source_file": source_file, "economy": e, "value": e} for e in strangers]
        findings.append(pending("ING-UNKNOWN-ECONOMY", rows))
    return WorkbookRead(cells=cells.reset_index(drop=True), findings=findings)
