"""Namespace prefixes: ``<x:row>`` reads exactly as ``<row>`` (ECMA-376 allows any prefix).

Some tools write worksheet XML with a prefix on every element. The byte-regex scanner this
reader replaced missed them and silently lost findings (merged cells, hidden rows, formulas
without a saved result) and so values. Every shipped workbook, rewritten with a prefix on
every SpreadsheetML part, must ingest to the same observations and findings as the original.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest import ingest_folder, return_files
from pipeline.paths import RAW

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import hostile
import ingest_corpus


def _rewrite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        hostile.prefix_workbook(source, target)
    except zipfile.BadZipFile:  # not a workbook at all: copied as it is
        shutil.copy(source, target)


def _same(a, b) -> None:
    # the rewritten file has other bytes, so its submission hash differs by design
    strip = ["submission"]
    pd.testing.assert_frame_equal(
        a.observations.drop(columns=strip, errors="ignore"),
        b.observations.drop(columns=strip, errors="ignore"),
    )
    pd.testing.assert_frame_equal(a.findings, b.findings)


def test_prefix_rewrite_of_a_messy_workbook(tmp_path: Path) -> None:
    plain, prefixed = tmp_path / "plain", tmp_path / "prefixed"
    path = ingest_corpus.filled(plain)

    def spoil(book) -> None:
        sheet = book["Mobile"]
        sheet.row_dimensions[11].hidden = True
        sheet.column_dimensions["J"].hidden = True
        sheet.merge_cells("J10:L10")
        sheet["L9"] = "=J9*2"

    ingest_corpus.edit(path, spoil)
    _rewrite(path, prefixed / path.name)
    with zipfile.ZipFile(prefixed / path.name) as archive:
        assert b"<x:row" in archive.read(ingest_corpus.sheet_part(prefixed / path.name, "Mobile"))
    original = ingest_folder(plain, known=ingest_corpus.KNOWN)
    assert {"ING-HIDDEN-ROW", "ING-MERGED-CELL", "ING-FORMULA-NO-CACHE"} <= set(
        original.findings["rule_id"]
    )
    _same(original, ingest_folder(prefixed, known=ingest_corpus.KNOWN))


@pytest.mark.slow
def test_prefix_rewrites_of_every_shipped_workbook(tmp_path: Path) -> None:
    # the whole tree first (round.toml files say which collection round a return belongs to)
    shutil.copytree(RAW, tmp_path, dirs_exist_ok=True, symlinks=True)
    for path in return_files(RAW):
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            _rewrite(path, tmp_path / path.relative_to(RAW))
    original = ingest_folder(RAW)
    assert {"ING-HIDDEN-ROW", "ING-MERGED-CELL", "ING-FORMULA-NO-CACHE"} <= set(
        original.findings["rule_id"]
    )
    _same(original, ingest_folder(tmp_path))
