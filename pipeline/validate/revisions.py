"""Revisions: values an economy reported before and now reports differently.

ITU re-asks recent years in each round, and aggregates move when earlier values are revised,
so each changed value is reported with its old and new value as a
``REV-REVISED`` finding. The earlier vintage is an observation table from ``processed/`` or a
reference dataset such as an ITU DataHub export, long (economy, year, indicator, value) or
wide (economy, year, one column per indicator code).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.datahub import melt_wide
from pipeline.dictionary import indicators
from pipeline.findings import coded_findings, empty_findings
from pipeline.observations import DIMENSION_NAMES, KEY, TOTAL
from pipeline.store import read_table
from pipeline.validate.items import fmt

STAGE = "validate"
#: Relative change below which a resubmitted value counts as unchanged (float and rounding noise).
REL_TOLERANCE = 1e-6


def read_previous(path: Path) -> pd.DataFrame:
    """An earlier vintage: a folder holding an observation table, or one Parquet or CSV file
    (long or wide, see :func:`as_long`), read as every stage reads its tables."""
    path = Path(path)
    if path.is_dir():
        return read_table(path, "observations")
    return read_table(path.parent, path.stem)


def as_long(previous: pd.DataFrame) -> pd.DataFrame:
    """An earlier vintage in long form with every key column (missing breakdowns = total)."""
    if "indicator" not in previous.columns:  # DataHub-style wide table (pipeline.datahub)
        previous = melt_wide(previous, indicators().index)[
            ["economy", "year", "indicator", "value"]
        ]
    out = previous.copy()
    for name in DIMENSION_NAMES:
        out[name] = out[name].fillna(TOTAL) if name in out else TOTAL
    out["year"] = pd.to_numeric(out["year"], errors="coerce")
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    # A row without a year or a number cannot be compared with anything: it is not a revision.
    out = out.dropna(subset=["year", "value"]).astype({"year": "int64"})
    return out[[*KEY, "value"]]


def revisions(
    current: pd.DataFrame, previous: pd.DataFrame, rel_tolerance: float = REL_TOLERANCE
) -> pd.DataFrame:
    """``REV-REVISED`` findings: new value in ``value``, previously reported in ``expected``."""
    old = as_long(previous).rename(columns={"value": "old"})
    merged = current.merge(old, on=list(KEY), how="inner")
    new, before = merged["value"].to_numpy(float), merged["old"].to_numpy(float)
    changed = np.abs(new - before) > rel_tolerance * np.maximum(np.abs(before), 1.0)
    merged = merged[changed]
    if merged.empty:
        return empty_findings()
    rows = merged.assign(value=fmt(merged["value"]), expected=fmt(merged["old"]))
    return coded_findings(STAGE, "REV-REVISED", rows.reset_index(drop=True))
