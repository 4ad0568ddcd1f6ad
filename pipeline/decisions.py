"""The decisions log: what focal points answered and statisticians decided about each finding.

A finding's answer must outlive the run that raised it, so decisions are kept in the store of
record (:mod:`pipeline.record`: ``<workdir>/store/ictstats.duckdb``, table ``decisions``) and joined
to the findings of every later run through the stable ``finding_id``
(:func:`pipeline.findings.finding_ids`). The log is append-only: the latest row of a finding
is its current state, earlier rows are its history.

Decisions: ``sent`` (the finding went out in a report), ``confirm`` (the focal point confirms
the value, with an explanation), ``correct`` (the focal point will correct it), ``other``
(any other answer), ``accept`` / ``reject`` (a statistician's decision on the answer).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipeline.paths import PROCESSED, STORE
from pipeline.record.schema import connect, store_file

DECISIONS = ("sent", "confirm", "correct", "other", "accept", "reject")
#: Decisions that close a finding: the value stands as reported, with its explanation.
CLOSING = ("confirm", "accept")
#: Decisions that are answers (everything but the record of sending the report).
ANSWERS = tuple(d for d in DECISIONS if d != "sent")
COLUMNS = ("finding_id", "decision", "who", "when", "note", "source")


def store_path(processed: Path) -> Path:
    """The store of record folder for a ``processed/`` folder: :data:`pipeline.paths.STORE`
    for the default one, else ``store/`` beside it (as ``ictstats ingest`` chooses)."""
    if Path(processed).resolve() == PROCESSED.resolve():
        return STORE
    return Path(processed).resolve().parent / "store"


@contextmanager
def _connect(store: Path, read_only: bool = False) -> Iterator[object]:
    """A connection to the store (its tables created when writable); None when a read-only
    open finds no store yet (no decision taken so far)."""
    if read_only and not store_file(store).is_file():
        yield None
        return
    connection = connect(store, read_only=read_only)
    try:
        yield connection
    finally:
        connection.close()


def empty() -> pd.DataFrame:
    """A decisions table with no rows."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    return frame.astype({"when": "datetime64[us]"})


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Decisions with the log's columns; unknown decisions raise ``ValueError``."""
    out = frame.reindex(columns=list(COLUMNS)).copy()
    bad = sorted(set(out["decision"].dropna()) - set(DECISIONS))
    if bad or out["decision"].isna().any() or out["finding_id"].isna().any():
        raise ValueError(f"decisions need a finding id and one of {', '.join(DECISIONS)}: {bad}")
    now = pd.Timestamp(datetime.now(UTC).replace(tzinfo=None))
    when = pd.to_datetime(out["when"]).astype("datetime64[us]")
    out["when"] = when.where(when.notna(), now.as_unit("us"))
    for column in ("who", "note", "source"):
        out[column] = out[column].astype(object).fillna("").astype(str)
    return out


def append(store: Path, frame: pd.DataFrame) -> int:
    """Add decisions to the log; returns how many rows were written."""
    rows = normalise(frame)
    if rows.empty:
        return 0
    with _connect(store) as connection:
        connection.register("incoming", rows)
        connection.execute(
            'INSERT INTO decisions SELECT finding_id, decision, who, "when", note, source'
            " FROM incoming"
        )
        connection.unregister("incoming")
    return len(rows)


def read(store: Path) -> pd.DataFrame:
    """The whole log, oldest first (empty when the store does not exist yet)."""
    with _connect(store, read_only=True) as connection:
        if connection is None:
            return empty()
        tables = connection.execute("SELECT table_name FROM information_schema.tables").fetchall()
        if ("decisions",) not in tables:
            return empty()
        frame = connection.execute(
            'SELECT finding_id, decision, who, "when", note, source FROM decisions'
            ' ORDER BY "when", finding_id'
        ).df()
    return normalise(frame) if len(frame) else empty()


def current(log: pd.DataFrame) -> pd.DataFrame:
    """Per finding: its latest answer (``decision``, ``note``, ``who``, ``when``), whether it
    is closed, and when it was first sent (``sent``)."""
    answers = log[log["decision"].isin(ANSWERS)].sort_values("when", kind="stable")
    latest = answers.groupby("finding_id").tail(1).set_index("finding_id")
    sent = log[log["decision"] == "sent"].groupby("finding_id")["when"].min().rename("sent")
    out = latest[["decision", "note", "who", "when"]].join(sent, how="outer")
    out["closed"] = out["decision"].isin(CLOSING)
    return out.rename_axis("finding_id").reset_index()
