"""The query cycle seen from the batch (pipeline/validate/queries.py): which findings are
queries, which are logged as sent, and the per-economy follow-up table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline import decisions
from pipeline.validate.queries import QUERY_COLUMNS, queried, query_status, record_sent

TODAY = pd.Timestamp("2026-03-31")


def findings(rows: list[tuple[str, str | None, str]]) -> pd.DataFrame:
    """Findings of (finding_id, economy, severity)."""
    return pd.DataFrame(rows, columns=["finding_id", "economy", "severity"])


def test_queries_are_errors_and_warnings_of_an_economy() -> None:
    frame = findings(
        [("e", "AAA", "error"), ("w", "AAA", "warning"), ("i", "AAA", "info"),
         ("batch", None, "error")]
    )  # fmt: skip
    assert queried(frame)["finding_id"].tolist() == ["e", "w"]


def test_sent_is_logged_once_per_query_never_twice(tmp_path: Path) -> None:
    store = tmp_path / "store"
    frame = findings(
        [("F1", "AAA", "error"), ("F1", "AAA", "error"), ("F2", "AAA", "warning"),
         ("F3", "BBB", "error"), ("F4", "BBB", "info")]
    )  # fmt: skip
    log = pd.DataFrame({"finding_id": ["F1", "F2"], "decision": ["confirm", "sent"]})
    # F2 went out before; F1 was answered (a CSV form) but never logged as sent
    assert record_sent(store, frame, log, "validate/reports") == 2
    written = decisions.read(store)
    assert sorted(written["finding_id"]) == ["F1", "F3"]
    assert set(written["decision"]) == {"sent"}
    assert set(written["who"]) == {"ictstats validate"}
    assert set(written["source"]) == {"validate/reports"}
    both = pd.concat([log, written[["finding_id", "decision"]]], ignore_index=True)
    assert record_sent(store, frame, both, "validate/reports") == 0, "nothing new: 0"
    assert len(decisions.read(store)) == 2


def states(rows: list[tuple]) -> pd.DataFrame:
    """Finding states of (finding_id, economy, severity, sent, state, answer)."""
    return pd.DataFrame(
        rows, columns=["finding_id", "economy", "severity", "sent", "state", "answer"]
    )


def test_follow_up_table_per_economy() -> None:
    table = states(
        [
            ("a1", "AAA", "error", "2026-03-01", "open", ""),
            ("a1", "AAA", "error", "2026-03-01", "open", ""),  # the same query twice
            ("a2", "AAA", "warning", "2026-03-21", "open", "correct"),
            ("a3", "AAA", "error", "2026-01-01", "explained", "confirm"),
            ("a4", "AAA", "info", "2026-01-01", "open", ""),  # info: not a query
            ("a5", "AAA", "error", None, "open", ""),  # not sent yet
            ("b1", "BBB", "warning", "2026-03-30", "open", ""),
            ("c1", "CCC", "error", "2026-02-01", "explained", "accept"),
            ("z1", None, "error", "2026-02-01", "open", ""),  # batch-level finding
        ]
    )
    got = query_status(table, ["AAA", "BBB", "CCC", "DDD"], TODAY)
    assert tuple(got.columns) == QUERY_COLUMNS
    assert got.index.tolist() == [0, 1, 2]
    assert got.drop(columns="days_since_sent").values.tolist() == [
        ["AAA", 3, 2, 1, 2], ["BBB", 1, 0, 0, 1], ["CCC", 1, 1, 1, 0],
    ]  # fmt: skip
    # days since the oldest *outstanding* query: AAA's closed one of January does not count
    assert got["days_since_sent"].tolist() == [30, 1, pd.NA]
    assert str(got["days_since_sent"].dtype) == "Int64"
    assert all(str(got[c].dtype) == "int64" for c in ("sent", "answered", "accepted"))


def test_economies_without_queries_are_left_out_and_unlisted_ones_kept() -> None:
    table = states([("x1", "XXX", "error", "2026-03-30", "open", "")])
    got = query_status(table, ["AAA"], TODAY)
    assert got.values.tolist() == [["XXX", 1, 0, 0, 1, 1]]
    assert query_status(table.iloc[:0], ["AAA"], TODAY).empty
