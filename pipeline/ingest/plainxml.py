"""The layout scan of a plain worksheet from byte searches, with the facts the tree gives.

Building an lxml tree of a sheet part and walking it costs about five times what libxml2
takes to check the same part is well-formed XML without building anything. Most sheets are
plain: no hidden rows or columns, no merged cells, no formulas, no comments, CDATA or
processing instructions, and every cell and row names its reference as its first attribute
(``<c r="B12" ...>``, ``<row r="12" ...>``), as the template writer and Excel write them. For
such a sheet the facts :func:`pipeline.ingest.sheetxml.scan_sheet` needs (the cell count, the
cell references, the row numbers and the declared used range) are read here with C-speed
byte searches, and the part is still checked by libxml2 with the same parser options.

Why the searches see exactly what the tree sees, once the part is certified plain:

* libxml2 accepted the part, logging no error (an lxml tree parse raises on any error, a
  parse into a target only on fatal ones, so both are looked at), it is UTF-8 and holds no
  ``<!`` and no ``<?`` after its declaration. In well-formed XML a ``<`` cannot stand in
  text or in an attribute value, so every ``<`` left begins a start or end tag (a ``<?``
  would be a processing instruction), and ``<c`` followed by white space, ``/`` or ``>``
  begins exactly an element named ``c`` without a prefix.
* A prefixed element (``<x:c>``, which the tree scan matches by local name too) needs a
  declared prefix, and a declaration is an attribute whose name starts ``xmlns:`` (names
  hold no references, so those bytes are there); when the part holds ``xmlns:`` anywhere,
  or uses the predefined ``xml`` prefix, a ``:c``, ``:f``, ``:row`` or ``:dimension``
  anywhere sends the sheet to the tree. (Asking libxml2 for its namespace and
  processing-instruction events instead costs as much as the check itself.)
* A reference that matches ``[A-Z]{1,3}[0-9]{1,7}`` right after ``<c`` and white space is
  the value of that cell's ``r`` attribute; it holds no entity or white space, so its bytes
  are its parsed value. Any cell or row without such a reference leaves the sheet to the tree.
* The facts the searches do not read cannot be present: no ``hidden`` anywhere (rows and
  columns), no ``mergeCell``, no ``<f`` followed by white space, ``/`` or ``>`` (formulas).

:func:`plain_sheet` returns ``None`` whenever one of these does not hold, and the caller
parses the tree: the shortcut can only be taken when it gives what the tree gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import AnyStr

from lxml import etree

#: The XML declaration, after an optional UTF-8 byte order mark.
DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^<>?]*\?>")
ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
UTF8 = (b"utf-8", b"utf8")
#: A cell start tag, with the letters and digits of its reference when that is its first
#: attribute ('' otherwise).
CELL = re.compile(rb'<c(?:\s+r="([A-Z]{1,3})([0-9]{1,7})"|[\s/>])')
ROW = re.compile(rb'<row(?:\s+r="([0-9]{1,7})"|[\s/>])')
DIMENSION = re.compile(rb'<dimension(?:\s+ref="([A-Z0-9:]+)"|[\s/>])')
#: Bytes that may mean a fact the searches do not read (hidden rows or columns, merged
#: cells) or markup they would misread (comments, CDATA, document types, ``xml:`` elements).
UNSURE = (b"<!", b"hidden", b"mergeCell", b"<xml:")
#: A formula element (``<formula1>`` of a data validation is none).
FORMULA = re.compile(rb"<f[\s/>]")
#: What every namespace-prefix declaration holds, and what every processing instruction does.
PREFIX_DECLARATION, INSTRUCTION = b"xmlns:", b"<?"
#: With a namespace prefix declared, what may be a prefixed element the tree scan matches.
PREFIXED = re.compile(rb":(?:c|f|row|dimension)[\s/>]")


@dataclass(frozen=True)
class PlainSheet:
    """What the tree scan of a plain sheet reads, in document order."""

    #: Number of cell elements.
    cells: int
    #: The highest column letters and row number among their references (the extent of
    #: the cells; a row of leading zeros, ``A012``, is row 12).
    column: str
    row: int
    #: Each row's number.
    rows: list[int]
    #: The used range each ``dimension`` element declares.
    dimensions: list[str]


class _Nothing:
    """Parser target that builds nothing and asks for no events: a pure well-formedness check."""

    def close(self) -> None:
        return None


def _utf8(data: bytes) -> bytes | None:
    """The part after its XML declaration, when libxml2 reads it as UTF-8; else None."""
    declaration = DECLARATION.match(data)
    if declaration is None:
        # no declaration: libxml2 guesses from the first bytes; '<' then a non-NUL is UTF-8
        return data if data[:1] == b"<" and data[1:2] not in (b"", b"\x00") else None
    encoding = ENCODING.search(declaration.group())
    if encoding is not None and encoding.group(1).lower() not in UTF8:
        return None
    return data[declaration.end() :]


def _well_formed(data: bytes, options: dict) -> bool:
    """libxml2's verdict on the part, building no tree: True when it logged no error."""
    parser = etree.XMLParser(target=_Nothing(), collect_ids=False, **options)
    try:
        etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        return False
    return not parser.error_log.filter_from_errors()


def _references(body: bytes) -> PlainSheet | None:
    """References of every cell, numbers of every row, declared ranges; None if one lacks it."""
    cells, rows, dimensions = (pattern.findall(body) for pattern in (CELL, ROW, DIMENSION))
    letters, digits = zip(*cells, strict=True) if cells else ((), ())
    if b"" in letters or b"" in rows or b"" in dimensions:
        return None
    return PlainSheet(
        cells=len(cells),
        column=max(set(letters), key=magnitude, default=b"").decode("ascii"),
        row=max(map(int, set(digits)), default=0),
        rows=list(map(int, rows)),
        dimensions=[value.decode("ascii") for value in dimensions],
    )


def magnitude(text: AnyStr) -> tuple[int, AnyStr]:
    """Orders column letters, or digits without leading zeros, as their numbers order."""
    return len(text), text


def plain_sheet(data: bytes, options: dict) -> PlainSheet | None:
    """The facts of a plain sheet part (see the module docstring), or None to parse the tree.

    ``options`` are the parser options the tree scan uses, so the well-formedness verdict
    is the one the tree parse would reach.
    """
    body = _utf8(data)
    if body is None or any(marker in body for marker in UNSURE) or FORMULA.search(body):
        return None
    plain = _references(body)
    if plain is None:
        return None
    if INSTRUCTION in body or not _well_formed(data, options):
        return None
    if PREFIX_DECLARATION in body and PREFIXED.search(body):
        return None
    return plain
