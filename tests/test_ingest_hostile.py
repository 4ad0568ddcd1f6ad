"""Broken and hostile files: one finding naming the file, the batch goes on.

The malformed corpus is built byte by byte in tmp_path. Each file is ingested together with a
good questionnaire; the bad file must yield exactly the expected finding (and nothing else),
the good one must still be read, and nothing may raise.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from pipeline.ingest import ingest_folder, ingest_paths
from pipeline.ingest.safety import OLE_MAGIC, Limits
from pipeline.ingest.workbook import read_workbook

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import ingest_corpus

GOOD_OBSERVATIONS = 6  # admin values in ingest_corpus.VALUES


def _not_zip(folder: Path) -> Path:
    path = folder / "UGA_2023_admin.xlsx"
    path.write_text("economy,value\nUGA,1\n")
    return path


def _empty(folder: Path) -> Path:
    path = folder / "UGA_2023_admin.xlsx"
    path.write_bytes(b"")
    return path


def _truncated(folder: Path) -> Path:
    source = ingest_corpus.filled(folder / "src", economy="UGA")
    path = folder / "UGA_2023_admin.xlsx"
    path.write_bytes(source.read_bytes()[:1500])
    return path


def _ole(folder: Path, streams: bytes, suffix: str) -> Path:
    path = folder / f"UGA_2023_admin{suffix}"
    path.write_bytes(OLE_MAGIC + bytes(504) + streams + bytes(2048))
    return path


def _encrypted(folder: Path) -> Path:
    names = "EncryptionInfo".encode("utf-16-le") + bytes(4) + "EncryptedPackage".encode("utf-16-le")
    return _ole(folder, names, ".xlsx")


def _legacy(folder: Path) -> Path:
    return _ole(folder, "Workbook".encode("utf-16-le"), ".xls")


def _zip_bomb(folder: Path) -> Path:
    path = folder / "UGA_2023_admin.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(5_000_000))
    return path


def _other_zip(folder: Path) -> Path:
    path = folder / "UGA_2023_admin.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    return path


def _broken_xml(folder: Path) -> Path:
    path = ingest_corpus.filled(folder, economy="UGA")
    part = ingest_corpus.sheet_part(path, "Mobile")
    return ingest_corpus.patch_part(path, part, b"<sheetData>", b"<sheetData><row r=")


def _huge_dimension(folder: Path) -> Path:
    path = ingest_corpus.filled(folder, economy="UGA")
    part = ingest_corpus.sheet_part(path, "Mobile")
    return ingest_corpus.patch_part(
        path, part, b'<dimension ref="A1:N11"', b'<dimension ref="A1:N99999"'
    )


CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("not a zip", _not_zip, "ING-NOT-WORKBOOK"),
    ("empty file", _empty, "ING-NOT-WORKBOOK"),
    ("truncated", _truncated, "ING-NOT-WORKBOOK"),
    ("password-protected", _encrypted, "ING-ENCRYPTED"),
    ("legacy xls", _legacy, "ING-LEGACY-XLS"),
    ("zip bomb", _zip_bomb, "ING-TOO-LARGE"),
    ("zip but not a workbook", _other_zip, "ING-NOT-WORKBOOK"),
    ("corrupt sheet xml", _broken_xml, "ING-NOT-WORKBOOK"),
    ("oversized sheet", _huge_dimension, "ING-TOO-LARGE"),
]


@pytest.mark.parametrize(("build", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_file_is_one_finding(
    tmp_path: Path, build: Callable[[Path], Path], code: str
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "src").mkdir()
    bad = build(raw)
    ingest_corpus.filled(raw)
    for leftover in (raw / "src").glob("*"):
        leftover.unlink()
    result = ingest_folder(raw, known=ingest_corpus.KNOWN)
    about_bad = result.findings[result.findings["source_file"] == bad.name]
    assert about_bad["rule_id"].tolist() == [code], about_bad["message"].tolist()
    assert bad.name in about_bad["message"].iloc[0] or about_bad["sheet"].notna().all()
    good = result.observations[result.observations["source_file"] == "KEN_2023_admin.xlsx"]
    assert len(good) == GOOD_OBSERVATIONS
    from_bad = result.observations[result.observations["source_file"] == bad.name]
    assert "Mobile" not in set(from_bad["sheet"])


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    """The ratio check uses declared sizes only; a declared total over the limit is refused."""
    path = _zip_bomb(tmp_path)
    result = read_workbook(path, path.name, limits=Limits(uncompressed_bytes=1_000_000))
    assert [f["code"] for f in result.findings] == ["ING-TOO-LARGE"]
    assert "uncompressed" in result.findings[0]["detail"]


def test_macro_workbook_is_read_with_a_warning(tmp_path: Path) -> None:
    path = ingest_corpus.filled(tmp_path, name="KEN_2023_admin.xlsm")
    ingest_corpus.add_part(path, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run")
    result = ingest_paths([path], tmp_path, known=ingest_corpus.KNOWN)
    assert result.findings[["rule_id", "severity"]].values.tolist() == [
        ["ING-MACRO-WORKBOOK", "warning"]
    ]
    assert len(result.observations) == GOOD_OBSERVATIONS


def test_chart_sheet_is_not_a_problem(tmp_path: Path) -> None:
    path = ingest_corpus.filled(tmp_path)

    def add_chart(book: openpyxl.Workbook) -> None:
        chart = BarChart()
        chart.add_data(Reference(book["Mobile"], min_col=10, min_row=8, max_row=11))
        book.create_chartsheet("Chart").add_chart(chart)

    ingest_corpus.edit(path, add_chart)
    result = ingest_paths([path], tmp_path, known=ingest_corpus.KNOWN)
    assert result.findings.empty
    assert len(result.observations) == GOOD_OBSERVATIONS


def test_sheet_over_the_row_limit(tmp_path: Path) -> None:
    path = ingest_corpus.filled(tmp_path)
    limit = 12
    book = openpyxl.load_workbook(path)
    expected = {sheet.title for sheet in book.worksheets if sheet.max_row > limit}
    assert expected and expected != set(book.sheetnames)
    result = read_workbook(path, path.name, limits=Limits(sheet_rows=limit))
    too_large = [f for f in result.findings if f["code"] == "ING-TOO-LARGE"]
    assert {f["sheet"] for f in too_large} == expected


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = ingest_corpus.filled(tmp_path)
    result = read_workbook(path, path.name, limits=Limits(file_bytes=1000))
    assert [f["code"] for f in result.findings] == ["ING-TOO-LARGE"]


def test_no_questionnaire_sheet(tmp_path: Path) -> None:
    path = tmp_path / "KEN_2023_admin.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "hello"
    book.save(path)
    result = ingest_paths([path], tmp_path, known=ingest_corpus.KNOWN)
    assert sorted(result.findings["rule_id"]) == ["ING-EXTRA-SHEET", "ING-UNKNOWN-LAYOUT"]


def test_missing_raw_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        ingest_folder(tmp_path / "nope")


def test_garbage_in_memory_stays_small(tmp_path: Path) -> None:
    """A 3 MB file of zeros with a zip header is refused cheaply, not parsed."""
    path = tmp_path / "KEN_2023_admin.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(3_000_000))
    assert io.BytesIO(path.read_bytes()).read(4) == b"PK\x03\x04"
    result = ingest_paths([path], tmp_path, known=ingest_corpus.KNOWN)
    assert result.findings["rule_id"].tolist() == ["ING-NOT-WORKBOOK"]
