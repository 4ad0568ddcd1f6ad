"""Duplicate entries across a batch: the same key reported more than once.

A key (economy, year, indicator, breakdowns) may appear twice — two rows of one sheet, two
sheets, or two files for one economy. When the copies agree, the first (in file, sheet and
cell order) is kept and the others are reported for information. When they disagree, no value
can be chosen without asking the economy, so none is used and every copy is reported as an
error at its own cell. Copies count as duplicates only within one collection round and
submission date: a later round or a dated re-submission is a revision, kept beside the first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.ingest.pending import pending
from pipeline.observations import VINTAGE_KEY

CONTEXT = ["economy", "year", "indicator", "source_file", "sheet", "cell"]


def resolve_duplicates(observations: pd.DataFrame) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Observations with duplicates resolved, and the findings that explain how."""
    keys = [key for key in VINTAGE_KEY if key in observations]
    repeated = observations.duplicated(keys, keep=False)
    if not repeated.any():
        return observations, []
    copies = observations[repeated]
    groups = copies.groupby(keys, sort=False, dropna=False)["value"]
    conflicting = groups.transform("nunique").gt(1)
    shown = copies["value"].map(lambda v: np.format_float_positional(v, trim="-"))
    listing = shown.groupby([copies[k] for k in keys], sort=False).transform("; ".join)
    later_same = ~conflicting & copies.duplicated(keys, keep="first")
    findings = [
        pending(
            "ING-DUPLICATE",
            copies.loc[conflicting, CONTEXT].assign(value=listing[conflicting]),
        ),
        pending(
            "ING-DUPLICATE-SAME",
            copies.loc[later_same, CONTEXT].assign(value=shown[later_same]),
        ),
    ]
    drop = conflicting.index[conflicting | later_same]
    return observations.drop(index=drop), findings
