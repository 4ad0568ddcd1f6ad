"""Unit tests of the ingest modules: sheet XML scan, safety verdicts, column roles, economy."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import pipeline.ingest as ingest
from pipeline.dictionary import indicators
from pipeline.ingest.cells import read_status, resolve_indicators
from pipeline.ingest.safety import Limits, check_file
from pipeline.ingest.sheet import as_year, classify_columns, header_block, header_row_index
from pipeline.ingest.sheetxml import OverBudgetError, column_number, scan_sheet, sheet_parts
from pipeline.ingest.workbook import economy_from_name, resolve_economy

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import ingest_corpus

SHEET_XML = b"""<worksheet><dimension ref="A1:N40"/><cols><col min="3" max="4" hidden="1"/>
<col min="5" max="5" width="9"/></cols><sheetData>
<row r="9" spans="1:14" hidden="1"><c r="J9"><f>SUM(J10:J12)</f><v>42</v></c></row>
<row r="10" hidden="true"><c r="J10" s="1"><f>1+1</f><v /></c>
<c r="K10"><f t="shared" si="0"/></c></row>
<row r="11"><c r="L11"><f>A&amp;B</f></c><c r="M11" t="s"><v>3</v></c></row>
</sheetData><mergeCells count="1"><mergeCell ref="J12:L12"/></mergeCells></worksheet>"""


def test_scan_sheet() -> None:
    facts = scan_sheet(SHEET_XML)
    assert facts.hidden_rows == {9, 10}
    assert facts.hidden_columns == {3, 4}
    assert facts.merged == ["J12:L12"]
    assert facts.uncached_formulas == {
        "J10": "=1+1",
        "K10": "(shared formula)",
        "L11": "=A&B",
    }
    # the extent is what the cells use, never what the dimension claims
    assert (facts.max_row, facts.max_column) == (11, 13)


def test_scan_refuses_a_dimension_or_cell_beyond_the_budget() -> None:
    limits = Limits(sheet_rows=30)
    with pytest.raises(OverBudgetError, match="40 rows"):
        scan_sheet(SHEET_XML, limits)
    far = SHEET_XML.replace(b'<c r="M11"', b'<c r="XFD11"').replace(b"A1:N40", b"A1:N11")
    with pytest.raises(OverBudgetError, match="16384 columns"):
        scan_sheet(far)


@pytest.mark.parametrize(("letters", "number"), [("A", 1), ("Z", 26), ("AA", 27), ("ZZ", 702)])
def test_column_number(letters: str, number: int) -> None:
    assert column_number(letters) == number


RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = f"{RELATIONSHIPS}/worksheet"
CHART_TYPE = f"{RELATIONSHIPS}/chartsheet"


@pytest.mark.parametrize("target", ["worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml"])
def test_sheet_parts_resolves_relative_and_absolute_targets(tmp_path: Path, target: str) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Mobile" sheetId="1" r:id="rId1"/>'
            '<sheet name="Chart" sheetId="2" r:id="rId2"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Target="{target}" Type="{WORKSHEET_TYPE}"/>'
            f'<Relationship Id="rId2" Target="chartsheets/sheet1.xml" Type="{CHART_TYPE}"/>'
            "</Relationships>",
        )
    with zipfile.ZipFile(path) as archive:
        assert sheet_parts(archive) == {"Mobile": "xl/worksheets/sheet1.xml"}


def test_check_file_accepts_a_questionnaire(tmp_path: Path) -> None:
    verdict = check_file(ingest_corpus.filled(tmp_path))
    assert verdict.readable and not verdict.macro


def test_check_file_ratio_limit(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", bytes(100_000))
    assert check_file(path).readable
    strict = Limits(ratio_floor_bytes=1000, member_ratio=10)
    assert check_file(path, strict).code == "ING-TOO-LARGE"


@pytest.mark.parametrize(
    ("header", "year"),
    [
        (2023, 2023),
        (2023.0, 2023),
        ("2023", 2023),
        (" 2023 ", 2023),
        ("FY23", None),
        (1800, None),
        (True, None),
        (None, None),
        (2023.5, None),
    ],
)
def test_as_year(header: object, year: int | None) -> None:
    assert as_year(header) == year


def test_classify_columns_by_header_text() -> None:
    header = ("Code", "Indicator", "Unit", "Sex", 2022, "2022 status", "Note", "Remarks", None)
    columns = classify_columns(header)
    assert columns.code == 0 and columns.labels == {1, 2}
    assert columns.dimensions == {"sex": 3}
    assert columns.years == {2022: 4} and columns.status == {2022: 5}
    assert columns.note == 6 and columns.bad_headers == {7: "Remarks"}
    assert columns.roles() == {0, 1, 2, 3, 5, 6}


def test_header_row_and_block() -> None:
    rows = [("Title",), ("Economy (ISO3)", "KEN"), ("Unit multiplier", "thousands"), (), ("Code",)]
    assert header_row_index(rows) == 4
    assert header_block(rows, 4) == {"economy": "KEN", "multiplier": "thousands"}
    assert header_row_index([("nothing",)]) is None


@pytest.mark.parametrize(
    ("name", "economy"),
    [("KEN_2023_admin", "KEN"), ("ken-2023", "KEN"), ("KEN", "KEN"), ("Kenya_2023", None)],
)
def test_economy_from_name(name: str, economy: str | None) -> None:
    assert economy_from_name(Path(f"{name}.xlsx")) == economy


@pytest.mark.parametrize(
    ("declared", "file", "economy", "codes"),
    [
        ("KEN", "KEN_x.xlsx", "KEN", []),
        ("KEN", "UGA_x.xlsx", "KEN", ["ING-ECONOMY-MISMATCH"]),
        (None, "UGA_x.xlsx", "UGA", []),
        ("KENYA", "UGA_x.xlsx", "UGA", ["ING-UNKNOWN-ECONOMY"]),
        (None, "returns.xlsx", None, ["ING-UNKNOWN-ECONOMY"]),
        ("XYZ", "XYZ_x.xlsx", "XYZ", ["ING-UNKNOWN-ECONOMY"]),
    ],
)
def test_resolve_economy(declared, file: str, economy, codes: list[str]) -> None:
    got, findings = resolve_economy(declared, Path(file), file, {"KEN", "UGA"})
    assert got == economy
    assert [f["code"] for f in findings] == codes


def test_read_status() -> None:
    flags = read_status(pd.Series(["", "E", "b", "E B", "EB", "e,b", "X", None]))
    assert flags["estimate"].tolist() == [False, True, False, True, True, True, False, False]
    assert flags["break_in_series"].tolist() == [False, False, True, True, True, True, False, False]
    assert flags["bad"].tolist() == [False] * 6 + [True, False]


def test_resolve_indicators_case_insensitive_and_collected_only() -> None:
    got = resolve_indicators(pd.Series(["i271", "hh7", "I271GA", "i911", "nope"]), indicators())
    assert got.tolist()[:3] == ["i271", "HH7", "i271GA"]
    assert got.iloc[3:].isna().all()  # derived indicators are not collected; unknown codes


def test_chunked_batches_equal_one_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for economy in ("KEN", "UGA", "TZA"):
        ingest_corpus.filled(tmp_path, economy=economy)
        ingest_corpus.filled(tmp_path, kind="household", economy=economy)
    ingest_corpus.filled(tmp_path, economy="KEN", name="KEN_copy_admin.xlsx")
    whole = ingest.ingest_folder(tmp_path, known=ingest_corpus.KNOWN)
    monkeypatch.setattr(ingest, "CHUNK_CELLS", 200)
    chunked = ingest.ingest_folder(tmp_path, known=ingest_corpus.KNOWN)
    pd.testing.assert_frame_equal(whole.observations, chunked.observations)
    pd.testing.assert_frame_equal(whole.findings, chunked.findings)
    assert set(whole.findings["rule_id"]) == {"ING-DUPLICATE-SAME"}
    assert len(whole.observations) == 3 * 8


def test_layout_header_and_status_codes() -> None:
    from pipeline.ingest import layout

    assert layout.header_row([2023])[-3:] == [2023, "2023 status", "Note"]
    assert [layout.status_code(e, b) for e, b in [(0, 0), (1, 0), (0, 1), (1, 1)]] == [
        "",
        "E",
        "B",
        "EB",
    ]
    assert set(layout.STATUS_FLAGS) == {"E", "B"}


def test_pending_findings_are_realised_once_per_code() -> None:
    from pipeline.ingest.pending import pending, realise

    rows = [
        {"code": "ING-LEGACY-XLS", "source_file": "a.xls"},
        pending("ING-MISSING-MARKER", [{"sheet": "S", "cell": "A1", "value": ".."}]),
        pending("ING-MISSING-MARKER", []),
    ]
    table = realise(rows)
    assert sorted(table["rule_id"]) == ["ING-LEGACY-XLS", "ING-MISSING-MARKER"]
    assert set(table["stage"]) == {"ingest"}
    assert realise([]).empty
