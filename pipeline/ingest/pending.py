"""Findings collected as plain rows while reading, turned into the findings table once.

Building a schema-checked findings table costs a pandera validation (tens of milliseconds);
doing that per sheet and per finding code would dominate a batch of ~400 workbooks. Readers
therefore return *pending* rows — finding context plus the catalogue ``code`` — and
:func:`realise` codes them all in one pass and checks one table at the end of the batch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.findings import FINDING_COLUMNS, catalogue, concat_findings, render_message

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
    # grouped by code in code order, each code's rows in batch order (as a sorted groupby
    # gives them), then coded in one pass rather than one frame per code
    order = np.argsort(rows["code"].to_numpy(dtype=object), kind="stable")
    rows = rows.take(order).reset_index(drop=True)
    codes = [str(code) for code in rows.pop("code")]
    entries = catalogue()
    found = [entries[code] for code in codes]  # an unknown code raises: the catalogue is closed
    messages = [
        render_message(entry.template, record)
        for entry, record in zip(found, rows.to_dict("records"), strict=True)
    ]
    rows = rows.assign(
        stage=STAGE,
        rule_id=codes,
        severity=[entry.severity for entry in found],
        message=messages,
    )
    return concat_findings(rows.reindex(columns=list(FINDING_COLUMNS)))
