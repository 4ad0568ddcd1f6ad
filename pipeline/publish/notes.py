"""Numbered notes of the workbook: ``[note n]`` references instead of symbols in cells.

The UK Government Analysis Function guidance "Releasing statistics in spreadsheets" (2021,
§ "Notes") asks for notes to be listed in a notes worksheet, each with a number, and to be
referenced as ``[note n]`` in a title, a column header or a separate notes column — never as
a symbol attached to a value or hidden in a number format (it is lost when values are pasted
and not read out by screen readers). :class:`NoteRegistry` numbers each distinct note text once
across the workbook, in order of first use, and remembers which sheets refer to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from pipeline.publish.layout import PublicationTable, marker_texts


@dataclass
class NoteRegistry:
    """Note texts in number order and the sheets that refer to each."""

    texts: list[str] = field(default_factory=list)
    sheets: dict[str, list[str]] = field(default_factory=dict)

    def ref(self, text: str, sheet: str) -> str:
        """``[note n]`` of ``text`` (numbered on first use), recording ``sheet`` as a user."""
        if text not in self.texts:
            self.texts.append(text)
            self.sheets[text] = []
        if sheet not in self.sheets[text]:
            self.sheets[text].append(sheet)
        return f"[note {self.texts.index(text) + 1}]"

    def frame(self) -> pd.DataFrame:
        """The Notes sheet's table: note number, text and the sheets that use it."""
        return pd.DataFrame(
            {
                "Note number": [f"note {n}" for n in range(1, len(self.texts) + 1)],
                "Note text": self.texts,
                "Used in": [", ".join(self.sheets[t]) for t in self.texts],
            }
        )


def row_references(table: PublicationTable, registry: NoteRegistry) -> pd.Series | None:
    """``[note a] [note b]`` per row for the markers anywhere in the row; None when the table
    has no marker (no Notes column then)."""
    used = table.used_markers()
    if not used:
        return None
    joined = table.markers.astype(str).agg("".join, axis=1)
    refs = pd.Series("", index=table.frame.index, dtype=object)
    for symbol, words in marker_texts().items():
        if symbol not in used:
            continue
        has = joined.str.contains(re.escape(symbol), regex=True)
        ref = registry.ref(words, table.name)
        refs = refs.where(~has, (refs + " " + ref).str.strip())
    return refs


def table_references(table: PublicationTable, registry: NoteRegistry) -> list[str]:
    """``[note n]`` of each note on the whole table (its ``notes``), in order."""
    return [registry.ref(note, table.name) for note in table.notes]
