"""Nothing from a return is live in an output or becomes a path.

Text in returns (notes, codes, stray cells) reaches workbooks and CSV files that people open
in spreadsheet programs. A text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return is a formula there ("CSV injection", OWASP: https://owasp.org/www-community/attacks/CSV_Injection):
``=HYPERLINK("http://…","click")`` or ``=cmd|' /C calc'!A0``. So:

* in CSV files, such a field is prefixed with a single quote, as OWASP advises, unless it is a
  plain number (``-5``, ``+1.5e3``), which a spreadsheet reads as the number it is;
* in workbooks, every such text is written as a text cell, never a formula (:func:`defuse`
  after a workbook is built, :func:`cell_value` for each value written), and control
  characters that XML cannot hold (a NUL byte) are replaced by U+FFFD;
* a file name is built from an economy code only when the code is in the economy reference
  (:func:`file_stem`); anything else gets a name derived from its hash, so a code such as
  ``../../x`` never becomes a path.

Parquet tables keep the text exactly as read: they are for programs, not spreadsheets.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection

import pandas as pd

FORMULA_START = r"^[=+\-@\t\r]"
PLAIN_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
#: Characters XML 1.0 cannot hold (openpyxl refuses them).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ISO3 = re.compile(r"[A-Z]{3}")
QUOTE = "'"


def is_live(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula."""
    return bool(re.match(FORMULA_START, text)) and not re.fullmatch(PLAIN_NUMBER, text)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text fields cannot be formulas in a CSV (vectorised)."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        text = column.astype("string")
        live = text.str.match(FORMULA_START) & ~text.str.fullmatch(PLAIN_NUMBER)
        if live.fillna(False).any():
            out[name] = text.where(~live.fillna(False), QUOTE + text)
    return out


def cell_value(value: object) -> object:
    """A value safe to assign to a workbook cell: text without XML-illegal characters."""
    return ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value


def defuse(book: object) -> object:
    """Turn every formula cell of an openpyxl workbook into a text cell (values kept)."""
    for sheet in getattr(book, "worksheets", []):
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return book


def file_stem(code: object, known: Collection[str]) -> str:
    """``code`` when it is a known ISO3 code, else ``unknown-<hash>`` (never a path)."""
    text = "" if code is None else str(code)
    if ISO3.fullmatch(text) and text in known:
        return text
    return "unknown-" + hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()[:12]
