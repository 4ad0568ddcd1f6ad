"""Messy input is normal input: each anomaly → a coded finding at its cell.

Every case edits one filled questionnaire, ingests it, checks the expected finding code at the
expected sheet/cell and the observation (or its absence), and checks conservation: every
non-empty data cell is an observation or a finding.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from pipeline.ingest import IngestResult, ingest_paths
from pipeline.ingest.conservation import data_cells, uncovered

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import ingest_corpus

Edit = Callable[[openpyxl.Workbook], None]


def _set(sheet: str, **cells: object) -> Edit:
    def change(book: openpyxl.Workbook) -> None:
        for ref, value in cells.items():
            book[sheet][ref] = value

    return change


def _ingest(path: Path) -> IngestResult:
    result = ingest_paths([path], path.parent, known=ingest_corpus.KNOWN)
    gaps = uncovered(data_cells(path), path.name, result.observations, result.findings)
    assert not gaps, f"conservation broken: {sorted(gaps)}"
    return result


def _observation(result: IngestResult, sheet: str, cell: str) -> float | None:
    rows = result.observations[
        (result.observations["sheet"] == sheet) & (result.observations["cell"] == cell)
    ]
    return None if rows.empty else float(rows["value"].iloc[0])


#: (case, edit, code, sheet, cell, value read or None when no observation)
CELL_CASES = [
    ("space thousands", _set("Mobile", J9="65 000 000"), "ING-TEXT-NUMBER", "J9", 65e6),
    ("comma thousands", _set("Mobile", J9="1,234.5"), "ING-TEXT-NUMBER", "J9", 1234.5),
    ("decimal comma", _set("Mobile", J9="12,5"), "ING-TEXT-NUMBER", "J9", 12.5),
    ("apostrophe", _set("Mobile", J9="1'234"), "ING-TEXT-NUMBER", "J9", 1234.0),
    ("dots", _set("Mobile", J9=".."), "ING-MISSING-MARKER", "J9", None),
    ("n/a", _set("Mobile", J9="n/a"), "ING-MISSING-MARKER", "J9", None),
    ("dash", _set("Mobile", J9="-"), "ING-MISSING-MARKER", "J9", None),
    ("footnote marker", _set("Mobile", J9="123*"), "ING-FOOTNOTE-MARKER", "J9", 123.0),
    ("ambiguous", _set("Mobile", J9="1,234"), "ING-AMBIGUOUS-NUMBER", "J9", 1234.0),
    ("words", _set("Mobile", J9="about a million"), "ING-UNPARSEABLE", "J9", None),
    ("date", _set("Mobile", J9=dt.datetime(2023, 1, 2)), "ING-UNPARSEABLE", "J9", None),
    ("uncached formula", _set("Mobile", J9="=1+1"), "ING-FORMULA-NO-CACHE", "J9", None),
    ("unknown code", _set("Mobile", A10="i999", J10=5), "ING-UNKNOWN-INDICATOR", "J10", None),
    ("bad breakdown", _set("Mobile", D11="F"), "ING-UNKNOWN-BREAKDOWN", "J11", None),
    ("bad status", _set("Mobile", K9="maybe"), "ING-BAD-STATUS", "J9", 65e6),
    ("no header column", _set("Mobile", P9=5), "ING-STRAY-VALUE", "P9", None),
    ("row without code", _set("Mobile", A10=None, J10=5), "ING-STRAY-VALUE", "J10", None),
    ("bad year header", _set("Mobile", L8="FY23"), "ING-BAD-YEAR", "L8", None),
]


@pytest.mark.parametrize(
    ("edit", "code", "cell", "value"),
    [case[1:] for case in CELL_CASES],
    ids=[case[0] for case in CELL_CASES],
)
def test_cell_anomaly(
    tmp_path: Path, edit: Edit, code: str, cell: str, value: float | None
) -> None:
    path = ingest_corpus.edit(ingest_corpus.filled(tmp_path), edit)
    result = _ingest(path)
    hits = result.findings[result.findings["rule_id"] == code]
    assert list(zip(hits["sheet"], hits["cell"], strict=True)) == [("Mobile", cell)], hits
    assert hits["source_file"].iloc[0] == path.name
    assert _observation(result, "Mobile", cell) == value


@pytest.mark.parametrize(
    ("multiplier", "code", "value"),
    [
        ("thousands", "ING-SCALED", 65e9),
        ("Millions", "ING-SCALED", 65e12),
        ("dozens", "ING-BAD-MULTIPLIER", None),
    ],
)
def test_sheet_multiplier(tmp_path: Path, multiplier: str, code: str, value: float | None) -> None:
    """The multiplier applies to every count on its sheet, each scaling reported at its cell."""
    path = ingest_corpus.edit(ingest_corpus.filled(tmp_path), _set("Mobile", B6=multiplier))
    result = _ingest(path)
    assert set(result.findings["rule_id"]) == {code}
    assert sorted(result.findings["cell"]) == ["J11", "J9", "L9"]
    assert _observation(result, "Mobile", "J9") == value
    assert _observation(result, "Coverage", "L11") == 97.25


def test_percentages_are_not_scaled(tmp_path: Path) -> None:
    path = ingest_corpus.edit(ingest_corpus.filled(tmp_path), _set("Coverage", B6="millions"))
    result = _ingest(path)
    assert result.findings.empty
    assert result.observations.set_index("indicator").loc["i271GA", "value"] == 97.25


def test_merged_cells(tmp_path: Path) -> None:
    path = ingest_corpus.filled(tmp_path)
    ingest_corpus.edit(path, lambda book: book["Mobile"].merge_cells("J9:J10"))
    result = _ingest(path)
    merged = result.findings[result.findings["rule_id"] == "ING-MERGED-CELL"]
    assert merged[["sheet", "cell"]].values.tolist() == [["Mobile", "J9"]]
    assert _observation(result, "Mobile", "J9") == 65e6


def test_hidden_row_is_read_and_reported(tmp_path: Path) -> None:
    path = ingest_corpus.filled(tmp_path)

    def hide(book: openpyxl.Workbook) -> None:
        book["Mobile"].row_dimensions[9].hidden = True

    result = _ingest(ingest_corpus.edit(path, hide))
    hidden = result.findings[result.findings["rule_id"] == "ING-HIDDEN-ROW"]
    assert sorted(hidden["cell"]) == ["J9", "L9"]
    assert _observation(result, "Mobile", "L9") == 66_745_700


def test_extra_and_renamed_sheets(tmp_path: Path) -> None:
    path = ingest_corpus.filled(tmp_path)

    def change(book: openpyxl.Workbook) -> None:
        book["Mobile"].title = "Mobile 2023"
        book.create_sheet("Comments")["A1"] = "numbers are provisional"

    result = _ingest(ingest_corpus.edit(path, change))
    assert result.findings[["rule_id", "sheet"]].values.tolist() == [
        ["ING-EXTRA-SHEET", "Comments"]
    ]
    assert _observation(result, "Mobile 2023", "L9") == 66_745_700


def test_formula_with_cached_value_is_read(tmp_path: Path) -> None:
    path = ingest_corpus.edit(ingest_corpus.filled(tmp_path), _set("Mobile", J10="=J9-1"))
    part = ingest_corpus.sheet_part(path, "Mobile")
    ingest_corpus.patch_part(path, part, b"<f>J9-1</f><v></v>", b"<f>J9-1</f><v>42</v>")
    result = _ingest(path)
    assert result.findings.empty
    assert _observation(result, "Mobile", "J10") == 42.0


def test_economy_in_file_wins_over_file_name(tmp_path: Path) -> None:
    path = ingest_corpus.filled(tmp_path, name="UGA_2023_admin.xlsx")
    result = _ingest(path)
    assert result.findings[["rule_id", "value", "expected"]].values.tolist() == [
        ["ING-ECONOMY-MISMATCH", "KEN", "UGA"]
    ]
    assert set(result.observations["economy"]) == {"KEN"}


def test_unknown_economy(tmp_path: Path) -> None:
    path = ingest_corpus.filled(tmp_path, economy="XYZ")
    result = _ingest(path)
    assert result.findings[["rule_id", "severity", "value"]].values.tolist() == [
        ["ING-UNKNOWN-ECONOMY", "error", "XYZ"]
    ]


def test_economy_not_a_code_falls_back_to_file_name(tmp_path: Path) -> None:
    path = ingest_corpus.edit(ingest_corpus.filled(tmp_path), _set("Mobile", B2="Kenya"))
    for name in ("Fixed", "Broadband", "Coverage", "Traffic", "Prices"):
        ingest_corpus.edit(path, _set(name, B2="Kenya"))
    result = _ingest(path)
    assert result.findings["rule_id"].tolist() == ["ING-UNKNOWN-ECONOMY"]
    assert set(result.observations["economy"]) == {"KEN"}


@pytest.mark.parametrize(
    ("value", "code", "kept"), [(65e6, "ING-DUPLICATE-SAME", 1), (1.0, "ING-DUPLICATE", 0)]
)
def test_duplicates(tmp_path: Path, value: float, code: str, kept: int) -> None:
    path = ingest_corpus.filled(tmp_path)
    ingest_corpus.edit(path, _set("Mobile", A10="i271", J10=value))
    result = _ingest(path)
    hits = result.findings[result.findings["rule_id"] == code]
    assert set(hits["cell"]) <= {"J9", "J10"} and len(hits) == 2 - kept
    i271 = result.observations.query("indicator == 'i271' and year == 2022")
    assert len(i271) == kept
