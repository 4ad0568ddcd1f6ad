"""What a value reader cannot see: hidden rows and columns, merged cells, formulas without results.

Cell values come from a fast value reader (:mod:`pipeline.ingest.values`), which drops row
visibility and merged ranges, and reads a formula whose result was never saved as an empty
cell. This module streams each worksheet part once with lxml's ``iterparse`` and collects
those facts (ECMA-376 Part 1 §18.3.1: ``row/@hidden``, ``col/@hidden``, ``mergeCell/@ref``,
``c/f`` and ``c/v``). It matches elements by their *local* name in the SpreadsheetML
namespace, so ``<x:row>`` written by another producer reads the same as ``<row>``; comments,
CDATA and processing instructions are never mistaken for elements.

It is also the budget gate of a sheet: it counts the cells actually present and the highest
row and column they use, and refuses the sheet (a reason string instead of facts) as soon as
one exceeds :data:`pipeline.ingest.safety.LIMITS`, before any reader allocates a grid. Memory
is one row at a time: each row is cleared once read. The parser never resolves entities,
never touches the network and keeps libxml2's default depth and text-size limits
(``huge_tree`` off). No formula is ever evaluated.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO

from lxml import etree

from pipeline.ingest.plainxml import PlainSheet, magnitude, plain_sheet
from pipeline.ingest.safety import LIMITS, Limits

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
#: Safe parsing: no entity expansion, no DTD loading, no network, libxml2's default limits.
PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False}
#: Any namespace: transitional and strict SpreadsheetML alike, whatever prefix is used.
FACT_TAGS = [f"{{*}}{name}" for name in ("dimension", "row", "col", "mergeCell")]
CELL_TAG, FORMULA_TAG, VALUE_TAG, ROW_TAG = "{*}c", "{*}f", "{*}v", "{*}row"
REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
LETTERS, DIGITS = re.compile(r"[A-Z]+"), re.compile(r"[0-9]+")
RANGE = re.compile(r"[A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?")
HIDDEN_VALUES = ("1", "true")
#: Parts up to this size are parsed as one tree (faster); larger ones are streamed.
TREE_BYTES = 2_000_000
#: Cell references of a streamed part are checked against the budget in batches of this size.
SETTLE_EVERY = 20_000


class OverBudgetError(Exception):
    """A sheet breaks the budget; the message says how (becomes an ING-TOO-LARGE detail)."""


@dataclass
class SheetXml:
    """Layout facts of one worksheet that the value stream does not carry."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    merged: list[str] = field(default_factory=list)
    #: cell reference -> formula text, for formulas with no saved result.
    uncached_formulas: dict[str, str] = field(default_factory=dict)
    max_row: int = 0
    max_column: int = 0
    cells: int = 0


def column_number(letters: str) -> int:
    """Spreadsheet column letters to a 1-based number ('A' -> 1, 'AA' -> 27)."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _integer(text: str | None, default: int = 0) -> int:
    """A decimal attribute as an int; anything else (absent, signed junk, 5000 digits) → default."""
    return int(text) if text and len(text) < 12 and text.isascii() and text.isdigit() else default


def _row_number(text: str | None) -> int | None:
    """A row's ``r``: None when absent, a huge number as 10**12 (over any budget); junk raises."""
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"row number {text[:20]!r} is not a number")
    return int(text) if len(text) < 12 else 10**12


def safe_parse(data: bytes) -> etree._Element:
    """Parse a small package part (workbook, relationships) with the safe options."""
    return etree.fromstring(data, etree.XMLParser(**PARSER_OPTIONS))


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name -> zip part name, from xl/workbook.xml and its relationships.

    Chart sheets and other sheet types are left out: they hold no cells to read.
    """
    workbook = safe_parse(archive.read("xl/workbook.xml"))
    rels = safe_parse(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship")
        if rel.get("Type", "").endswith("/worksheet")
    }
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{REL_NS}}}id"), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[sheet.get("name", "")] = posixpath.normpath(part)
    return parts


def _check(facts: SheetXml, limits: Limits) -> None:
    if facts.max_row > limits.sheet_rows or facts.max_column > limits.sheet_columns:
        raise OverBudgetError(
            f"spans {facts.max_row} rows × {facts.max_column} columns "
            f"(limit {limits.sheet_rows} × {limits.sheet_columns})"
        )
    if facts.cells > limits.sheet_cells:
        raise OverBudgetError(f"holds over {limits.sheet_cells} cells")


def _extent(joined: str) -> tuple[int, int]:
    """Highest row and column the cell references (joined by spaces) name (C-speed scans
    over distinct parts; ``A012`` is row 12: leading zeros do not make a number larger)."""
    letters, digits = set(LETTERS.findall(joined)), set(DIGITS.findall(joined))
    column = max(letters, key=magnitude, default="")
    row = max((text.lstrip("0") for text in digits), key=magnitude, default="") or "0"
    return (int(row) if len(row) < 12 else 10**12), column_number(column)


def _row(row: etree._Element, facts: SheetXml, limits: Limits, pending: list[str]) -> None:
    """One streamed row: its number, visibility and formulas; its cell references are kept
    in ``pending`` and their extent settled in batches (see :func:`_settle`)."""
    number = _row_number(row.get("r")) or facts.max_row + 1
    if row.get("hidden") in HIDDEN_VALUES:
        facts.hidden_rows.add(number)
    references = [cell.get("r") or "" for cell in row.iterchildren(CELL_TAG)]
    facts.cells += len(references)
    # a cell without a reference sits right of the previous one: bound it by the count
    facts.max_column = max(facts.max_column, len(references))
    facts.max_row = max(facts.max_row, number)
    pending.extend(references)
    for formula in row.iter(FORMULA_TAG):
        _formula(formula, facts)
    if len(pending) >= SETTLE_EVERY:
        _settle(facts, pending, limits)
    _check(facts, limits)


def _settle(facts: SheetXml, pending: list[str], limits: Limits) -> None:
    """Fold the extent of the pending cell references into ``facts`` and check the budget."""
    highest_row, highest_column = _extent(" ".join(pending))
    facts.max_column = max(facts.max_column, highest_column + pending.count(""))
    facts.max_row = max(facts.max_row, highest_row)
    pending.clear()
    _check(facts, limits)


def _formula(formula: etree._Element, facts: SheetXml) -> None:
    """Record a formula whose cell has no saved result (an empty ``v`` or none)."""
    cell = formula.getparent()
    if cell is None or etree.QName(cell).localname != "c" or (cell.findtext(VALUE_TAG) or ""):
        return
    text = formula.text or ""
    facts.uncached_formulas[cell.get("r") or "?"] = f"={text}" if text else "(shared formula)"


def _column_range(col: etree._Element, facts: SheetXml, limits: Limits) -> None:
    if col.get("hidden") not in HIDDEN_VALUES:
        return
    low = max(_integer(col.get("min"), 1), 1)
    high = min(_integer(col.get("max"), low), limits.sheet_columns)
    facts.hidden_columns.update(range(low, high + 1))


def _dimension(element: etree._Element, facts: SheetXml, limits: Limits) -> None:
    _declared(element.get("ref") or "", limits)


def _declared(used_range: str, limits: Limits) -> None:
    """A declared used range beyond the budget is refused: some readers trust it to allocate."""
    last = used_range.rpartition(":")[2]
    match = REFERENCE.fullmatch(last)
    if match:
        declared = SheetXml(max_row=int(match.group(2)), max_column=column_number(match.group(1)))
        _check(declared, limits)


def _release(element: etree._Element) -> None:
    """Free a parsed element and the siblings before it (keeps memory at one row)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _tree(root: etree._Element, facts: SheetXml, limits: Limits) -> None:
    """Facts of a part parsed whole: one pass over the cells, one over the rows."""
    references = [cell.get("r") or "" for cell in root.iter(CELL_TAG)]
    facts.cells = len(references)
    _check(facts, limits)
    rows = [(row.get("r"), row.get("hidden")) for row in root.iter(ROW_TAG)]
    numbers = [_row_number(number) or 0 for number, _ in rows]
    _extend(facts, _extent(" ".join(references)), references.count(""), numbers)
    facts.hidden_rows = {
        n for n, (_, hidden) in zip(numbers, rows, strict=True) if hidden in HIDDEN_VALUES
    }
    _check(facts, limits)
    # one walk for the rare elements (each walk of a tree costs as much as the rest)
    for element in root.iter(FORMULA_TAG, FACT_TAGS[0], FACT_TAGS[2], FACT_TAGS[3]):
        name = etree.QName(element).localname
        if name == "f":
            _formula(element, facts)
        elif name == "mergeCell":
            _merge(element, facts)
        else:
            (_dimension if name == "dimension" else _column_range)(element, facts, limits)


def _extend(facts: SheetXml, extent: tuple[int, int], unnumbered: int, numbers: list[int]) -> None:
    """The extent of a part from its cells' highest row and column (:func:`_extent`) and
    its rows' numbers (0 for a row without one, which then sits below the others)."""
    highest_row, highest_column = extent
    facts.max_row = max(highest_row, max(numbers, default=0) + numbers.count(0))
    facts.max_column = highest_column + unnumbered


def _plain(plain: PlainSheet, facts: SheetXml, limits: Limits) -> None:
    """Facts of a plain part (:mod:`pipeline.ingest.plainxml`), computed and checked in the
    order :func:`_tree` computes and checks them, so a breach reads the same."""
    facts.cells = plain.cells
    _check(facts, limits)
    _extend(facts, (plain.row, column_number(plain.column)), 0, plain.rows)
    _check(facts, limits)
    for used_range in plain.dimensions:
        _declared(used_range, limits)


def _merge(element: etree._Element, facts: SheetXml) -> None:
    reference = element.get("ref") or ""
    facts.cells += 1
    if RANGE.fullmatch(reference):
        facts.merged.append(reference)


def _stream(source: IO[bytes], facts: SheetXml, limits: Limits) -> None:
    """Facts of a large part, streamed: one row in memory at a time."""
    pending: list[str] = []
    for _, element in etree.iterparse(source, events=("end",), tag=FACT_TAGS, **PARSER_OPTIONS):
        name = etree.QName(element).localname
        if name == "row":
            _row(element, facts, limits, pending)
        elif name == "mergeCell":
            _merge(element, facts)
        else:
            (_dimension if name == "dimension" else _column_range)(element, facts, limits)
        _release(element)
    _settle(facts, pending, limits)


def scan_sheet(
    source: IO[bytes] | bytes, limits: Limits = LIMITS, size: int | None = None
) -> SheetXml:
    """Facts of one worksheet part; raises :class:`OverBudgetError` as soon as a limit is passed.

    A part up to :data:`TREE_BYTES` is parsed whole (a tree of a few MB; libxml2 does the
    walking), or only checked when it is plain (:mod:`pipeline.ingest.plainxml`: the same
    facts from byte searches); a larger one is streamed with ``iterparse``, each row freed
    once read.
    """
    if isinstance(source, bytes | bytearray):
        source, size = io.BytesIO(source), len(source)
    facts = SheetXml()
    if (limits.sheet_xml_bytes if size is None else size) <= TREE_BYTES:
        data = source.read()
        plain = plain_sheet(data, PARSER_OPTIONS)
        if plain is not None:
            _plain(plain, facts, limits)
        else:
            parser = etree.XMLParser(collect_ids=False, **PARSER_OPTIONS)
            _tree(etree.fromstring(data, parser), facts, limits)
    else:
        _stream(source, facts, limits)
    _check(facts, limits)
    if facts.max_row * facts.max_column > limits.sheet_area:
        raise OverBudgetError(
            f"uses {facts.max_row} × {facts.max_column} cells (limit {limits.sheet_area})"
        )
    return facts


def scan_workbook(archive: zipfile.ZipFile, limits: Limits = LIMITS) -> dict[str, SheetXml | str]:
    """Scan every worksheet; a sheet over the budget maps to a reason string instead."""
    scans: dict[str, SheetXml | str] = {}
    cells = 0
    for name, part in sheet_parts(archive).items():
        size = archive.getinfo(part).file_size
        if size > limits.sheet_xml_bytes:
            scans[name] = f"sheet {name!r} holds {size} bytes of XML"
            continue
        if cells > limits.file_cells:
            scans[name] = (
                f"sheet {name!r} not read: the workbook holds over {limits.file_cells} cells"
            )
            continue
        try:
            with archive.open(part) as stream:
                scans[name] = facts = scan_sheet(stream, limits, size)
            cells += facts.cells
        except OverBudgetError as breach:
            scans[name] = f"sheet {name!r} {breach}"
    return scans
