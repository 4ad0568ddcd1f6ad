"""The reader registry and the new input formats: SDMX-CSV and ITU DataHub CSV.

A batch mixing a questionnaire, a long CSV, an SDMX-CSV file (Eurostat style, with M49 or ISO3
areas, OBS_STATUS and UNIT_MULT) and DataHub CSVs (wide and series export) ingests with
provenance for each value: its file, sheet (the file name for text files) and cell.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd

from pipeline.ingest import ingest_folder
from pipeline.ingest.readers import READERS, choose, in_batch
from pipeline.ingest.safety import Limits

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import ingest_corpus

DATA = Path(__file__).parent / "data" / "ingest"
SDMX = (
    "DATAFLOW,REF_AREA,INDICATOR,SEX,AGE,TIME_PERIOD,OBS_VALUE,OBS_STATUS,UNIT_MULT,COMMENT_OBS\n"
    "ESTAT:ISOC(1.0),404,HH7,F,_T,2022,41.5,E,0,survey\n"  # 404 = Kenya (M49)
    "ESTAT:ISOC(1.0),UGA,i271,_T,_T,2023,31.2,A,6,\n"
    "ESTAT:ISOC(1.0),UGA,i271,_T,_T,2022,30.1,P,6,\n"
)
WIDE = "economy,year,i271,HH7\nTZA,2022,60000000,30.5\nTZA,2023,,31.5\n"
EXPORT = (
    '"seriesID","seriesCode","seriesName","entityIso","dataValue","dataYear","dataNote"\n'
    '1,"i4213tfbb","Fixed-broadband subscriptions","TZA","12345",2023,"operator data"\n'
)


def _batch(tmp_path: Path) -> Path:
    ingest_corpus.filled(tmp_path)
    shutil.copy(DATA / "long_return.csv", tmp_path / "long_return.csv")
    (tmp_path / "eurostat.csv").write_text(SDMX, encoding="utf-8")
    (tmp_path / "datahub_wide.csv").write_text(WIDE, encoding="utf-8")
    (tmp_path / "datahub_export.csv").write_text(EXPORT, encoding="utf-8-sig")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    return tmp_path


def test_registry_chooses_by_suffix_and_content() -> None:
    head = {name: text.encode() for name, text in (("s", SDMX), ("w", WIDE), ("e", EXPORT))}
    assert choose(Path("a.csv"), head["s"]).name == "sdmx-csv"
    assert choose(Path("a.csv"), head["w"]).name == "datahub-csv"
    assert choose(Path("a.csv"), head["e"]).name == "datahub-csv"
    assert choose(Path("a.csv"), b"economy,year,indicator,value\n").name == "long-csv"
    assert choose(Path("a.xlsx"), b"PK").name == "questionnaire"
    assert choose(Path("a.pdf"), b"%PDF") is None
    assert READERS[-1].name == "long-csv"  # the catch-all CSV reader comes last


def test_mixed_batch_has_provenance_for_every_value(tmp_path: Path) -> None:
    result = ingest_folder(_batch(tmp_path), known=ingest_corpus.KNOWN)
    obs = result.observations.set_index(["source_file", "cell"])
    assert obs.loc[
        ("eurostat.csv", "row 2"), ["economy", "indicator", "sex", "value"]
    ].tolist() == [
        "KEN",
        "HH7",
        "F",
        41.5,
    ]
    assert bool(obs.loc[("eurostat.csv", "row 2"), "estimate"])
    assert obs.loc[("eurostat.csv", "row 3"), "value"] == 31_200_000  # UNIT_MULT 6
    assert obs.loc[("datahub_wide.csv", "C2"), ["economy", "indicator", "value"]].tolist() == [
        "TZA",
        "i271",
        60_000_000,
    ]
    assert obs.loc[("datahub_wide.csv", "D3"), "value"] == 31.5
    assert obs.loc[("datahub_export.csv", "row 2"), "footnote"] == "operator data"
    assert set(result.observations["source_file"]) >= {
        "KEN_2023_admin.xlsx",
        "long_return.csv",
        "eurostat.csv",
        "datahub_wide.csv",
        "datahub_export.csv",
    }
    assert (result.observations["sheet"] != "").all() and (result.observations["cell"] != "").all()
    findings = result.findings.set_index(["source_file", "rule_id"])
    assert ("eurostat.csv", "ING-BAD-STATUS") in findings.index  # P is not a status we use
    assert ("notes.pdf", "ING-NOT-A-RETURN") in findings.index
    assert ("eurostat.csv", "ING-SCALED") in findings.index
    assert not pd.isna(obs.loc[("eurostat.csv", "row 4"), "value"])


def test_only_small_files_that_only_linear_readers_take_are_read_in_the_batch(
    tmp_path: Path,
) -> None:
    """The batch reads a small CSV itself (the standard library's CSV reader is linear in
    the bytes); a CSV over ``text_in_batch_bytes``, any workbook however small, and a path
    it cannot stat go to the worker, which bounds the native libraries."""
    small = tmp_path / "small.CSV"
    small.write_text("economy,year,indicator,value\nKEN,2023,i112,5\n")
    workbook = tmp_path / "tiny.xlsx"
    workbook.write_bytes(b"PK")
    limits = Limits(text_in_batch_bytes=small.stat().st_size)
    assert in_batch(small, limits)
    assert not in_batch(small, Limits(text_in_batch_bytes=small.stat().st_size - 1))
    assert not in_batch(workbook, limits)
    assert not in_batch(tmp_path / "gone.csv", limits)
    assert {reader.name for reader in READERS if reader.linear} == {
        "long-csv",
        "sdmx-csv",
        "datahub-csv",
    }


def test_a_zip_named_csv_read_in_the_batch_is_one_finding(tmp_path: Path) -> None:
    """A workbook renamed ``.csv`` is read by the CSV readers only (the suffix decides who
    may read it), so reading it in the batch process is as safe as any CSV: one finding."""
    (tmp_path / "fine.csv").write_text("economy,year,indicator,value\nKEN,2023,i112,5\n")
    (tmp_path / "book.csv").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    result = ingest_folder(tmp_path)
    assert result.findings[["rule_id", "source_file"]].values.tolist() == [
        ["ING-BAD-CSV", "book.csv"]
    ]
    assert set(result.observations["source_file"]) == {"fine.csv"}
