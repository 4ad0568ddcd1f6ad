"""End to end: ingest, correct one return, ingest again, and ask ``ictstats history``."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import main
from pipeline.ingest.template import write_questionnaire

sys.path.insert(0, str(Path(__file__).parent / "data" / "ingest"))
import ingest_corpus
from ingest_corpus import YEARS, values_frame


def ingest(tmp_path: Path) -> int:
    return main(["ingest", str(tmp_path / "raw"), "-o", str(tmp_path / "processed")])


def history(tmp_path: Path, *args: str) -> int:
    return main(["history", "--store", str(tmp_path / "store"), *args])


def vintages(tmp_path: Path) -> int:
    with duckdb.connect(str(tmp_path / "store" / "ictstats.duckdb"), read_only=True) as store:
        return store.execute("SELECT count(*) FROM vintages").fetchall()[0][0]


@pytest.fixture
def corrected(tmp_path: Path) -> Path:
    """A raw folder ingested twice: KEN's household return corrected in between (HH7 40.5→42)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    ingest_corpus.filled(raw, economy="KEN")
    household = ingest_corpus.filled(raw, kind="household", economy="KEN")
    assert ingest(tmp_path) == 0
    values = values_frame()
    values.loc[(values["indicator"] == "HH7") & (values["sex"] == "_T"), "value"] = 42.0
    write_questionnaire(household, "KEN", YEARS, "household", values)
    assert ingest(tmp_path) == 0
    return tmp_path


def test_history_shows_the_old_and_the_new_value(
    corrected: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert history(corrected, "--economy", "ken", "--indicator", "hh7", "--json") == 0
    records = [r for r in json.loads(capsys.readouterr().out) if r["sex"] == "_T"]
    assert [(r["value"], r["status"], r["event"]) for r in records] == [
        (40.5, "superseded", "first published"),
        (42.0, "current", "revised"),
    ]
    assert [r["vintage"] for r in records] == [1, 2]
    assert {r["cell"] for r in records} == {"L9"}
    assert records[0]["submission"] != records[1]["submission"]
    assert history(corrected, "--economy", "KEN", "--indicator", "HH7", "--year", "2023") == 0
    text = capsys.readouterr().out
    assert "40.5" in text and "42.0" in text and "superseded" in text and "current" in text


def test_unchanged_returns_add_no_vintage_and_deleting_processed_loses_none(
    corrected: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert vintages(corrected) == 2
    shutil.rmtree(corrected / "processed")
    assert ingest(corrected) == 0
    assert "nothing new" in capsys.readouterr().err
    assert vintages(corrected) == 2
    assert history(corrected, "--economy", "KEN", "--indicator", "HH7", "--json") == 0
    assert {r["value"] for r in json.loads(capsys.readouterr().out)} >= {40.5, 42.0}


def test_triangle(corrected: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert history(corrected, "--triangle", "--indicator", "HH7", "--economy", "KEN") == 0
    lines = capsys.readouterr().out.splitlines()
    assert "v1 undated" in lines[0] and "v2 undated" in lines[0]
    assert lines[-1].split() == ["2023", "40.5", "42.0"]
    assert history(corrected, "--triangle", "--indicator", "HH7", "--year", "2022") == 0
    assert capsys.readouterr().out.strip() == "no values"


def test_unknown_codes_are_usage_errors_listing_valid_ones(
    corrected: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert history(corrected, "--economy", "XYZ", "--indicator", "HH7") == 2
    assert "KEN" in capsys.readouterr().err
    assert history(corrected, "--economy", "KEN", "--indicator", "nope") == 2
    assert "HH7" in capsys.readouterr().err
    assert history(corrected, "--economy", "KEN", "--indicator", "HH7", "--as-of", "June") == 2
    assert history(corrected, "--indicator", "HH7") == 2
    assert history(corrected, "--triangle", "--indicator", "HH7", "--as-of", "2024-01-01") == 2


def test_missing_store_is_an_io_error(tmp_path: Path) -> None:
    assert history(tmp_path, "--economy", "KEN", "--indicator", "HH7") == 2
    assert not (tmp_path / "store").exists()


def test_history_as_of_a_round_close(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for round_id, value in (("2023", 40.5), ("2024", 41.0)):
        folder = tmp_path / "raw" / round_id
        folder.mkdir(parents=True)
        toml = f'id = "{round_id}"\nname = "round {round_id}"\nclosed = {round_id}-06-30\n'
        (folder / "round.toml").write_text(toml, encoding="utf-8")
        values = values_frame()
        values.loc[values["indicator"] == "HH7", "value"] = value
        write_questionnaire(folder / "KEN_household.xlsx", "KEN", YEARS, "household", values)
    assert ingest(tmp_path) == 0
    capsys.readouterr()
    args = ["--economy", "KEN", "--indicator", "HH7", "--year", "2023", "--json"]
    assert history(tmp_path, *args, "--as-of", "2023-12-31") == 0
    early = [r for r in json.loads(capsys.readouterr().out) if r["sex"] == "_T"]
    assert [(r["value"], r["known_from"], r["status"]) for r in early] == [
        (40.5, "2023-06-30", "current")
    ]
    assert history(tmp_path, *args) == 0
    late = [r for r in json.loads(capsys.readouterr().out) if r["sex"] == "_T"]
    assert [(r["round"], r["status"]) for r in late] == [
        ("2023", "superseded"),
        ("2024", "current"),
    ]
