"""Validate on the shipped returns (raw/): every deliberately flawed submission is flagged with
its intended rule ids, clean submissions get no error, and ``ictstats validate`` writes its
tables and readable report workbooks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.ingest import ingest_folder, ingest_paths
from pipeline.paths import RAW
from pipeline.reference import population
from pipeline.store import read_table, write_table
from pipeline.validate import validate
from pipeline.vintage import current

MAPPING = Path(__file__).parent / "data" / "validate" / "flawed_rules.csv"
#: The collection round with the questionnaires and the flawed returns (raw/README.md).
LATEST = "2025-12"
#: Clean economies validated with the flawed ones in the fast test (a fixed, varied sample).
CLEAN_SAMPLE = ("KOR", "NGA", "CHE", "BOL", "FJI", "USA")

pytestmark = pytest.mark.skipif(not (RAW / "flawed.csv").exists(), reason="raw/ not shipped")


def _flawed() -> pd.DataFrame:
    flawed = pd.read_csv(RAW / "flawed.csv", keep_default_na=False)
    mapping = pd.read_csv(MAPPING, keep_default_na=False)
    return flawed.merge(mapping, on="defect", how="inner")


def _files(economies: set[str]) -> list[Path]:
    return sorted(
        path
        for folder in ("admin", "household")
        for path in (RAW / LATEST / folder).glob("*_2023_*.xls*")
        if path.name[:3] in economies
    )


@pytest.fixture(scope="module")
def batch() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Ingested observations and findings of the flawed and sample economies, and validation."""
    economies = set(_flawed()["economy"]) | set(CLEAN_SAMPLE)
    ingested = ingest_paths(_files(economies), RAW)
    result = validate(ingested.observations, population())
    return ingested.observations, ingested.findings, result.findings


def test_mapping_covers_every_validate_defect() -> None:
    flawed = pd.read_csv(RAW / "flawed.csv", keep_default_na=False)
    mine = set(pd.read_csv(MAPPING, keep_default_na=False)["defect"])
    assert set(flawed.loc[flawed["expected_codes"] == "", "defect"]) == mine


@pytest.mark.parametrize("defect", _flawed()["defect"].tolist() if MAPPING.exists() else [])
def test_flawed_submission_is_flagged_with_intended_rules(batch, defect: str) -> None:
    _, _, findings = batch
    entry = _flawed().set_index("defect").loc[defect]
    mine = findings[findings["economy"] == entry["economy"]]
    expected = [r for r in entry["expected_rule_ids"].split(";") if r]
    if defect.startswith("control-"):
        assert (mine["severity"] != "error").all(), mine
        assert "ORD-HH6-HH4" not in set(mine["rule_id"])
        return
    assert set(expected) <= set(mine["rule_id"]), (defect, sorted(set(mine["rule_id"])))
    located = mine[mine["rule_id"].isin(expected)]
    assert (located["source_file"] == entry["file"]).any()


def test_clean_sample_has_no_error(batch) -> None:
    _, _, findings = batch
    clean = findings[findings["economy"].isin(CLEAN_SAMPLE)]
    assert (clean["severity"] != "error").all(), clean


def test_cli_writes_tables_and_reports(batch, tmp_path: Path) -> None:
    observations, ingest_findings, _ = batch
    write_table(observations, tmp_path / "ingest", "observations")
    write_table(ingest_findings, tmp_path / "ingest", "findings")
    code = main(
        [
            "validate",
            "--processed",
            str(tmp_path),
            "--raw",
            str(RAW),
            "--lang",
            "fr",
            "--economy",
            "GHA",
            "EGY",
            "KOR",
            "--jobs",
            "1",
        ]
    )
    out = tmp_path / "validate"
    assert code == 1
    for name in ("findings", "rule_summary", "rule_summary_by_economy", "batch_summary"):
        assert not read_table(out, name).empty, name
    for suffix in ("xlsx", "md", "html"):
        assert (out / f"batch_summary.{suffix}").stat().st_size > 0
    summary = read_table(out, "batch_summary").set_index("economy")
    assert summary.loc["GHA", "status"] == "errors" and summary.loc["KOR", "error"] == 0
    assert sorted(p.name for p in (out / "reports").iterdir()) == [
        "EGY.xlsx",
        "GHA.xlsx",
        "KOR.xlsx",
    ]
    book = load_workbook(out / "reports" / "GHA.xlsx")
    assert book.sheetnames[:2] == ["Résumé", "Constats"]
    assert "Coverage" in book.sheetnames and "Individuals" in book.sheetnames
    findings = read_table(out, "findings")
    row = findings[findings["rule_id"] == "COV-ORDER-3G-2G"].iloc[0]
    cell = book[row["sheet"]][row["cell"]]
    assert cell.fill.fgColor.rgb.endswith("F8B4B4")
    assert "COV-ORDER-3G-2G" in cell.comment.text and "couverture 3G" in cell.comment.text
    checklist = book["Résumé"]
    assert checklist["A3"].value == "Règle" and checklist.freeze_panes == "A4"


@pytest.mark.slow
def test_whole_batch_errors_only_in_flawed_submissions() -> None:
    ingested = ingest_folder(RAW)
    # Every round, as known now: the latest vintage of each key (pipeline.vintage).
    findings = validate(current(ingested.observations), population()).findings
    flawed = set(pd.read_csv(RAW / "flawed.csv", keep_default_na=False)["economy"])
    errors = findings[(findings["severity"] == "error") & ~findings["economy"].isin(flawed)]
    assert errors.empty, errors[["economy", "rule_id", "indicator", "year", "value"]]
