"""What every downstream stage reads instead of the raw observation table: the values that may
be published, and a record of those it left out and why.

Validate writes the status of each value (``processed/validate/status``, :mod:`pipeline.status`).
Index, uncertainty, SDG and publish read the observations through :func:`publishable`, so a
value withheld by an open error finding (and every indicator derived from it, since derivation
happens after the filter) reaches no score, series, aggregate, table or SDMX row. Each stage
writes the left-out values as ``withheld.{csv,parquet}`` in its output folder and says how many
in its closing note. Without a status table (validate not run) nothing is withheld.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import vintage
from pipeline.observations import KEY
from pipeline.status import load_policy
from pipeline.store import read_table, write_table

#: Statuses that keep a value out of published outputs.
LEFT_OUT = ("withheld", "superseded")
LEFT_OUT_COLUMNS = (
    "economy", "year", "indicator", "breakdown", "value", "status", "since", "rule_ids",
)  # fmt: skip


@dataclass(frozen=True)
class Publishable:
    """The observations a stage may use and the values it left out (status rows)."""

    observations: pd.DataFrame
    left_out: pd.DataFrame
    note: str

    def withheld(self) -> pd.DataFrame:
        """Values left out because of an open query (not merely superseded)."""
        return self.left_out[self.left_out["status"] == "withheld"]

    def queried_after(self, date: str) -> pd.DataFrame:
        """Withheld values that were known on ``date`` and queried only after it: the output
        as computed on that date used them (empty unless dated by :func:`publishable`)."""
        withheld = self.withheld()
        if "known_then" not in withheld:
            return withheld.iloc[:0]
        since = withheld["since"].fillna("").astype(str)
        return withheld[withheld["known_then"].astype(bool) & since.gt(date)]

    def summary(self, stage: str) -> str:
        """One closing line: how many values the stage left out, and why."""
        count = len(self.withheld())
        if not count:
            return f"{stage}: no value withheld"
        rules = sorted({r for ids in self.withheld()["rule_ids"] for r in ids.split(", ") if r})
        return f"{stage}: {count} value(s) {self.note} left out ({', '.join(rules)})"


def _status(processed: Path) -> pd.DataFrame | None:
    folder = Path(processed) / "validate"
    if not any((folder / f"status.{ext}").exists() for ext in ("parquet", "csv")):
        return None
    return read_table(folder, "status")


def _in(frame: pd.DataFrame, other: pd.DataFrame) -> np.ndarray:
    """Whether each row of ``frame`` has its observation key in ``other``. The value is part
    of the match when both tables carry it: a withheld value is the flawed figure of one
    submission, not every vintage of its key (an earlier round's figure for the same key stays
    usable for an edition computed as of that round)."""
    on = [*KEY, "value"] if "value" in frame and "value" in other else list(KEY)
    keys = other[on].drop_duplicates().assign(_in=True)
    return frame.merge(keys, on=on, how="left")["_in"].notna().to_numpy()


def drop_left_out(frame: pd.DataFrame, left_out: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (any table with the observation key) without the left-out keys."""
    if left_out.empty or frame.empty:
        return frame
    return frame[~_in(frame, left_out)]


def filter_observations(observations: pd.DataFrame, status: pd.DataFrame | None) -> Publishable:
    """Observations without withheld and superseded values, given a status table."""
    note = load_policy().note
    if status is None or status.empty:
        return Publishable(observations, pd.DataFrame(columns=[*LEFT_OUT_COLUMNS]), note)
    left_out = status[status["status"].isin(LEFT_OUT)]
    left_out = left_out.astype({"year": "int64"})
    return Publishable(drop_left_out(observations, left_out), left_out, note)


def publishable(processed: Path, as_of: str | dt.date | None = None) -> Publishable:
    """The observations of ``processed/ingest`` that may be published (see module doc), one
    row per key as known on ``as_of`` (default: now; an index edition passes its cutoff)."""
    observations = read_table(Path(processed) / "ingest", "observations")
    usable = filter_observations(observations, _status(processed))
    usable = replace(usable, observations=vintage.known(usable.observations, as_of))
    if as_of is None or usable.left_out.empty or "submitted" not in observations:
        return usable
    return replace(usable, left_out=_dated(usable.left_out, observations, as_of))


def _dated(left_out: pd.DataFrame, observations: pd.DataFrame, as_of: str | dt.date):
    """``left_out`` with ``known_then``: whether the value was in a submission by ``as_of``.
    A value known then whose query came later (``since`` after ``as_of``) was in the output
    as computed on that date — an IDI edition as ITU computed it at its cutoff — so the
    edition's own table says why ours differs."""
    then = observations[observations["submitted"].astype(str) <= vintage.iso_date(as_of)]
    return left_out.assign(known_then=_in(left_out, then))


def write_left_out(publishable: Publishable, folder: Path) -> None:
    """``withheld.{csv,parquet}`` in a stage's output folder: what it did not use, and why
    (with ``known_then`` for a stage computed as of a date)."""
    withheld = publishable.withheld()
    dated = ["known_then"] if "known_then" in withheld else []
    table = withheld.reindex(columns=[*LEFT_OUT_COLUMNS, *dated])
    write_table(table.assign(reason=publishable.note), Path(folder), "withheld")
