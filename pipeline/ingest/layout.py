"""The questionnaire layout shared by the template writer and the workbook reader.

One module states the layout so that the writer and the reader cannot drift apart
part 4: "ingest reads exactly that layout"). Every data sheet looks like this::

    A1  title
    A2  Economy (ISO3)    B2  KEN
    A3  Economy name      B3  Kenya
    A4  Questionnaire     B4  admin
    A5  Reference year    B5  2024
    A6  Unit multiplier   B6  units | thousands | millions
    A7  Collection round  B7  2025   (optional: older workbooks without it still read)
    A8  Code | Indicator | Unit | Sex | Age | Area | Speed | Technology | Skill |
        2023 | 2023 status | 2024 | 2024 status | Note
    A9… one row per indicator and breakdown category (total row first)

The reader does not rely on fixed row numbers: it finds the header row by the ``Code`` label in
column A and the header block by the labels above it, and it finds columns by their header
text, so inserted rows or moved columns still read.
"""

from __future__ import annotations

from pipeline.observations import DIMENSION_NAMES, TOTAL

INSTRUCTIONS_SHEET = "Instructions"
TITLE_ROW = 1
HEADER_ROW = 8
FIRST_DATA_ROW = HEADER_ROW + 1

#: Labels of the header block (column A) and the key each one fills.
BLOCK_LABELS: dict[str, str] = {
    "economy (iso3)": "economy",
    "economy name": "economy_name",
    "questionnaire": "kind",
    "reference year": "reference_year",
    "unit multiplier": "multiplier",
    "collection round": "round",
}
BLOCK_ROWS = {
    "economy": ("Economy (ISO3)", 2),
    "economy_name": ("Economy name", 3),
    "kind": ("Questionnaire", 4),
    "reference_year": ("Reference year", 5),
    "multiplier": ("Unit multiplier", 6),
    "round": ("Collection round", 7),
}

#: Unit multipliers a sheet may declare. They scale counts only: units starting with "%" are
#: shares and are never scaled (a percentage "in thousands" is meaningless).
MULTIPLIERS: dict[str, float] = {"units": 1.0, "thousands": 1e3, "millions": 1e6}
UNSCALED_UNIT_PREFIX = "%"

CODE_HEADER = "Code"
LABEL_COLUMNS = ("Code", "Indicator", "Unit")
DIMENSION_HEADERS: dict[str, str] = {name: name.capitalize() for name in DIMENSION_NAMES}
NOTE_HEADER = "Note"
STATUS_SUFFIX = " status"

#: Status codes per value: E = estimate, B = break in series (ITU/SDMX OBS_STATUS usage).
STATUS_FLAGS = {"E": "estimate", "B": "break_in_series"}
#: Texts that mean "total" in a breakdown column.
TOTAL_WORDS = ("", TOTAL.lower(), "total", "t")

KINDS = ("admin", "household")


def header_row(years: list[int]) -> list[str | int]:
    """The table header of a data sheet: label, breakdown, year/status pairs, note."""
    cells: list[str | int] = [*LABEL_COLUMNS, *DIMENSION_HEADERS.values()]
    for year in years:
        cells.extend([year, f"{year}{STATUS_SUFFIX}"])
    cells.append(NOTE_HEADER)
    return cells


def status_code(estimate: bool, break_in_series: bool) -> str:
    """The status cell text for a pair of flags ('' when neither)."""
    return ("E" if estimate else "") + ("B" if break_in_series else "")
