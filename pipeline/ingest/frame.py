"""The interpreter frame: the one table of value cells every reader hands to interpretation.

A reader (questionnaire workbook, long CSV, SDMX-CSV, DataHub CSV …) turns a file into rows
of this frame, one per non-empty value cell, and :func:`pipeline.ingest.cells.interpret`
turns the frame into observations and findings. Declaring the columns here is what makes a
new input format one module: it produces this frame and nothing downstream changes.
"""

from __future__ import annotations

import tomllib
from functools import cache

import pandas as pd

from pipeline.observations import DIMENSION_NAMES
from pipeline.paths import SCHEMAS

#: Column → meaning. ``raw`` keeps the cell as read (number or text); the parser decides.
CELL_COLUMNS: dict[str, str] = {
    "economy": "ISO3 code the value belongs to",
    "year": "data year (Int64)",
    "raw": "cell content as read: int, float or str",
    "cell": "where the value is: A1 reference, or 'row N' of a text file",
    "indicator_raw": "indicator code as written",
    **{name: f"{name} breakdown code as written ('' = total)" for name in DIMENSION_NAMES},
    "status_raw": "status letters (E estimate, B break in series) as written",
    "note": "footnote text of the value",
    "note_cell": "where the note is written (for findings about the note)",
    "source_file": "file path relative to the raw folder",
    "sheet": "sheet name, or the file name for text files",
    "hidden": "True when the cell is in a hidden row or column",
    "multiplier": "unit multiplier as a factor (NaN when not understood)",
    "multiplier_text": "unit multiplier as written",
    "typed_text": "True when a number typed as text is worth a finding (workbooks)",
}


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with exactly the declared columns, in order; a missing column is a bug."""
    missing = [column for column in CELL_COLUMNS if column not in frame.columns]
    if missing and len(frame):
        raise ValueError(f"reader frame lacks {missing}")
    return frame.reindex(columns=list(CELL_COLUMNS))


@cache
def reader_spec(section: str) -> dict:
    """How an input format's columns map onto this frame (``schemas/readers.toml``)."""
    with (SCHEMAS / "readers.toml").open("rb") as handle:
        return tomllib.load(handle)[section]


def column(frame: pd.DataFrame, names: list[str]) -> pd.Series:
    """The first of ``names`` present in ``frame`` (stripped text), else empty texts."""
    present = next((name for name in names if name in frame.columns), None)
    if present is None:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[present].astype(str).str.strip()
