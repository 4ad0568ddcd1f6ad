"""Counts per stage for the run manifest and summary, read from the staged outputs.

Counting from the written tables (not from in-memory objects) means the manifest describes
exactly what a user finds in ``processed/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline.findings import SEVERITIES
from pipeline.store import read_table


def _table(folder: Path, name: str) -> pd.DataFrame:
    if (folder / f"{name}.parquet").exists() or (folder / f"{name}.csv").exists():
        return read_table(folder, name)
    return pd.DataFrame()


def none(processed: Path) -> dict[str, int]:
    """No counts."""
    return {}


def findings(folder: Path) -> dict[str, int]:
    """Findings by severity in ``folder/findings``."""
    table = _table(folder, "findings")
    if table.empty:
        return dict.fromkeys(SEVERITIES, 0)
    counted = table["severity"].value_counts()
    return {severity: int(counted.get(severity, 0)) for severity in SEVERITIES}


def ingest(processed: Path) -> dict[str, int]:
    """Observations, economies, files and findings of the ingest stage."""
    obs = _table(processed / "ingest", "observations")
    out = {
        "observations": len(obs),
        "economies": int(obs["economy"].nunique()) if len(obs) else 0,
        "source_files": int(obs["source_file"].nunique()) if len(obs) else 0,
    }
    return out | {f"findings_{k}": v for k, v in findings(processed / "ingest").items()}


def validate(processed: Path) -> dict[str, int]:
    """Findings of the validate stage by severity, and the number of rules."""
    summary = _table(processed / "validate", "rule_summary")
    out = {"rules": len(summary)}
    return out | {f"findings_{k}": v for k, v in findings(processed / "validate").items()}


def index(edition: str) -> Callable[[Path], dict[str, int]]:
    """Counter for one edition: economies scored and normalised rows imputed."""

    def count(processed: Path) -> dict[str, int]:
        folder = processed / "index" / edition
        scores, normalised = _table(folder, "scores"), _table(folder, "normalised")
        top = scores[scores["level"] == scores["level"].max()] if len(scores) else scores
        return {
            "economies_scored": int(top["score"].notna().sum()) if len(top) else 0,
            "nodes": int(scores["node"].nunique()) if len(scores) else 0,
            "imputed_values": int(normalised["imputed"].sum()) if len(normalised) else 0,
        }

    return count


def uncertainty(processed: Path) -> dict[str, int]:
    """Economies with rank intervals, over every edition analysed."""
    folder = processed / "uncertainty"
    editions = [p for p in folder.iterdir() if p.is_dir()] if folder.exists() else []
    return {"economies_with_intervals": sum(len(_table(p, "ranks")) for p in editions)}


def estimate(processed: Path) -> dict[str, int]:
    """Estimates made and back-test rows."""
    folder = processed / "estimate"
    return {
        "estimates": len(_table(folder, "estimates")),
        "backtest_rows": len(_table(folder, "backtest")),
    }


def sdg(processed: Path) -> dict[str, int]:
    """Series rows, aggregates and published aggregates."""
    series = _table(processed / "sdg", "series")
    aggregates = _table(processed / "sdg", "aggregates")
    published = int(aggregates["published"].sum()) if len(aggregates) else 0
    return {"series_rows": len(series), "aggregates": len(aggregates), "published": published}
