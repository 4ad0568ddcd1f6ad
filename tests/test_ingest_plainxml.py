"""The plain-sheet shortcut of the layout scan gives exactly the facts of the tree scan.

Every sheet of every shipped workbook is scanned both ways and compared; so are sheets that
carry each thing the shortcut must leave to the tree (hidden rows, merges, formulas,
comments, prefixes, other attribute orders, other encodings) and parts that libxml2 only
accepts without namespaces.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from pipeline.ingest.plainxml import plain_sheet
from pipeline.ingest.safety import LIMITS, Limits
from pipeline.ingest.sheetxml import (
    PARSER_OPTIONS,
    OverBudgetError,
    SheetXml,
    _tree,
    scan_sheet,
    sheet_parts,
)
from pipeline.paths import RAW

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import hostile

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
#: As the template writer writes a sheet: plain.
PLAIN = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet {MAIN}><dimension ref="A1:D3"/><cols><col min="1" max="2" width="9"/></cols>
<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2023</v></c></row>
<row r="3" spans="1:4"><c r="A3" t="inlineStr"><is><t>r="Z99" &lt;c r="Z99"&gt;</t></is></c>
<c r="D3" s="1"><v>1.5</v></c></row></sheetData>
<dataValidations count="1"><dataValidation type="list" sqref="B1">
<formula1>"E,B"</formula1></dataValidation></dataValidations></worksheet>""".encode()


def tree_facts(data: bytes, limits: Limits = LIMITS) -> SheetXml:
    """The facts the tree scan reads, whatever the shortcut would say."""
    facts = SheetXml()
    _tree(
        etree.fromstring(data, etree.XMLParser(collect_ids=False, **PARSER_OPTIONS)), facts, limits
    )
    return facts


def outcome(scan, data: bytes, limits: Limits) -> object:
    try:
        return scan(data, limits)
    except (OverBudgetError, ValueError, etree.XMLSyntaxError) as error:
        return f"{type(error).__name__}: {error}"


def test_plain_sheet_reads_what_the_tree_reads() -> None:
    plain = plain_sheet(PLAIN, PARSER_OPTIONS)
    assert plain is not None
    assert (plain.cells, plain.column, plain.row, plain.rows, plain.dimensions) == (
        4,
        "D",
        3,
        [1, 3],
        ["A1:D3"],
    )
    assert scan_sheet(PLAIN) == tree_facts(PLAIN)
    assert (scan_sheet(PLAIN).max_row, scan_sheet(PLAIN).max_column) == (3, 4)


def _shipped_sheets() -> list[tuple[str, bytes]]:
    sheets = []
    for path in sorted(RAW.rglob("*.xlsx")):
        try:
            with zipfile.ZipFile(path) as archive:
                parts = sheet_parts(archive)
                sheets += [
                    (f"{path.name}:{name}", archive.read(part)) for name, part in parts.items()
                ]
        except zipfile.BadZipFile:
            continue
    return sheets


def test_every_shipped_sheet_scans_as_its_tree() -> None:
    sheets = _shipped_sheets()
    plain = 0
    for name, data in sheets:
        assert scan_sheet(data) == tree_facts(data), name
        plain += plain_sheet(data, PARSER_OPTIONS) is not None
    # the shortcut is what the shipped returns take (else it would be dead code)
    assert plain >= 0.9 * len(sheets)


#: Each leaves the sheet to the tree scan: (name, the part rewritten).
UNSURE = {
    "hidden row": lambda x: x.replace(b'<row r="3"', b'<row r="3" hidden="1"'),
    "hidden column": lambda x: x.replace(b'width="9"', b'width="9" hidden="true"'),
    "merged cells": lambda x: x.replace(
        b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="B3:D3"/></mergeCells>'
    ),
    "formula without result": lambda x: x.replace(b"<v>1.5</v>", b"<f>1+1</f>"),
    "empty formula element": lambda x: x.replace(b"<v>1.5</v>", b"<f/><v>2</v>"),
    "comment like a row": lambda x: x.replace(
        b"</sheetData>", b'<!-- <row r="9000"><c r="ZZ9000"/></row> --></sheetData>'
    ),
    "CDATA like a cell": lambda x: x.replace(b"<t>r=", b'<t><![CDATA[<c r="XFD20000">]]>r='),
    "processing instruction": lambda x: x.replace(b"<sheetData>", b'<?x <c r="ZZ9"?><sheetData>'),
    "attribute before r": lambda x: x.replace(b'<c r="D3" s="1"', b'<c s="1" r="D3"'),
    "cell without r": lambda x: x.replace(b'<c r="D3"', b"<c"),
    "row without r": lambda x: x.replace(b'<row r="3" spans', b"<row spans"),
    "spaces around =": lambda x: x.replace(b'<c r="D3"', b'<c r = "D3"'),
    "reference in lower case": lambda x: x.replace(b'r="D3"', b'r="d3"'),
    "reference with an entity": lambda x: x.replace(b'r="D3"', b'r="D&#51;"'),
    "row number of 20 digits": lambda x: x.replace(b'<row r="3"', b'<row r="30000000000000000000"'),
    "empty dimension": lambda x: x.replace(b'ref="A1:D3"', b'ref=""'),
    "prefixed cell": lambda x: x.replace(b"<worksheet ", b'<worksheet xmlns:x="urn:x" ').replace(
        b'<c r="D3" s="1"><v>1.5</v></c>', b'<x:c r="XFD3"/>'
    ),
    "prefix rewrite": hostile.prefixed,
    "xml-prefixed cell": lambda x: x.replace(b"</sheetData>", b"<xml:c/></sheetData>"),
    "undeclared prefix": lambda x: x.replace(b"</sheetData>", b"<y:c/></sheetData>"),
    "empty namespace of a prefix": lambda x: x.replace(b"<worksheet ", b'<worksheet xmlns:x="" '),
    "UTF-16": lambda x: (
        x.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")
    ),
    "Latin-1 declared": lambda x: x.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"'),
    "not well-formed": lambda x: x.replace(b"</sheetData>", b"</sheetdata>"),
    "document type": lambda x: x.replace(b"<worksheet ", b"<!DOCTYPE worksheet><worksheet "),
}


@pytest.mark.parametrize("case", sorted(UNSURE))
def test_what_the_shortcut_cannot_see_goes_to_the_tree(case: str) -> None:
    data = UNSURE[case](PLAIN)
    assert data != PLAIN
    assert plain_sheet(data, PARSER_OPTIONS) is None
    limits = Limits()
    assert outcome(scan_sheet, data, limits) == outcome(tree_facts, data, limits)


#: Plain still, as other writers write it: the shortcut takes them and reads the same.
STILL_PLAIN = {
    "no declaration": lambda x: x.split(b"?>", 1)[1].lstrip(),
    "byte order mark": lambda x: b"\xef\xbb\xbf" + x,
    "declaration without encoding": lambda x: x.replace(b' encoding="UTF-8"', b""),
    "Excel's namespaces": lambda x: x.replace(
        b"<worksheet ",
        b'<worksheet xmlns:r="urn:r" xmlns:mc="urn:mc" xmlns:x14ac="urn:x14ac" '
        b'mc:Ignorable="x14ac" ',
    ).replace(b'<row r="3" spans="1:4"', b'<row r="3" spans="1:4" x14ac:dyDescent="0.25"'),
    "cells of another namespace": lambda x: x.replace(MAIN.encode(), b'xmlns="urn:other"'),
    "self-closed cell": lambda x: x.replace(b'<c r="D3" s="1"><v>1.5</v></c>', b'<c r="G3"/>'),
    "tabs and new lines in tags": lambda x: x.replace(
        b'<c r="D3" s="1">', b'<c\tr="D3"\ns="1"\r\n>'
    ),
    "no dimension": lambda x: x.replace(b'<dimension ref="A1:D3"/>', b""),
    "a text naming a prefix": lambda x: x.replace(b"<t>r=", b'<t>xmlns:x="urn:x" r='),
}


@pytest.mark.parametrize("case", sorted(STILL_PLAIN))
def test_other_writers_plain_sheets_read_the_same(case: str) -> None:
    data = STILL_PLAIN[case](PLAIN)
    assert data != PLAIN
    assert plain_sheet(data, PARSER_OPTIONS) is not None
    assert scan_sheet(data) == tree_facts(data)


@pytest.mark.parametrize(
    ("limits", "edit"),
    [
        (Limits(sheet_cells=3), lambda x: x),
        (Limits(sheet_rows=2), lambda x: x),
        (Limits(sheet_columns=3), lambda x: x),
        (Limits(), lambda x: x.replace(b'r="D3"', b'r="XFD3"')),
        (Limits(), lambda x: x.replace(b'r="D3"', b'r="D9999999"')),
        (Limits(), lambda x: x.replace(b'<row r="3"', b'<row r="9999999"')),
        # leading zeros make a reference longer, not its row higher: row 30 is the highest
        (
            Limits(sheet_rows=10),
            lambda x: x.replace(b'r="D3"', b'r="D30"').replace(b'r="A1"', b'r="A0001"'),
        ),
        (Limits(), lambda x: x.replace(b'ref="A1:D3"', b'ref="A1:XFD1048576"')),
        (Limits(sheet_cells=3), lambda x: x.replace(b'ref="A1:D3"', b'ref="A1:XFD1048576"')),
    ],
)
def test_a_plain_sheet_over_the_budget_is_refused_as_the_tree_refuses_it(limits, edit) -> None:
    data = edit(PLAIN)
    assert plain_sheet(data, PARSER_OPTIONS) is not None
    refused = outcome(scan_sheet, data, limits)
    assert isinstance(refused, str) and refused.startswith("OverBudgetError")
    assert refused == outcome(tree_facts, data, limits)
