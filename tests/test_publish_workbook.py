"""The publication workbook against the Analysis Function spreadsheet rules it claims to follow.

Rules checked (Government Analysis Function, "Releasing statistics in spreadsheets"): cover,
contents and notes sheets first; each table starts in A1 with its title and ends the sheet
(nothing below the table); no symbols inside cells or number formats, notes as ``[note n]``
that the notes sheet defines; a Year column in latest-year tables; readable headers (codes in
their own column); a source line naming the ITU questionnaires and the collection round;
workbook properties set; numbers stay numbers and a missing value is the ``[x]`` shorthand.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.publish.publication import publish

sys.path.insert(0, str(Path(__file__).parent / "data" / "publish"))
import synthetic

SYMBOLS = re.compile(r"[†‡§*]")
NOTE = re.compile(r"\[note (\d+)\]")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    bundle = synthetic.bundle()
    observations = bundle.observations.assign(round="2024")
    publication = publish(replace(bundle, observations=observations))
    path = tmp_path_factory.mktemp("book") / "book.xlsx"
    publication.workbook.save(path)
    return publication, load_workbook(path)


def table_sheets(publication, workbook):
    return [(t, workbook[t.name[:31]]) for t in publication.tables]


def test_cover_contents_and_notes_come_first(book):
    publication, workbook = book
    assert workbook.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert workbook.sheetnames[3:] == [t.name[:31] for t in publication.tables]
    contents = workbook["Contents"]
    links = [c.hyperlink.location for c in contents["A"] if c.hyperlink is not None]
    assert len(links) == len(publication.tables) + 1


def test_each_table_starts_in_a1_and_nothing_is_below_it(book):
    for table, sheet in table_sheets(*book):
        assert sheet["A1"].value == table.title
        assert not sheet.merged_cells.ranges
        (excel,) = sheet.tables.values()
        last_row = int(re.search(r"(\d+)$", excel.ref).group(1))
        assert sheet.max_row == last_row, f"{table.name}: rows below the table"
        header_row = int(re.match(r"A(\d+):", excel.ref).group(1))
        above = [sheet.cell(r, 1).value for r in range(1, header_row)]
        assert all(above), f"{table.name}: blank line above the table"
        assert all(sheet.cell(r, c).value is None for r in range(2, header_row) for c in (2, 3))


def test_no_symbols_in_cells_or_number_formats(book):
    _, workbook = book
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert '"' not in cell.number_format, (sheet.title, cell.coordinate)
                if isinstance(cell.value, str) and sheet.title not in ("Notes",):
                    assert not SYMBOLS.search(cell.value), (sheet.title, cell.coordinate)


def test_every_note_reference_is_defined_on_the_notes_sheet(book):
    _publication, workbook = book
    notes = workbook["Notes"]
    defined = {
        int(m.group(1))
        for (value,) in notes.iter_rows(min_col=1, max_col=1, values_only=True)
        if isinstance(value, str) and (m := re.fullmatch(r"note (\d+)", value))
    }
    used = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            used |= {int(n) for v in row if isinstance(v, str) for n in NOTE.findall(v)}
    assert used and used == defined
    ranking = workbook["idi_2024_ranking"]
    (excel,) = ranking.tables.values()
    header_row = int(re.match(r"A(\d+):", excel.ref).group(1))
    headers = [c.value for c in ranking[header_row]]
    assert headers[-1] == "Notes"
    iso3 = headers.index("ISO3")
    rows = ranking.iter_rows(min_row=header_row + 1)
    kenya = next(r for r in rows if r[iso3].value == "KEN")
    assert NOTE.fullmatch(kenya[-1].value), "Kenya's estimate is a [note n] in the Notes column"
    assert isinstance(kenya[headers.index("Score")].value, float)


def test_latest_year_tables_have_a_year_column_and_readable_headers(book):
    publication, _workbook = book
    latest = [t for t in publication.tables if "latest year" in t.title]
    assert latest
    for table in latest:
        assert "Year" in table.frame.columns, table.name
    for table in publication.tables:
        for header in table.frame.columns:
            assert not re.fullmatch(r"[A-Z]{2}_[A-Z0-9_]+( \S+)?", str(header)), header


def test_source_line_names_the_questionnaires_and_round(book):
    publication, workbook = book
    for _table, sheet in table_sheets(publication, workbook):
        lines = [sheet.cell(r, 1).value or "" for r in range(1, 7)]
        source = next(line for line in lines if line.startswith("Source:"))
        assert "ITU" in source and "questionnaire" in source and "round 2024" in source
    assert any("round 2024" in (c.value or "") for c in workbook["Cover"]["A"])


def test_round_falls_back_when_the_returns_have_none() -> None:
    from pipeline.publish.layout import source_line

    line = source_line(synthetic.bundle().observations)
    assert "round not recorded" in line and "2024" in line


def test_workbook_properties_are_set(book):
    _, workbook = book
    props = workbook.properties
    assert props.title and props.subject and props.creator and props.keywords
    assert props.language == "en-GB"


def test_missing_values_use_the_shorthand_and_numbers_stay_numbers(book):
    publication, workbook = book
    pillars = workbook["idi_2024_pillars"]
    numbers = [
        c.value for row in pillars.iter_rows(min_row=6) for c in row[2:] if c.value is not None
    ]
    assert numbers and all(isinstance(v, float | int) or v == "[x]" for v in numbers)
    for _, sheet in table_sheets(publication, workbook):
        assert all(c.value != ".." for row in sheet.iter_rows() for c in row)
