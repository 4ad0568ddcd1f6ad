"""The query cycle seen from the batch: which findings went out, which came back, which closed.

Every error or warning in a report is a query to the economy's focal point. When validate
writes the reports it logs each new query as ``sent`` in the decisions log
(:mod:`pipeline.decisions`); answers read back by ``ictstats responses`` and decisions taken
with ``ictstats decide`` close or keep them open. :func:`query_status` is the per-economy table
of the batch summary: sent, answered, accepted, outstanding, and days since the oldest
outstanding query went out (the follow-up list of a collection round).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline import decisions

QUERY_COLUMNS = ("economy", "sent", "answered", "accepted", "outstanding", "days_since_sent")
QUERIED = ("error", "warning")


def queried(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings that are queries to a focal point (errors and warnings of an economy)."""
    return findings[findings["severity"].isin(QUERIED) & findings["economy"].notna()]


def record_sent(store: Path, findings: pd.DataFrame, log: pd.DataFrame, source: str) -> int:
    """Log ``sent`` for each query not sent before; returns how many were new."""
    ids = pd.Index(queried(findings)["finding_id"].unique())
    new = ids.difference(log.loc[log["decision"] == "sent", "finding_id"])
    rows = pd.DataFrame({"finding_id": new, "decision": "sent", "who": "ictstats validate"})
    return decisions.append(store, rows.assign(source=source)) if len(rows) else 0


def query_status(states: pd.DataFrame, economies: list[str], today: pd.Timestamp) -> pd.DataFrame:
    """Per economy: queries sent, answered, accepted (closed), outstanding, days since sent."""
    queries = queried(states).drop_duplicates("finding_id")
    queries = queries[queries["sent"].notna()]
    outstanding = queries["state"] == "open"
    sent_at = pd.to_datetime(queries["sent"]).where(outstanding)
    frame = queries.assign(
        answered=queries["answer"] != "",
        accepted=queries["state"] == "explained",
        outstanding=outstanding,
        days=(today - sent_at).dt.days,
    )
    table = frame.groupby("economy").agg(
        sent=("finding_id", "size"),
        answered=("answered", "sum"),
        accepted=("accepted", "sum"),
        outstanding=("outstanding", "sum"),
        days_since_sent=("days", "max"),
    )
    table = table.reindex(sorted(set(economies) | set(table.index)))
    counts = ["sent", "answered", "accepted", "outstanding"]
    table[counts] = table[counts].fillna(0).astype("int64")
    table["days_since_sent"] = table["days_since_sent"].astype("Int64")
    out = table.rename_axis("economy").reset_index()
    return out[out["sent"] > 0][list(QUERY_COLUMNS)].reset_index(drop=True)
