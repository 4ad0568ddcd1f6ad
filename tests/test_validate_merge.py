"""``validate --economy`` merges the revalidated economies into the batch's outputs
(pipeline/validate/merge.py): on tiny written tables, without running the engine."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from pipeline.findings import normalise_findings
from pipeline.store import write_table
from pipeline.validate import Validation
from pipeline.validate.merge import into_batch

COUNTS = ["items", "passes", "fails", "not_evaluable"]


def findings(rows: list[tuple[str | None, str, str]]) -> pd.DataFrame:
    """Findings of (economy, rule, severity)."""
    frame = pd.DataFrame(
        [
            {"stage": "validate", "economy": e, "rule_id": r, "severity": s, "indicator": "i1",
             "year": 2024, "value": str(n), "message": f"{r} of {e}"}
            for n, (e, r, s) in enumerate(rows)
        ]
    )  # fmt: skip
    return normalise_findings(frame)


def by_economy(rows: list[tuple[str, str, int, int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["economy", "rule_id", *COUNTS])


def summary(rules: list[str]) -> pd.DataFrame:
    """An overall rule summary with stale counts (the merge must recount them)."""
    return pd.DataFrame(
        {"rule_id": rules, "label": [f"label {r}" for r in rules], "severity": "error",
         **{c: 99 for c in COUNTS}}
    )  # fmt: skip


def written(folder: Path, *, csv_only: bool = False, parquet_only: bool = False) -> Path:
    old_findings = findings([("AAA", "R1", "error"), ("BBB", "R1", "error"), (None, "R2", "info")])
    old_by_economy = by_economy(
        [("AAA", "R1", 3, 2, 1, 0), ("AAA", "R2", 4, 4, 0, 0),
         ("BBB", "R1", 5, 4, 1, 0), ("BBB", "R2", 6, 6, 0, 0)]
    )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    for frame, name in ((old_findings, "findings"), (old_by_economy, "rule_summary_by_economy")):
        write_table(frame, folder, name, csv=not parquet_only)
        if csv_only:
            (folder / f"{name}.parquet").unlink()
    return folder


def result() -> Validation:
    return Validation(
        findings=findings([("BBB", "R2", "warning")]),
        rule_summary=summary(["R1", "R2", "R3"]),
        rule_summary_by_economy=by_economy([("BBB", "R1", 1, 1, 0, 0), ("BBB", "R2", 2, 1, 1, 0)]),
    )


def test_revalidated_economy_replaces_its_rows_and_keeps_the_others(tmp_path: Path) -> None:
    merged = into_batch(written(tmp_path / "validate"), result(), {"BBB"})
    got = merged.findings[["economy", "rule_id", "severity"]].values.tolist()
    # AAA's finding stays, BBB's old one goes, the batch-level finding (no economy) goes too
    assert got == [["AAA", "R1", "error"], ["BBB", "R2", "warning"]]
    table = merged.rule_summary_by_economy
    assert list(table.columns) == ["economy", "rule_id", *COUNTS]
    assert table.index.tolist() == [0, 1, 2, 3]
    assert table.values.tolist() == [
        ["AAA", "R1", 3, 2, 1, 0], ["AAA", "R2", 4, 4, 0, 0],
        ["BBB", "R1", 1, 1, 0, 0], ["BBB", "R2", 2, 1, 1, 0],
    ]  # fmt: skip


def test_overall_summary_is_recounted_and_a_rule_without_items_counts_zero(tmp_path: Path) -> None:
    merged = into_batch(written(tmp_path / "validate"), result(), {"BBB"})
    overall = merged.rule_summary
    assert list(overall.columns) == list(result().rule_summary.columns)
    assert overall["label"].tolist() == ["label R1", "label R2", "label R3"]
    assert overall[COUNTS].values.tolist() == [[4, 3, 1, 0], [6, 5, 1, 0], [0, 0, 0, 0]]
    assert (overall[COUNTS].dtypes == "int64").all()


def test_rows_sorted_by_economy_then_rule(tmp_path: Path) -> None:
    folder = written(tmp_path / "validate")
    new = replace(
        result(),
        rule_summary_by_economy=by_economy([("AAB", "R2", 1, 1, 0, 0), ("AAB", "R1", 1, 0, 1, 0)]),
    )
    merged = into_batch(folder, new, {"AAB"})
    keys = merged.rule_summary_by_economy[["economy", "rule_id"]].values.tolist()
    assert keys == [["AAA", "R1"], ["AAA", "R2"], ["AAB", "R1"], ["AAB", "R2"],
                    ["BBB", "R1"], ["BBB", "R2"]]  # fmt: skip


def test_tables_written_as_csv_only_are_merged_too(tmp_path: Path) -> None:
    merged = into_batch(written(tmp_path / "validate", csv_only=True), result(), {"BBB"})
    assert merged.findings["economy"].tolist() == ["AAA", "BBB"]
    assert len(merged.rule_summary_by_economy) == 4


def test_tables_written_as_parquet_only_are_merged_too(tmp_path: Path) -> None:
    folder = written(tmp_path / "validate", parquet_only=True)
    assert not (folder / "findings.csv").exists()
    merged = into_batch(folder, result(), {"BBB"})
    assert merged.findings["economy"].tolist() == ["AAA", "BBB"]


def test_nothing_written_yet_returns_the_result_itself(tmp_path: Path) -> None:
    new = result()
    assert into_batch(tmp_path / "none", new, {"BBB"}) is new
    folder = written(tmp_path / "validate")
    (folder / "rule_summary_by_economy.parquet").unlink()
    (folder / "rule_summary_by_economy.csv").unlink()
    assert into_batch(folder, new, {"BBB"}) is new, "both tables are needed to merge"
    other = written(tmp_path / "other")
    for ext in ("parquet", "csv"):
        (other / f"findings.{ext}").unlink()
    assert into_batch(other, new, {"BBB"}) is new
