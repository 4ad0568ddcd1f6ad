"""Findings collected as plain rows while reading, turned into the findings table once.

Building a schema-checked findings table costs a pandera validation (tens of milliseconds);
doing that per sheet and per finding code would dominate a batch of ~400 workbooks. Readers
therefore return *pending* rows — finding context plus the catalogue ``code`` — and
:func:`realise` builds one table per code at the end of the batch.
"""

from __future__ import annotations

import pandas as pd

from pipeline.findings import FINDING_COLUMNS, coded_rows, concat_findings

STAGE = "ingest"


def pending(code: str, rows: pd.DataFrame | list[dict]) -> pd.DataFrame:
    """Rows of context for findings of catalogue ``code`` (validated later by :func:`realise`)."""
    frame = pd.DataFrame(rows)
    return frame.assign(code=code) if len(frame) else pd.DataFrame(columns=["code"])


def realise(parts: list[pd.DataFrame | dict]) -> pd.DataFrame:
    """The findings table (stage ``ingest``) from pending rows, one schema check for all codes.

    ``parts`` mixes frames from :func:`pending` and single rows given as dicts with a ``code``.
    """
    records = [part for part in parts if isinstance(part, dict)]
    frames = [part for part in parts if isinstance(part, pd.DataFrame) and len(part)]
    parts = [*frames, pd.DataFrame(records)] if records else frames
    if not parts:
        return concat_findings()
    rows = pd.concat(parts, ignore_index=True)
    tables = [
        coded_rows(STAGE, str(code), group.drop(columns="code"))
        for code, group in rows.groupby("code", sort=True)
    ]
    rows = pd.concat(tables, ignore_index=True).reindex(columns=list(FINDING_COLUMNS))
    return concat_findings(rows)
