"""The note cap: a note longer than ``text.note_chars`` is reported and cut in the table.

A note is copied into every value of its row, so one very long note (a pasted document, or a
hostile file) would multiply into the observation table. The cut keeps the first part and an
ellipsis; the finding names the note's own cell, where the full text stays.
"""

from __future__ import annotations

import pandas as pd

from pipeline.ingest.pending import pending

ELLIPSIS = "…"


def cap_notes(cells: pd.DataFrame, cap: int) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Cells with notes cut to ``cap`` characters, and one ING-LONG-NOTE per long note cell."""
    note = cells["note"].fillna("").astype(str)
    length = note.str.len()
    long = length > cap
    if not long.any():
        return cells, []
    rows = (
        cells.loc[long, ["economy", "source_file", "sheet", "note_cell"]]
        .assign(detail=length[long].astype(str))
        .rename(columns={"note_cell": "cell"})
        .drop_duplicates(["source_file", "sheet", "cell"])
    )
    cells = cells.assign(note=note.where(~long, note.str.slice(0, cap - 1) + ELLIPSIS))
    return cells, [pending("ING-LONG-NOTE", rows)]
