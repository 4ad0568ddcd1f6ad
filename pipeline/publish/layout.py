"""The publication table type and its text (titles, notes, markers) from ``tables.toml``.

A :class:`PublicationTable` keeps numbers numeric: footnote markers travel in a parallel frame
of the same shape; the workbook turns them into numbered notes referenced from a Notes column
(:mod:`~pipeline.publish.notes`) and the CSV/Parquet copies carry their labels in
``<column> note`` columns. Text lives in ``tables.toml`` so an editor can reword a note without
touching code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

TEXT_FILE = Path(__file__).with_name("tables.toml")


@cache
def text() -> dict[str, Any]:
    """The parsed ``tables.toml``."""
    with TEXT_FILE.open("rb") as handle:
        return tomllib.load(handle)


def marker(name: str) -> str:
    """Symbol of a footnote marker (``estimate``, ``earlier_year``, ``imputed``, ``break``)."""
    return text()["markers"][name]["symbol"]


def marker_texts() -> dict[str, str]:
    """Marker symbol → its note text, in catalogue order."""
    return {m["symbol"]: m["text"] for m in text()["markers"].values()}


def marker_labels() -> dict[str, str]:
    """Marker symbol → its label in the CSV copies (``estimate``, ``earlier year`` …)."""
    markers = text()["markers"]
    return {m["symbol"]: m.get("label", key.replace("_", " ")) for key, m in markers.items()}


def labels_of(cells: pd.Series) -> pd.Series:
    """Marker strings (one symbol per marker) as labels joined by "; " ("" when none)."""
    labels = marker_labels()
    pattern = "|".join(map(re.escape, labels))
    found = cells.fillna("").astype(str).str.findall(pattern)
    return found.map(lambda symbols: "; ".join(labels[s] for s in symbols))


def round_text(observations: pd.DataFrame) -> str:
    """The collection round(s) of the returns, for the source line: from the observations'
    ``round`` column when the returns came in rounds, else a statement that none is recorded."""
    wording = text()
    rounds = (
        sorted(set(observations["round"].dropna().astype(str)) - {""})
        if "round" in observations
        else []
    )
    if not rounds:
        year = int(observations["year"].max()) if len(observations) else ""
        return wording["round_unknown"].format(year=year)
    key = "round_one" if len(rounds) == 1 else "round_many"
    listed = rounds[0] if len(rounds) == 1 else ", ".join(rounds[:-1]) + " and " + rounds[-1]
    return wording[key].format(rounds=listed)


def source_line(observations: pd.DataFrame) -> str:
    """ "Source: ITU … questionnaire(s), collection round R." for these observations."""
    return text()["source"].format(round=round_text(observations))


def marker_legend(used: set[str]) -> list[str]:
    """Legend lines for the markers actually used in a table, in catalogue order."""
    markers = text()["markers"]
    return [f"{m['symbol']} {m['text']}" for m in markers.values() if m["symbol"] in used]


@dataclass(frozen=True)
class PublicationTable:
    """One table of the publication: a sheet in the workbook, a CSV and a Parquet file."""

    name: str
    title: str
    notes: tuple[str, ...]
    frame: pd.DataFrame
    markers: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    #: Per-row number formats of a column whose rows differ in unit (long tables).
    row_formats: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def used_markers(self) -> set[str]:
        """Every marker symbol that appears in the table."""
        stacked = self.markers.stack() if not self.markers.empty else pd.Series(dtype=str)
        return {symbol for cell in stacked if cell for symbol in cell}

    def all_notes(self) -> list[str]:
        """Notes and the marker legend, in the order they are numbered."""
        return [*self.notes, *marker_legend(self.used_markers())]

    def with_notes_columns(self) -> pd.DataFrame:
        """The frame plus ``<column> note`` (marker labels) beside every marked column."""
        out = self.frame.copy()
        for column in self.frame.columns:
            notes = self.markers.get(column)
            if notes is not None and notes.astype(bool).any():
                position = out.columns.get_loc(column) + 1
                out.insert(position, f"{column} note", labels_of(notes).to_numpy())
        return out


def make_table(
    kind: str,
    name: str,
    frame: pd.DataFrame,
    markers: pd.DataFrame | None = None,
    formats: dict[str, str] | None = None,
    **fields: object,
) -> PublicationTable:
    """Build a table of ``kind`` (a ``[tables.<kind>]`` entry) with its title and notes filled.

    ``markers`` holds marker strings for some columns of ``frame``, row by row in the same
    order (positional), so builders can pivot values and markers side by side.
    """
    spec = text()["tables"][kind]
    frame = frame.rename_axis(columns=None)
    blank = pd.DataFrame("", index=frame.index, columns=frame.columns, dtype=object)
    for column in markers.columns if markers is not None else []:
        if column in blank.columns:
            blank[column] = markers[column].fillna("").astype(str).to_numpy()
    return PublicationTable(
        name=name,
        title=spec["title"].format(**fields),
        notes=tuple(note.format(**fields) for note in spec["notes"]),
        frame=frame.reset_index(drop=True),
        markers=blank.reset_index(drop=True),
        formats=formats or {},
    )


def edition_title(edition: str) -> str:
    """``idi_2025`` → ``IDI 2025`` (the name used in ITU's reports)."""
    return edition.replace("_", " ").upper()
