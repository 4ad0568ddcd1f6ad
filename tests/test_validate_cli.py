"""``ictstats validate`` on small hand-made inputs (regressions of the command wiring)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.findings import coded_findings
from pipeline.observations import observation_table
from pipeline.store import read_table, write_table


def _observations() -> pd.DataFrame:
    row = {"economy": "KEN", "year": 2023, "indicator": "i112", "value": 100.0}
    where = {"source_file": "admin/KEN_2023_admin.xlsx", "sheet": "Fixed", "cell": "C5"}
    return observation_table([row | where | {"unit": "subscriptions"}])


def test_ingest_findings_written_as_csv_only_are_not_dropped(tmp_path: Path) -> None:
    """Ingest findings reach the batch summary when only ``findings.csv`` exists."""
    ingest = tmp_path / "ingest"
    write_table(_observations(), ingest, "observations")
    row = {"economy": "KEN", "source_file": "admin/KEN_2023_admin.xlsx", "detail": "x"}
    write_table(coded_findings("ingest", "ING-UNKNOWN-LAYOUT", [row]), ingest, "findings")
    (ingest / "findings.parquet").unlink()
    main(["validate", "--processed", str(tmp_path), "--no-reports", "--jobs", "1"])
    summary = read_table(tmp_path / "validate", "batch_summary").set_index("economy")
    severity = coded_findings("ingest", "ING-UNKNOWN-LAYOUT", [row])["severity"].iloc[0]
    assert summary.loc["KEN", severity] >= 1


def test_missing_observations_is_a_usage_error_on_stderr(tmp_path: Path, capsys) -> None:
    """Exit 2 and the explanation on stderr, so stdout stays parseable (common brief)."""
    assert main(["validate", "--processed", str(tmp_path), "--no-reports"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "run ictstats ingest first" in captured.err


def test_economy_filter_matching_no_data_does_not_crash(tmp_path: Path) -> None:
    """``--economy`` naming an economy with no data validates nothing and exits 0."""
    write_table(_observations(), tmp_path / "ingest", "observations")
    code = main(["validate", "--processed", str(tmp_path), "--economy", "UGA", "--no-reports"])
    assert code == 0
    summary = read_table(tmp_path / "validate", "rule_summary")
    assert len(summary) > 0 and summary["items"].sum() == 0
    assert read_table(tmp_path / "validate", "rule_summary_by_economy").empty


def test_one_economy_revalidated_keeps_the_others_and_the_batch_counts_unread_returns(
    tmp_path: Path, capsys
) -> None:
    """--economy merges into the batch already written; an economy whose return could not be
    read (an ingest finding, no observations) is in the batch summary too."""
    where = {"sheet": "Fixed", "cell": "C5", "unit": "subscriptions"}
    rows = [
        {"economy": "KEN", "year": 2023, "indicator": "i112", "value": -5.0,
         "source_file": "admin/KEN_2023_admin.xlsx"} | where,
        {"economy": "UGA", "year": 2023, "indicator": "i112", "value": 100.0,
         "source_file": "admin/UGA_2023_admin.xlsx"} | where,
        {"economy": "UGA", "year": 2022, "indicator": "i112", "value": 90.0,
         "source_file": "admin/UGA_2023_admin.xlsx"} | where,
    ]  # fmt: skip
    write_table(observation_table(rows), tmp_path / "ingest", "observations")
    unread = {"economy": "TZA", "source_file": "admin/TZA_2023_admin.xlsx", "detail": "x"}
    findings = coded_findings("ingest", "ING-UNKNOWN-LAYOUT", [unread])
    write_table(findings, tmp_path / "ingest", "findings")
    base = ["validate", "--processed", str(tmp_path), "--no-reports", "--jobs", "1"]
    main(base)
    status = read_table(tmp_path / "validate", "status")
    held = int((status["status"] == "withheld").sum())
    before = read_table(tmp_path / "validate", "findings")
    counts = before["severity"].value_counts()
    note = capsys.readouterr().err
    assert held >= 1 and f"; {held} value(s) withheld" in note
    assert held != len(status) - held, "withheld and kept differ, so the count tells them apart"
    assert (
        "findings: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warning", "info"))
        in note
        and "0 info" in note
    ), "a severity nobody has counts 0"
    assert {"KEN", "UGA"} <= set(before["economy"])
    summary = read_table(tmp_path / "validate", "batch_summary")
    assert set(summary["economy"]) == {"KEN", "UGA", "TZA"}
    assert not (tmp_path / "validate" / "reports").exists(), "--no-reports"
    main([*base, "--economy", "UGA"])
    after = read_table(tmp_path / "validate", "findings")
    assert len(after[after["economy"] == "KEN"]) == len(before[before["economy"] == "KEN"])
    assert set(read_table(tmp_path / "validate", "batch_summary")["economy"]) == {
        "KEN", "UGA", "TZA"
    }  # fmt: skip
    main(["validate", "--processed", str(tmp_path), "--jobs", "1"])
    reports = sorted(p.name for p in (tmp_path / "validate" / "reports").iterdir())
    assert reports == ["KEN.xlsx", "TZA.xlsx", "UGA.xlsx"], "a report for every economy"


@pytest.mark.parametrize("kept", ["parquet", "csv"])
def test_ingest_findings_in_either_format_reach_the_batch(tmp_path: Path, kept: str) -> None:
    """Observations and ingest findings are read from whichever of their two files is there;
    an economy known only from an ingest finding is in the batch."""
    ingest = tmp_path / "ingest"
    write_table(_observations(), ingest, "observations")
    row = {"economy": "TZA", "source_file": "admin/TZA_2023_admin.xlsx", "detail": "x"}
    write_table(coded_findings("ingest", "ING-UNKNOWN-LAYOUT", [row]), ingest, "findings")
    for table in ("findings", "observations"):
        (ingest / f"{table}.{'csv' if kept == 'parquet' else 'parquet'}").unlink()
    assert main(["validate", "--processed", str(tmp_path), "--no-reports", "--jobs", "1"]) != 2
    assert "TZA" in set(read_table(tmp_path / "validate", "batch_summary")["economy"])
