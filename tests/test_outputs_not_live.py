"""No output cell or CSV field of a run starts with a live formula, and no return text is a path.

A small raw folder (a dozen shipped economies) gets the payloads of the OWASP CSV-injection
guidance: a note ``=HYPERLINK(…)``, a stray ``@SUM(…)`` cell, ``=cmd|' /C calc'!A0`` and
``+cmd`` in a long CSV whose economy reads ``../../x``, a NUL byte. After ``ictstats run``
every CSV field and every workbook cell in processed/ is checked, and nothing is written
where a return's text points.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest

from pipeline.cli import main
from pipeline.paths import RAW
from pipeline.safetext import is_live

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import ingest_corpus

pytestmark = pytest.mark.slow

ECONOMIES = ("KEN", "UGA", "TZA", "RWA", "GHA", "NGA", "ZAF", "EGY", "MAR", "SEN", "FRA", "BRA")
HYPERLINK = '=HYPERLINK("http://example.invalid","click")'


def _text(cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # a text cell that merely starts with "=", as a careless sender types


def _raw(folder: Path) -> Path:
    for economy in ECONOMIES:
        for path in RAW.rglob(f"{economy}_*.xlsx"):
            target = folder / path.relative_to(RAW)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)

    def payload(book) -> None:
        sheet = book["Mobile"]
        note = next(c for c in sheet[8] if c.value == "Note")
        _text(sheet.cell(row=9, column=note.column), HYPERLINK)
        _text(sheet.cell(row=9, column=note.column + 2), "@SUM(1+1)*cmd|' /C calc'!A0")

    ingest_corpus.edit(folder / "2025-12" / "admin" / "KEN_2023_admin.xlsx", payload)
    (folder / "odd.csv").write_bytes(
        b"economy,year,indicator,value,footnote\n"
        b"../../x,2023,i271,5,=cmd|' /C calc'!A0\n"
        b"UGA,2023,i271,12\x0034,+cmd\n"
    )
    return folder


def _csv_fields(path: Path):
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        for row in csv.reader(handle):
            yield from row


def test_no_output_is_live(tmp_path: Path) -> None:
    raw = _raw(tmp_path / "raw")
    processed = tmp_path / "work" / "processed"
    code = main(["run", "--raw", str(raw), "--processed", str(processed)])
    assert code in (0, 1)
    texts = []
    for path in sorted(processed.rglob("*.csv")):
        fields = list(_csv_fields(path))
        texts.extend(fields)
        live = [field for field in fields if is_live(field)]
        assert not live, f"{path.relative_to(processed)}: {live[:3]}"
    for path in sorted(processed.rglob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name}!{sheet.title}!{cell.coordinate}"
                    if isinstance(cell.value, str):
                        texts.append(cell.value)
    # the payloads did reach the outputs, as inert text
    assert "'" + HYPERLINK in texts and HYPERLINK in texts
    reports = {p.name for p in (processed / "validate" / "reports").iterdir()}
    assert "KEN.xlsx" in reports and not any(".." in name or "/" in name for name in reports)
    # nothing lands outside the outputs (the store of record sits beside processed/)
    assert {p.name for p in (tmp_path / "work").iterdir()} <= {"processed", "store"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw", "work"]
    assert not [p for p in tmp_path.rglob("*") if p.stem.upper() == "X"]
