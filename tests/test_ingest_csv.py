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


@pytest.mark.parametrize("names", ["Value,value", "value,value", "value, VALUE "])
def test_a_meaningful_column_given_twice_is_a_finding(tmp_path: Path, names: str) -> None:
    """Two ``value`` columns (names compared stripped and lower-cased, exact repeats too):
    which one holds the value cannot be told, so the file is one finding and the rest of
    the batch is read."""
    twice = tmp_path / "twice.csv"
    twice.write_text(f"economy,year,indicator,{names}\nKEN,2023,i112,5,6\n")
    fine = tmp_path / "fine.csv"
    fine.write_text("economy,year,indicator,value\nUGA,2023,i112,7\n")
    result = ingest_paths([twice, fine], tmp_path, known=KNOWN)
    bad = result.findings[result.findings["rule_id"] == "ING-BAD-CSV"]
    assert bad["source_file"].tolist() == ["twice.csv"]
    assert result.observations["economy"].tolist() == ["UGA"]


def test_quoting_line_endings_and_bom_as_rfc_4180(tmp_path: Path) -> None:
    """A BOM, CRLF and bare CR line endings, quoted commas, doubled quotes and a footnote
    with a line break inside quotes: each value on its own row, the quoted line break one
    row (so the next value's ``row N`` is its record, as a spreadsheet shows it)."""
    path = tmp_path / "quoted.csv"
    path.write_bytes(
        b"\xef\xbb\xbfeconomy,year,indicator,value,footnote\r\n"
        b'KEN,2023,i112,"1,5","Census, ""final"""\r\n'
        b'KEN,2023,i4213,7,"two\nlines"\r'
        b"KEN,2022,i112,6,\n"
    )
    result = ingest_paths([path], tmp_path, known=KNOWN)
    rows = result.observations.set_index(["indicator", "year"])
    assert rows.loc[("i4213", 2023), ["cell", "footnote"]].tolist() == ["row 3", "two\nlines"]
    assert rows.loc[("i112", 2022), "cell"] == "row 4"
    assert rows.loc[("i112", 2023), "footnote"] == 'Census, "final"'
    assert set(rows.index.get_level_values("indicator")) == {"i112", "i4213"}


def test_a_row_with_more_fields_than_the_header_names_its_line(tmp_path: Path) -> None:
    """Which column an extra field belongs to cannot be told: the file is one finding that
    names the line, and the other files of the batch are read in full."""
    bad = tmp_path / "extra.csv"
    bad.write_text("economy,year,indicator,value\nKEN,2023,i112,5\n\nKEN,2023,i271,6,9\n")
    fine = tmp_path / "fine.csv"
    fine.write_text("economy,year,indicator,value\nUGA,2023,i112,7\nUGA,2022,i112,6\n")
    result = ingest_paths([bad, fine], tmp_path, known=KNOWN)
    assert result.findings[["rule_id", "source_file"]].values.tolist() == [
        ["ING-BAD-CSV", "extra.csv"]
    ]
    assert "line 4 has 5 fields, the header 4" in result.findings["message"].iloc[0]
    assert result.observations["economy"].tolist() == ["UGA", "UGA"]


@pytest.mark.parametrize("text", ["", "\n\n", ",,\nKEN,2023,i112\n"])
def test_a_csv_without_a_header_is_one_finding(tmp_path: Path, text: str) -> None:
    (tmp_path / "empty.csv").write_text(text)
    (tmp_path / "fine.csv").write_text("economy,year,indicator,value\nUGA,2023,i112,7\n")
    result = ingest_folder(tmp_path, known=KNOWN)
    assert result.findings[["rule_id", "source_file"]].values.tolist() == [
        ["ING-BAD-CSV", "empty.csv"]
    ]
    assert result.observations["economy"].tolist() == ["UGA"]


def test_a_header_only_csv_has_no_values_and_no_finding(tmp_path: Path) -> None:
    (tmp_path / "head.csv").write_text("economy,year,indicator,value\n")
    result = ingest_folder(tmp_path, known=KNOWN)
    assert result.findings.empty and result.observations.empty


def test_a_footnote_longer_than_the_csv_module_default_is_the_note_cap(tmp_path: Path) -> None:
    """Python's CSV reader refuses fields over 131,072 characters by default; a long
    footnote is the note cap's finding (the value kept, the note cut), never an unreadable
    file."""
    path = tmp_path / "long.csv"
    path.write_text("economy,year,indicator,value,footnote\nKEN,2023,i112,5," + "x" * 200_000)
    result = ingest_paths([path], tmp_path, known=KNOWN)
    assert result.observations["value"].tolist() == [5.0]
    assert "ING-BAD-CSV" not in set(result.findings["rule_id"])
    assert len(result.observations["footnote"].iloc[0]) < 200_000


@pytest.mark.parametrize("line", ['KEN,2023,i271,"12\nKEN,2023,i112,5\n', 'KEN,2023,i271,"12"3\n'])
def test_broken_quoting_makes_the_file_unreadable(tmp_path: Path, line: str) -> None:
    """A quote left open would swallow the rest of the file into one value, and text after
    a closing quote says the quoting is not what the writer meant: the file is one finding,
    never a value read from the wrong fields."""
    path = tmp_path / "quote.csv"
    path.write_text("economy,year,indicator,value\nKEN,2022,i112,4\n" + line)
    result = ingest_paths([path], tmp_path, known=KNOWN)
    assert result.findings["rule_id"].tolist() == ["ING-BAD-CSV"]
    assert result.observations.empty
