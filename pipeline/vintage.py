"""Observations as known at a date: the one rule that turns many vintages into one value per key.

Economies revise earlier years in later collection rounds, and a return may be corrected
within a round, so the ingested table holds several values of one key (economy, year,
indicator, breakdowns), each with the date it became known (``submitted``, see
:mod:`pipeline.ingest.rounds`). An edition computed "as of" its cutoff uses, for every key, the
value known latest on or before that date — ITU computes each IDI edition from the data it held
at the edition's cutoff (ITU, *The ICT Development Index 2024*, methodology annex).

Rule (the same as the SQL of :mod:`pipeline.record.query`, and tested to agree with it):

1. keep rows with ``submitted <= date``; an undated row (``submitted == ""``) is known from the
   start, so a raw folder without rounds behaves as before;
2. per key keep the row of the latest ``submitted``; ties go to the later ``round``, then to the
   later submission: the ``sequence`` column when the table has one (the store's ingestion
   order), else the later row.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipeline.observations import KEY

#: A date after every real one: "as of now".
LATEST = "9999-12-31"


def iso_date(date: str | dt.date) -> str:
    """``date`` as ``YYYY-MM-DD`` (raises ValueError on anything else)."""
    if isinstance(date, dt.datetime):
        return date.date().isoformat()
    if isinstance(date, dt.date):
        return date.isoformat()
    return dt.date.fromisoformat(str(date).strip()).isoformat()


def tie_order(observations: pd.DataFrame) -> list[str]:
    """Columns that order the vintages of one key, earliest first."""
    return ["submitted", "round", *(["sequence"] if "sequence" in observations else [])]


def as_of(observations: pd.DataFrame, date: str | dt.date) -> pd.DataFrame:
    """One row per key: the value known latest on or before ``date`` (rows in input order)."""
    known = observations[observations["submitted"] <= iso_date(date)]
    ordered = known.sort_values(tie_order(known), kind="stable")
    latest = ordered[~ordered.duplicated(list(KEY), keep="last")]
    return latest.sort_index().reset_index(drop=True)


def current(observations: pd.DataFrame) -> pd.DataFrame:
    """One row per key: the latest value of every key, whatever its date."""
    return as_of(observations, LATEST)


def known(observations: pd.DataFrame, date: str | dt.date | None = None) -> pd.DataFrame:
    """The observations as known on ``date`` (default: now), for the stages that read the
    ingested table: one row per key. A table without vintage columns (an older processed
    folder, a hand-made table) is returned as it is."""
    if "submitted" not in observations:
        return observations
    return as_of(observations, LATEST if date is None else date)


def submission_dates(observations: pd.DataFrame) -> dict[str, str]:
    """Source file → the date its values became known (the latest ``submitted`` of its rows),
    for dating the findings that name a file; empty for a table without vintage columns."""
    if "submitted" not in observations or "source_file" not in observations:
        return {}
    dated = observations[["source_file", "submitted"]].astype(str)
    return dated.groupby("source_file")["submitted"].max().to_dict()
