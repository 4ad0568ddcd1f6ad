"""pipeline.vintage.as_of: the value known at a date, against a plain reading of the rule."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.observations import DIMENSION_NAMES, KEY, TOTAL
from pipeline.vintage import as_of, current, iso_date

DATES = ["", "2022-12-31", "2023-06-30", "2024-06-30", "2024-09-15"]
ROUNDS = ["", "2023", "2024"]

row = st.fixed_dictionaries(
    {
        "economy": st.sampled_from(["KEN", "FRA"]),
        "year": st.integers(2020, 2022),
        "indicator": st.sampled_from(["HH7", "i911"]),
        "sex": st.sampled_from([TOTAL, "F"]),
        "round": st.sampled_from(ROUNDS),
        "submitted": st.sampled_from(DATES),
        "value": st.floats(0, 100, allow_nan=False),
    }
)
frames = st.lists(row, max_size=40).map(
    lambda rows: pd.DataFrame(
        rows, columns=["economy", "year", "indicator", "sex", "round", "submitted", "value"]
    ).assign(**{name: TOTAL for name in DIMENSION_NAMES if name != "sex"})
)
query_dates = st.sampled_from([*DATES[1:], "2021-01-01", "2030-01-01"])


def by_hand(frame: pd.DataFrame, date: str) -> dict[tuple, float]:
    """The rule read literally: per key, the known row with the greatest (submitted, round, row)."""
    best: dict[tuple, tuple] = {}
    for position, record in enumerate(frame.to_dict("records")):
        if record["submitted"] > date:
            continue
        key = tuple(record[k] for k in KEY)
        rank = (record["submitted"], record["round"], position)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, record["value"])
    return {key: value for key, (_, value) in best.items()}


def as_dict(frame: pd.DataFrame) -> dict[tuple, float]:
    return {tuple(r[k] for k in KEY): r["value"] for r in frame.to_dict("records")}


@settings(max_examples=150, deadline=None)
@given(frames, query_dates)
def test_as_of_follows_the_rule(frame: pd.DataFrame, date: str) -> None:
    result = as_of(frame, date)
    assert not result.duplicated(list(KEY)).any()
    assert (result["submitted"] <= date).all()
    assert as_dict(result) == by_hand(frame, date)


@settings(max_examples=100, deadline=None)
@given(frames, query_dates, query_dates)
def test_known_keys_only_grow_with_the_date(frame: pd.DataFrame, one: str, two: str) -> None:
    early, late = sorted([one, two])
    assert set(as_dict(as_of(frame, early))) <= set(as_dict(as_of(frame, late)))


@settings(max_examples=100, deadline=None)
@given(frames, query_dates)
def test_as_of_is_idempotent_and_current_is_the_latest(frame: pd.DataFrame, date: str) -> None:
    once = as_of(frame, date)
    pd.testing.assert_frame_equal(as_of(once, date), once)
    assert as_dict(current(frame)) == by_hand(frame, "9999-12-31")


def test_sequence_breaks_ties_of_round_and_date() -> None:
    frame = pd.DataFrame(
        {
            "economy": "KEN",
            "year": 2023,
            "indicator": "HH7",
            "round": "2024",
            "submitted": "2024-06-30",
            "value": [40.0, 41.0],
            "sequence": [2, 1],
        }
    ).assign(**{name: TOTAL for name in DIMENSION_NAMES})
    assert as_of(frame, "2024-12-31")["value"].tolist() == [40.0]


def test_undated_values_are_known_from_the_start() -> None:
    frame = pd.DataFrame(
        {
            "economy": "KEN",
            "year": 2023,
            "indicator": "HH7",
            "round": ["", "2024"],
            "submitted": ["", "2024-06-30"],
            "value": [40.0, 41.0],
        }
    ).assign(**{name: TOTAL for name in DIMENSION_NAMES})
    assert as_of(frame, "2000-01-01")["value"].tolist() == [40.0]
    assert as_of(frame, "2024-06-30")["value"].tolist() == [41.0]


def test_dates_are_checked() -> None:
    assert iso_date(dt.date(2024, 6, 30)) == iso_date(" 2024-06-30") == "2024-06-30"
    with pytest.raises(ValueError):
        iso_date("30/06/2024")
