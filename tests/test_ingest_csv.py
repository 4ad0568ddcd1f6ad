"""The documented long CSV form of a return."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.ingest import ingest_folder, ingest_paths
from pipeline.ingest.conservation import data_cells, uncovered

DATA = Path(__file__).parent / "data" / "ingest"
KNOWN = {"KEN", "UGA", "TZA"}


@pytest.fixture(scope="module")
def result():
    path = DATA / "long_return.csv"
    return ingest_paths([path], DATA, known=KNOWN)


def _codes_at(result, cell: str) -> list[str]:
    return sorted(result.findings.loc[result.findings["cell"] == cell, "rule_id"])


def test_values_flags_and_footnotes(result) -> None:
    obs = result.observations.set_index("cell")
    assert obs.loc["row 2", "value"] == 66_745_700
    assert obs.loc["row 2", "footnote"] == "operator data"
    assert obs.loc["row 3", ["value", "sex"]].tolist() == [38.5, "F"]
    assert bool(obs.loc["row 3", "estimate"])
    assert bool(obs.loc["row 4", "break_in_series"])
    assert obs.loc["row 4", "footnote"] == "[*]"
    assert obs.loc["row 9", "kind"] == "external"
    assert set(obs["sheet"]) == {"long_return.csv"}


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("row 2", []),
        ("row 3", ["ING-TEXT-NUMBER"]),
        ("row 4", ["ING-FOOTNOTE-MARKER"]),
        ("row 5", ["ING-MISSING-MARKER"]),
        ("row 7", ["ING-BAD-CSV"]),
        ("row 8", ["ING-UNKNOWN-INDICATOR"]),
        ("row 10", ["ING-UNKNOWN-ECONOMY"]),
        ("row 11", ["ING-UNKNOWN-BREAKDOWN"]),
        ("row 12", ["ING-BAD-STATUS", "ING-TEXT-NUMBER"]),
    ],
)
def test_row_findings(result, cell: str, codes: list[str]) -> None:
    assert _codes_at(result, cell) == codes


def test_conservation(result) -> None:
    path = DATA / "long_return.csv"
    assert not uncovered(data_cells(path), path.name, result.observations, result.findings)
    assert len(data_cells(path)) == 10


def test_missing_columns_is_one_finding(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("economy,year,indicator\nKEN,2023,i271\n")
    result = ingest_folder(tmp_path, known=KNOWN)
    assert result.findings[["rule_id", "source_file"]].values.tolist() == [
        ["ING-BAD-CSV", "bad.csv"]
    ]


def test_csv_that_is_not_a_return(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("file,defect\nx.xlsx,typo\n")
    result = ingest_folder(tmp_path, known=KNOWN)
    assert result.findings["rule_id"].tolist() == ["ING-NOT-A-RETURN"]
    assert result.findings["severity"].tolist() == ["info"]


def test_undecodable_csv(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_bytes(b"economy,year,indicator,value\n\xff\xfe\x00KEN,2023,i271,1\n")
    result = ingest_folder(tmp_path, known=KNOWN)
    assert result.findings["rule_id"].tolist() == ["ING-BAD-CSV"]


def test_csv_and_workbook_duplicate_across_files(tmp_path: Path) -> None:
    shutil.copy(DATA / "long_return.csv", tmp_path / "a.csv")
    shutil.copy(DATA / "long_return.csv", tmp_path / "b.csv")
    result = ingest_folder(tmp_path, known=KNOWN)
    same = result.findings[result.findings["rule_id"] == "ING-DUPLICATE-SAME"]
    assert len(same) == 5 and set(same["source_file"]) == {"b.csv"}
    assert len(result.observations) == 5


def test_blank_line_does_not_shift_csv_row_numbers(tmp_path: Path) -> None:
    """A blank line inside a long CSV must not shift later values' ``row N`` off their line."""
    path = tmp_path / "gap.csv"
    path.write_text("economy,year,indicator,value\nKEN,2023,i112,5\n\nKEN,2023,i4213,7\n")
    result = ingest_paths([path], tmp_path, known=KNOWN)
    cells = result.observations.set_index("indicator")["cell"]
    assert cells.to_dict() == {"i112": "row 2", "i4213": "row 4"}
    assert not uncovered(data_cells(path), path.name, result.observations, result.findings)


def test_clean_csv_has_no_unknown_economy_finding(tmp_path: Path) -> None:
    """Every row valid: no finding at all (an empty selection once came back with every row)."""
    path = tmp_path / "clean.csv"
    path.write_text("economy,year,indicator,value\nKEN,2022,i112,5\nKEN,2023,i112,6\n")
    result = ingest_paths([path], tmp_path, known=KNOWN)
    assert result.findings.empty
    assert len(result.observations) == 2


def test_rows_of_many_csv_files_keep_their_own_file_and_line(tmp_path: Path) -> None:
    """Long CSVs are interpreted together in one pass: each value keeps its file and line,
    optional columns absent from one file are empty there, and each unknown economy is
    reported once per file that holds it."""
    first = tmp_path / "a.csv"
    first.write_text(
        "economy,year,indicator,value,estimate\nKEN,2023,i112,5,yes\nZZZ,2023,i112,1\n"
    )
    second = tmp_path / "b.csv"
    second.write_text(
        "economy,year,indicator,value\nYYY,2022,i112,2\nUGA,2022,i112,6\nXXX,2022,i112,3\n"
        "YYY,2021,i112,4\n"
    )
    result = ingest_paths([first, second], tmp_path, known=KNOWN)
    rows = result.observations.set_index("economy")
    assert rows.loc["KEN", ["source_file", "cell"]].tolist() == ["a.csv", "row 2"]
    assert rows.loc["UGA", ["source_file", "cell"]].tolist() == ["b.csv", "row 3"]
    assert bool(rows.loc["KEN", "estimate"]) and not bool(rows.loc["UGA", "estimate"])
    unknown = result.findings[result.findings["rule_id"] == "ING-UNKNOWN-ECONOMY"]
    assert sorted(zip(unknown["source_file"], unknown["economy"], strict=True)) == [
        ("a.csv", "ZZZ"),
        ("b.csv", "XXX"),
        ("b.csv", "YYY"),
    ]


def test_a_meaningful_column_given_twice_is_a_finding(tmp_path: Path) -> None:
    """Two ``value`` columns (names compared lower-cased): which one holds the value cannot
    be told, so the file is one finding and the rest of the batch is read."""
    twice = tmp_path / "twice.csv"
    twice.write_text("economy,year,indicator,Value,value\nKEN,2023,i112,5,6\n")
    fine = tmp_path / "fine.csv"
    fine.write_text("economy,year,indicator,value\nUGA,2023,i112,7\n")
    result = ingest_paths([twice, fine], tmp_path, known=KNOWN)
    bad = result.findings[result.findings["rule_id"] == "ING-BAD-CSV"]
    assert bad["source_file"].tolist() == ["twice.csv"]
    assert result.observations["economy"].tolist() == ["UGA"]
