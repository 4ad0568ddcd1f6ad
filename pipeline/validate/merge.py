"""``validate --economy``: revalidate some economies and merge them into the batch's outputs.

A focal point resends one return; revalidating it must not wipe the findings of the other
economies from ``processed/validate/`` (the batch summary and the reports of everyone else stay
as they were). The economies' rows are replaced, the overall rule summary is recounted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.findings import concat_findings
from pipeline.store import read_table
from pipeline.validate import Validation

_COUNTS = ["items", "passes", "fails", "not_evaluable"]


def _written(folder: Path, name: str) -> bool:
    return any((folder / f"{name}.{ext}").exists() for ext in ("parquet", "csv"))


def into_batch(folder: Path, result: Validation, economies: set[str]) -> Validation:
    """``result`` (of ``economies`` only) merged into the validation written in ``folder``."""
    if not (_written(folder, "findings") and _written(folder, "rule_summary_by_economy")):
        return result
    old = read_table(folder, "findings")
    old = old[old["economy"].notna() & ~old["economy"].isin(economies)]
    by_economy = read_table(folder, "rule_summary_by_economy")
    by_economy = pd.concat(
        [by_economy[~by_economy["economy"].isin(economies)], result.rule_summary_by_economy],
        ignore_index=True,
    ).sort_values(["economy", "rule_id"], kind="stable")
    totals = by_economy.groupby("rule_id", as_index=False)[_COUNTS].sum()
    summary = result.rule_summary.drop(columns=_COUNTS).merge(totals, on="rule_id", how="left")
    summary[_COUNTS] = summary[_COUNTS].fillna(0).astype("int64")
    return Validation(
        findings=concat_findings(old, result.findings),
        rule_summary=summary[list(result.rule_summary.columns)],
        rule_summary_by_economy=by_economy.reset_index(drop=True),
    )
