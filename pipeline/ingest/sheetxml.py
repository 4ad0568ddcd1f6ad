"""What the streaming reader cannot see: hidden rows, merged cells, formulas without results.

openpyxl's read-only mode streams cell values with bounded memory but drops row visibility and
merged ranges, and with ``data_only=True`` a formula whose result was never saved reads as an
empty cell. Issue #2 part 6 needs all three, so this module scans each worksheet's XML once
with byte-level regular expressions (ECMA-376 Part 1 §18.3.1: ``row/@hidden``,
``col/@hidden``, ``mergeCell/@ref``, ``c/f`` and ``c/v``) after checking the part's declared
size against :data:`pipeline.ingest.safety.LIMITS`. No formula is ever evaluated.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from pipeline.ingest.safety import LIMITS, Limits

MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

ROW_TAG = re.compile(rb"<row\b([^>]*)>")
COL_TAG = re.compile(rb"<col\b([^>]*)/?>")
MERGE_TAG = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
FORMULA_CELL = re.compile(
    rb"<c\b([^>]*)>\s*<f\b[^>]*?(?:/>|>(.*?)</f>)\s*(?:<v>(.*?)</v>|<v\s*/>)?\s*</c>", re.S
)
DIMENSION_TAG = re.compile(rb'<dimension\b[^>]*\bref="[A-Z]*[0-9]*:?([A-Z]+)([0-9]+)"')
ATTRIBUTE = re.compile(rb'\b([a-zA-Z]+)="([^"]*)"')
HIDDEN_VALUES = (b"1", b"true")


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


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    return dict(ATTRIBUTE.findall(raw))


def column_number(letters: str) -> int:
    """Spreadsheet column letters to a 1-based number ('A' -> 1, 'AA' -> 27)."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name -> zip part name, from xl/workbook.xml and its relationships.

    Chart sheets and other sheet types are left out: they hold no cells to read.
    """
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in rels.iter(f"{PKG_REL_NS}Relationship")
        if rel.get("Type", "").endswith("/worksheet")
    }
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{REL_NS}id"), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        parts[sheet.get("name", "")] = posixpath.normpath(part)
    return parts


def scan_sheet(xml: bytes) -> SheetXml:
    """Extract hidden rows/columns, merged ranges, uncached formulas and the used range."""
    facts = SheetXml()
    for match in ROW_TAG.finditer(xml):
        attributes = _attributes(match.group(1))
        if attributes.get(b"hidden") in HIDDEN_VALUES and b"r" in attributes:
            facts.hidden_rows.add(int(attributes[b"r"]))
    for match in COL_TAG.finditer(xml):
        attributes = _attributes(match.group(1))
        if attributes.get(b"hidden") in HIDDEN_VALUES:
            low, high = int(attributes.get(b"min", b"0")), int(attributes.get(b"max", b"0"))
            facts.hidden_columns.update(range(low, min(high, LIMITS.sheet_columns) + 1))
    facts.merged = [ref.decode() for ref in MERGE_TAG.findall(xml)]
    for match in FORMULA_CELL.finditer(xml):
        if match.group(3):
            continue
        reference = _attributes(match.group(1)).get(b"r", b"").decode()
        formula = html.unescape((match.group(2) or b"").decode("utf-8", "replace"))
        facts.uncached_formulas[reference] = f"={formula}" if formula else "(shared formula)"
    dimension = DIMENSION_TAG.search(xml)
    if dimension:
        facts.max_column = column_number(dimension.group(1).decode())
        facts.max_row = int(dimension.group(2))
    return facts


def scan_workbook(archive: zipfile.ZipFile, limits: Limits = LIMITS) -> dict[str, SheetXml | str]:
    """Scan every worksheet; a sheet over the size limits maps to a reason string instead."""
    scans: dict[str, SheetXml | str] = {}
    for name, part in sheet_parts(archive).items():
        size = archive.getinfo(part).file_size
        if size > limits.sheet_xml_bytes:
            scans[name] = f"sheet {name!r} holds {size} bytes of XML"
            continue
        facts = scan_sheet(archive.read(part))
        if facts.max_row > limits.sheet_rows or facts.max_column > limits.sheet_columns:
            scans[name] = (
                f"sheet {name!r} spans {facts.max_row} rows × {facts.max_column} columns "
                f"(limit {limits.sheet_rows} × {limits.sheet_columns})"
            )
            continue
        scans[name] = facts
    return scans
