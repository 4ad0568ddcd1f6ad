"""Collection rounds in ingest: round folders, the header's round cell, submission hashes."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import openpyxl
import pandas as pd

from pipeline.ingest import ingest_folder
from pipeline.ingest.template import write_questionnaire

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import ingest_corpus
from ingest_corpus import KNOWN, YEARS, values_frame


def round_folder(raw: Path, round_id: str, closed: str, extra: str = "") -> Path:
    folder = raw / round_id
    folder.mkdir(parents=True)
    text = f'id = "{round_id}"\nname = "{round_id} collection"\nclosed = {closed}\n{extra}'
    (folder / "round.toml").write_text(text, encoding="utf-8")
    return folder


def hh7(values: float, folder: Path, name: str = "KEN_2023_household.xlsx", **kw) -> Path:
    frame = values_frame().assign(value=lambda f: f["value"].where(f["indicator"] != "HH7", values))
    return write_questionnaire(folder / name, "KEN", YEARS, "household", frame, **kw)


def total_hh7(observations: pd.DataFrame) -> pd.DataFrame:
    chosen = (observations["indicator"] == "HH7") & (observations["sex"] == "_T")
    return observations[chosen].sort_values(["submitted", "round"])


def test_template_writes_the_round_in_the_header_block(tmp_path: Path) -> None:
    path = ingest_corpus.filled(tmp_path)
    sheet = openpyxl.load_workbook(path)["Mobile"]
    assert (sheet["A7"].value, sheet["B7"].value) == ("Collection round", "2024")
    path = write_questionnaire(tmp_path / "x.xlsx", "KEN", YEARS, "admin", collection_round="R9")
    assert openpyxl.load_workbook(path)["Mobile"]["B7"].value == "R9"


def test_header_round_outside_round_folders(tmp_path: Path) -> None:
    hh7(40.5, tmp_path, collection_round="2024")
    result = ingest_folder(tmp_path, KNOWN)
    assert set(result.observations["round"]) == {"2024"}
    assert set(result.observations["submitted"]) == {""}


def test_old_workbook_without_round_cell_still_reads(tmp_path: Path) -> None:
    path = ingest_corpus.filled(tmp_path)

    def drop_round(book: openpyxl.Workbook) -> None:
        for sheet in book.worksheets[1:]:
            sheet["A7"], sheet["B7"] = None, None

    ingest_corpus.edit(path, drop_round)
    result = ingest_folder(tmp_path, KNOWN)
    assert len(result.observations) == 6 and set(result.observations["round"]) == {""}


def test_rounds_keep_every_vintage_of_a_key(tmp_path: Path) -> None:
    hh7(40.5, round_folder(tmp_path, "2023", "2023-06-30"), collection_round="2023")
    later = round_folder(tmp_path, "2024", "2024-06-30", '[submitted]\n"b.xlsx" = 2024-09-15\n')
    hh7(41.0, later, collection_round="2024")
    hh7(41.2, later, name="b.xlsx", collection_round="2024")
    result = ingest_folder(tmp_path, KNOWN)
    assert "ING-DUPLICATE" not in set(result.findings["rule_id"])
    rows = total_hh7(result.observations)
    assert rows[["round", "submitted", "value"]].values.tolist() == [
        ["2023", "2023-06-30", 40.5],
        ["2024", "2024-06-30", 41.0],
        ["2024", "2024-09-15", 41.2],
    ]
    digest = hashlib.sha256((later / "b.xlsx").read_bytes()).hexdigest()[:16]
    assert rows["submission"].iloc[-1] == digest
    assert set(result.submissions["source_file"]) == {
        "2023/KEN_2023_household.xlsx",
        "2024/KEN_2023_household.xlsx",
        "2024/b.xlsx",
    }


def test_two_undated_returns_of_one_round_are_still_duplicates(tmp_path: Path) -> None:
    folder = round_folder(tmp_path, "2024", "2024-06-30")
    hh7(41.0, folder)
    hh7(42.0, folder, name="KEN_again.xlsx")
    result = ingest_folder(tmp_path, KNOWN)
    assert "ING-DUPLICATE" in set(result.findings["rule_id"])
    assert total_hh7(result.observations).empty


def test_header_round_other_than_folder_is_a_warning(tmp_path: Path) -> None:
    hh7(41.0, round_folder(tmp_path, "2024", "2024-06-30"), collection_round="2023")
    result = ingest_folder(tmp_path, KNOWN)
    mismatch = result.findings[result.findings["rule_id"] == "ING-ROUND-MISMATCH"]
    assert mismatch["severity"].tolist() == ["warning"]
    assert set(result.observations["round"]) == {"2024"}


def test_header_round_takes_the_closed_date_of_a_declared_round(tmp_path: Path) -> None:
    round_folder(tmp_path, "2024", "2024-06-30")
    hh7(41.0, tmp_path, collection_round="2024")
    assert set(ingest_folder(tmp_path, KNOWN).observations["submitted"]) == {"2024-06-30"}


def test_bad_round_file_is_a_finding_and_the_returns_still_read(tmp_path: Path) -> None:
    folder = tmp_path / "2024"
    folder.mkdir()
    (folder / "round.toml").write_text('id = "2024"\nclosed = "not a date"\n', encoding="utf-8")
    hh7(41.0, folder, collection_round="")
    result = ingest_folder(tmp_path, KNOWN)
    bad = result.findings[result.findings["rule_id"] == "ING-BAD-ROUND"]
    assert bad["source_file"].tolist() == ["2024/round.toml"]
    assert len(result.observations) == 2 and set(result.observations["round"]) == {""}
