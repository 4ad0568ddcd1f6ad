"""Structural checks of the observation table with pandera: codes, units, breakdowns, years.

The observation schema (``pipeline/observations.py``) fixes column types and categories; this
module adds what only the indicator dictionary knows — each indicator's unit and which
breakdowns it allows — and turns every failure case into a ``VAL-STRUCTURE`` finding at the
cell it came from, validated lazily so all problems are reported at once.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from pipeline.dictionary import indicators
from pipeline.findings import coded_findings, empty_findings
from pipeline.observations import DIMENSION_NAMES, TOTAL

STAGE = "validate"


def _unit_matches(frame: pd.DataFrame) -> pd.Series:
    """The reported unit is the dictionary's unit for the indicator."""
    units = indicators()["unit"].reindex(frame["indicator"]).to_numpy(object)
    return pd.Series(frame["unit"].to_numpy(object) == units, index=frame.index)


def _breakdowns_allowed(frame: pd.DataFrame) -> pd.Series:
    """Every non-total breakdown is one the dictionary allows for the indicator."""
    allowed = indicators()["breakdowns"].reindex(frame["indicator"]).to_numpy(object)
    ok = np.ones(len(frame), dtype=bool)
    for name in DIMENSION_NAMES:
        permits = np.array([isinstance(a, tuple) and name in a for a in allowed], dtype=bool)
        ok &= (frame[name].to_numpy(object) == TOTAL) | permits
    return pd.Series(ok, index=frame.index)


def dictionary_schema() -> pa.DataFrameSchema:
    """Checks that need the indicator dictionary, as a named, serialisable pandera schema."""
    return pa.DataFrameSchema(
        {
            "indicator": pa.Column(str, pa.Check.isin(list(indicators().index))),
            "year": pa.Column("int64", pa.Check.le(dt.date.today().year)),
        },
        checks=[
            pa.Check(_unit_matches, name="unit_matches_dictionary"),
            pa.Check(_breakdowns_allowed, name="breakdown_allowed"),
        ],
    )


def structure_findings(observations: pd.DataFrame) -> pd.DataFrame:
    """``VAL-STRUCTURE`` findings for every failing row (empty when the table is sound)."""
    try:
        dictionary_schema().validate(observations, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return empty_findings()
    cases = cases[cases["index"].notna()].drop_duplicates(["index", "check"])
    rows = observations.loc[cases["index"].astype("int64").to_numpy()]
    on_column = (cases["schema_context"] == "Column").to_numpy()
    check = cases["check"].astype(str).to_numpy(dtype=object)
    column = cases["column"].astype(str).to_numpy(dtype=object)
    detail = np.where(on_column, column + ": " + check, check)
    frame = rows.assign(detail=detail, value=rows["value"].astype(str), expected="")
    return coded_findings(STAGE, "VAL-STRUCTURE", frame.reset_index(drop=True))
