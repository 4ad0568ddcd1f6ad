"""Append one ingest to the store of record: new submissions only, in one transaction.

A submission is one returned file, identified by its SHA-256, so re-ingesting identical bytes
adds nothing, wherever the file now sits. Each run that brings at least one new submission
adds one vintage; nothing is ever deleted or updated. A new submission with the same economy,
questionnaire kind and round as an earlier one but other bytes is a corrected re-submission:
it records the earlier one in ``supersedes``, and both keep their values, so every revision
stays visible (first published value, each later one, and which file brought it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import __version__
from pipeline.observations import INGESTED_COLUMNS

SUBMISSION_COLUMNS = ["source_file", "round", "submitted", "submission", "sha256"]


@dataclass(frozen=True)
class Appended:
    """What one append added: the new vintage (None when nothing was new) and row counts."""

    vintage: int | None
    submissions: int
    observations: int
    superseded: int


def new_submissions(
    connection: duckdb.DuckDBPyConnection, submissions: pd.DataFrame, observations: pd.DataFrame
) -> pd.DataFrame:
    """The submissions the store does not hold yet, with economy and kind, in arrival order.

    A file's economy and kind are its observations' when they have one each, else '' (a long
    CSV may carry several economies; an unreadable file none).
    """
    connection.register("offered", submissions)
    known = connection.execute(
        "SELECT sha256 FROM submissions WHERE sha256 IN (SELECT sha256 FROM offered)"
    ).fetchall()
    connection.unregister("offered")
    fresh = submissions[~submissions["sha256"].isin({sha for (sha,) in known})]
    fresh = fresh.drop_duplicates("sha256")
    per_file = observations.groupby("source_file", sort=False)[["economy", "kind"]]
    counts, firsts = per_file.nunique(), per_file.first()
    described = firsts.where(counts.eq(1), "")
    fresh = fresh.join(described, on="source_file").fillna({"economy": "", "kind": ""})
    order = fresh["submitted"].replace("", "0001-01-01")
    arrival = fresh.assign(_order=order).sort_values(["_order", "round", "source_file"])
    return arrival.drop(columns="_order")


def superseded(connection: duckdb.DuckDBPyConnection, fresh: pd.DataFrame) -> pd.Series:
    """For each new submission, the latest earlier one of its economy, kind and round."""
    earlier = connection.execute(
        "SELECT submission, economy, kind, round, sequence FROM submissions"
    ).fetchdf()
    group = ["economy", "kind", "round"]
    both = pd.concat([earlier, fresh[[*group, "submission", "sequence"]]], ignore_index=True)
    both = both.sort_values("sequence", kind="stable")
    previous = both.groupby(group, sort=False)["submission"].shift()
    both["supersedes"] = previous.where(both["economy"].ne(""))
    return fresh["submission"].map(both.set_index("submission")["supersedes"])


def append(
    connection: duckdb.DuckDBPyConnection,
    observations: pd.DataFrame,
    submissions: pd.DataFrame,
    rounds: pd.DataFrame | None = None,
    raw_folder: Path | str = "",
) -> Appended:
    """Add the new submissions of one ingest (and their observations) as a new vintage."""
    fresh = new_submissions(connection, submissions[SUBMISSION_COLUMNS], observations)
    if fresh.empty:
        return Appended(None, 0, 0, 0)
    connection.execute("BEGIN TRANSACTION").fetchall()
    try:
        vintage = _next(connection, "vintage", "vintages")
        first = _next(connection, "sequence", "submissions")
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        fresh = fresh.assign(
            vintage=vintage, ingested_at=now, sequence=range(first, first + len(fresh))
        )
        fresh["supersedes"] = superseded(connection, fresh)
        added = _insert(connection, fresh, observations)
        _insert_rounds(connection, fresh, rounds, vintage)
        connection.execute(
            "INSERT INTO vintages VALUES (?, ?, ?, ?, ?, ?)",
            [vintage, now, str(raw_folder), len(fresh), added, __version__],
        ).fetchall()
        connection.execute("COMMIT").fetchall()
    except BaseException:
        connection.execute("ROLLBACK").fetchall()
        raise
    return Appended(int(vintage), len(fresh), added, int(fresh["supersedes"].notna().sum()))


def _next(connection: duckdb.DuckDBPyConnection, column: str, table: str) -> int:
    """One more than the largest ``column`` of ``table`` (1 in an empty store)."""
    return int(
        connection.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchall()[0][0]
    )


def _insert(
    connection: duckdb.DuckDBPyConnection, fresh: pd.DataFrame, observations: pd.DataFrame
) -> int:
    """Insert the new submissions and their observations; the number of observations added."""
    connection.register("fresh_submissions", fresh)
    connection.execute(
        """INSERT INTO submissions SELECT submission, sha256, source_file, economy, kind, round,
               CAST(nullif(submitted, '') AS DATE), vintage, ingested_at, sequence, supersedes
           FROM fresh_submissions"""
    ).fetchall()
    connection.register("incoming", observations[list(INGESTED_COLUMNS)])
    inserted = connection.execute(
        """INSERT INTO observations
           SELECT o.* EXCLUDE (submitted, submission, round), o.round,
                  CAST(nullif(o.submitted, '') AS DATE), o.submission, f.vintage, f.sequence
           FROM incoming o JOIN fresh_submissions f
             ON o.submission = f.submission AND o.source_file = f.source_file"""
    ).fetchall()[0][0]
    connection.unregister("incoming")
    connection.unregister("fresh_submissions")
    return int(inserted)


def _insert_rounds(
    connection: duckdb.DuckDBPyConnection,
    fresh: pd.DataFrame,
    rounds: pd.DataFrame | None,
    vintage: int,
) -> None:
    """Record rounds seen for the first time (declared ones with their name and closed date)."""
    declared = rounds if rounds is not None else pd.DataFrame(columns=["round", "name", "closed"])
    seen = pd.DataFrame({"round": fresh["round"].unique()})
    table = seen.merge(declared, on="round", how="left")
    table = table[table["round"].ne("")].fillna({"name": "", "closed": ""})
    table = table.assign(first_vintage=vintage)
    connection.register("seen_rounds", table[["round", "name", "closed", "first_vintage"]])
    connection.execute(
        """INSERT INTO rounds SELECT round, name, CAST(nullif(closed, '') AS DATE), first_vintage
           FROM seen_rounds WHERE round NOT IN (SELECT round FROM rounds)"""
    ).fetchall()
    connection.unregister("seen_rounds")
