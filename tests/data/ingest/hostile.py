"""Builders of the hostile corpus: files that real tools and careless or hostile senders produce.

Each builder writes one bad return into a raw folder (next to good ones) and returns its path.
They start from the generated questionnaire (``ingest_corpus.filled``, economy UGA) and patch
the sheet XML where openpyxl cannot write the pathology. Nothing binary is committed.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import ingest_corpus
from openpyxl.utils import get_column_letter

from pipeline.ingest.safety import LIMITS

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9_]*)(?=[\s/>])")


def prefixed(xml: bytes, prefix: bytes = b"x") -> bytes:
    """A SpreadsheetML part rewritten with a namespace prefix (``<x:row>``), as some tools write."""
    if MAIN not in xml:
        return xml
    xml = xml.replace(MAIN, MAIN.replace(b"xmlns=", b"xmlns:" + prefix + b"="), 1)
    return TAG.sub(lambda m: b"<" + m.group(1) + prefix + b":" + m.group(2), xml)


def prefix_workbook(source: Path, target: Path) -> Path:
    """Copy of a workbook whose every SpreadsheetML part uses a namespace prefix."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.startswith("xl/") and item.filename.endswith(".xml"):
                data = prefixed(data)
            new.writestr(item, data)
    return target


def _mobile(folder: Path, old: bytes, new: bytes, name: str = "UGA_2023_admin.xlsx") -> Path:
    path = ingest_corpus.filled(folder, economy="UGA", name=name)
    return ingest_corpus.patch_part(path, ingest_corpus.sheet_part(path, "Mobile"), old, new)


def _rows(first: int, last: int, cell: str = "A") -> bytes:
    return b"".join(
        b'<row r="%d"><c r="%s%d"><v>1</v></c></row>' % (n, cell.encode(), n)
        for n in range(first, last + 1)
    )


def far_column(folder: Path) -> Path:
    """19,980 rows, the last holding one cell in column XFD; the dimension still says A1:N11."""
    rows = _rows(12, 19_990, "B") + b'<row r="19991"><c r="XFD19991"><v>1</v></c></row>'
    return _mobile(folder, b"</sheetData>", rows + b"</sheetData>")


def negative_column(folder: Path) -> Path:
    """``<col min="-2000000000" max="1" hidden="1">``: a column range that cannot exist."""
    return _mobile(folder, b"<cols>", b'<cols><col min="-2000000000" max="1" hidden="1"/>')


def cdata_formulas(folder: Path) -> Path:
    """A 360 kB note holding ``<c><f>`` 60,000 times inside a CDATA section."""
    note = b"<t><![CDATA[" + b"<c><f>" * 60_000 + b"]]></t>"
    return _mobile(folder, b"<t>operator data</t>", note)


def many_cells(folder: Path) -> Path:
    """450,000 stray numeric cells (over the per-sheet cell budget) within the row and column
    limits: 25 columns × 18,000 rows."""
    columns = [get_column_letter(n).encode() for n in range(15, 40)]
    rows = b"".join(
        b'<row r="%d">' % n
        + b"".join(b'<c r="%s%d"><v>7</v></c>' % (c, n) for c in columns)
        + b"</row>"
        for n in range(12, 18_012)
    )
    return _mobile(folder, b"</sheetData>", rows + b"</sheetData>")


def foreign_digits(folder: Path) -> Path:
    """Numbers typed in Arabic-Indic and full-width digits."""
    path = ingest_corpus.filled(folder, economy="UGA")
    return ingest_corpus.edit(path, _set(J10="٦٥٠٠٠", L10="１２３，５"))


def _set(**cells: str):
    def change(book) -> None:
        for cell, value in cells.items():
            book["Mobile"][cell] = value

    return change


def overflow(folder: Path) -> Path:
    """``1e308`` on a sheet declared in thousands: scaled, it is beyond any float."""
    path = ingest_corpus.filled(folder, economy="UGA")
    return ingest_corpus.edit(path, _set(B6="thousands", J9=1e308))


def comment_row(folder: Path) -> Path:
    """An XML comment that looks like a row with a 20-digit number."""
    comment = b'<sheetData><!-- <row r="99999999999999999999" hidden="1"> -->'
    return _mobile(folder, b"<sheetData>", comment)


def huge_row_number(folder: Path) -> Path:
    """A real row element numbered 99999999999999999999."""
    return _mobile(folder, b"</sheetData>", b'<row r="99999999999999999999"/></sheetData>')


def deep_header(folder: Path) -> Path:
    """The questionnaire table starting below row 40 (45 rows inserted above it)."""
    path = ingest_corpus.filled(folder, economy="UGA")

    def push(book) -> None:
        for sheet in book.worksheets:
            sheet.insert_rows(1, 45)

    return ingest_corpus.edit(path, push)


def long_note(folder: Path) -> Path:
    """A small file with one note of a million characters (compresses to a few kB)."""
    return _mobile(folder, b"<t>operator data</t>", b"<t>" + b"long " * 200_000 + b"</t>")


def nul_csv(folder: Path) -> Path:
    """A long CSV whose value holds a NUL byte and whose note starts with ``=``."""
    path = folder / "UGA_values.csv"
    path.write_bytes(
        b"economy,year,indicator,value,footnote\n"
        b'UGA,2023,i271,12\x0034,"=HYPERLINK(""http://example.invalid"",""click"")"\n'
    )
    return path


def blank_lines_csv(folder: Path) -> Path:
    """A long CSV just under the size read in the batch process: a header, then blank
    lines (the most rows that many bytes can hold)."""
    path = folder / "UGA_blank.csv"
    header = b"economy,year,indicator,value\n"
    path.write_bytes(header + b"\n" * (LIMITS.text_in_batch_bytes - len(header)))
    return path


def blank_lines_then_value_csv(folder: Path) -> Path:
    """A long CSV of 4 MB read by the worker (over the in-batch size): four million blank
    lines, then one value — only the value travels back to the batch."""
    path = folder / "UGA_gap.csv"
    path.write_bytes(b"economy,year,indicator,value\n" + b"\n" * 4_000_000 + b"UGA,2023,i271,5\n")
    return path


def wide_row_csv(folder: Path) -> Path:
    """A long CSV whose second line holds 500,000 fields."""
    path = folder / "UGA_wide.csv"
    path.write_bytes(b"economy,year,indicator,value\n" + b"," * 500_000 + b"\n")
    return path


def open_quote_csv(folder: Path) -> Path:
    """A long CSV whose value opens a quote it never closes (the rest of the file would be
    that one field)."""
    path = folder / "UGA_quote.csv"
    path.write_bytes(b'economy,year,indicator,value\nUGA,2023,i271,"12\nUGA,2023,i112,5\n')
    return path


def traversal_csv(folder: Path) -> Path:
    """A long CSV row whose economy reads ``../../x``."""
    path = folder / "traversal.csv"
    path.write_text("economy,year,indicator,value\n../../x,2023,i271,5\n", encoding="utf-8")
    return path


def non_utf8_name(folder: Path) -> Path:
    """A good workbook whose file name holds a byte that is not UTF-8."""
    source = ingest_corpus.filled(folder / "_src", economy="UGA")
    target = Path(os.fsdecode(os.fsencode(folder) + b"/UGA_2023_admin\xff.xlsx"))
    source.rename(target)
    (folder / "_src").rmdir()
    return target


def dangling_link(folder: Path) -> Path:
    path = folder / "UGA_2023_admin.xlsx"
    path.symlink_to(folder / "gone.xlsx")
    return path


def escaping_link(folder: Path) -> Path:
    outside = folder.parent / "outside"
    outside.mkdir(exist_ok=True)
    path = folder / "UGA_2023_admin.xlsx"
    path.symlink_to(ingest_corpus.filled(outside, economy="UGA"))
    return path


def fifo(folder: Path) -> Path:
    path = folder / "UGA_2023_admin.xlsx"
    os.mkfifo(path)
    return path


def zip_with(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()
