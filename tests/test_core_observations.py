"""The observation table's shared helpers: the total-row selector and the table builder
(pipeline/observations.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.observations import (
    NEUTRAL,
    OBSERVATION_COLUMNS,
    TOTAL,
    observation_table,
    total_flag,
    totals,
)

ROWS = [
    {"economy": "KEN", "year": 2023, "indicator": "i4213tfbb", "value": 10.0},
    {"economy": "KEN", "year": 2023, "indicator": "i4213tfbb", "value": 6.0, "speed": "IS_GE10M"},
    {"economy": "KEN", "year": 2023, "indicator": "HH7", "value": 40.0, "sex": "F"},
    {"economy": "KEN", "year": 2023, "indicator": "HH7", "value": 42.0, "sex": "F", "area": "U"},
]


def test_builder_fills_neutral_fields_and_validates() -> None:
    table = observation_table(ROWS, source_file="KEN.xlsx")
    assert tuple(table.columns) == OBSERVATION_COLUMNS
    assert (table["source_file"] == "KEN.xlsx").all()
    assert table.loc[0, "technology"] == TOTAL and not table["estimate"].any()
    assert table["year"].dtype == "int64"
    assert observation_table([]).empty


def test_builder_refuses_what_the_schema_refuses() -> None:
    with pytest.raises(Exception, match="economy"):
        observation_table([{"economy": "kenya", "year": 2023, "indicator": "HH7", "value": 1.0}])


def test_totals_keeps_only_rows_total_outside_the_kept_breakdowns() -> None:
    table = observation_table(ROWS)
    assert list(totals(table)["value"]) == [10.0]
    assert list(totals(table, keep=["speed"])["value"]) == [10.0, 6.0]
    assert list(totals(table, keep=("sex",))["value"]) == [10.0, 40.0]
    assert list(totals(table, keep={"sex", "area"})["value"]) == [10.0, 40.0, 42.0]


def test_totals_uses_precomputed_flags_when_present() -> None:
    table = observation_table(ROWS)
    flagged = table.assign(**{total_flag("sex"): [True, True, True, True]})
    assert list(totals(flagged)["value"]) == [10.0, 40.0]


def test_neutral_row_is_a_national_total() -> None:
    assert all(NEUTRAL[name] == TOTAL for name in ("sex", "age", "area", "speed", "skill"))
    assert isinstance(totals(pd.DataFrame(columns=list(OBSERVATION_COLUMNS))), pd.DataFrame)
