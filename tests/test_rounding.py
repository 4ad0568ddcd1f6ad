"""Publication rounding: ties of the written decimal go away from zero, in every table."""

from __future__ import annotations

import sys
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from pipeline.publish.indicators import sdg_aggregates
from pipeline.rounding import round_half_up
from pipeline.sdg.definitions import load_methodology
from pipeline.sdg.sdmx import aggregate_rows

sys.path.insert(0, str(Path(__file__).parent / "data" / "publish"))
import synthetic


def test_x5_ties_round_up_although_stored_below_the_tie() -> None:
    """2.675, 1.005 and 0.285 are stored just below their tie (2.67499999999999982…); numpy
    and pandas round them down, a published table rounds them up."""
    values = np.array([2.675, 1.005, 0.285, 5000000.285, -2.675, 0.125])
    assert list(np.round(values, 2)) != [2.68, 1.01, 0.29, 5000000.29, -2.68, 0.13]
    assert list(round_half_up(values, 2)) == [2.68, 1.01, 0.29, 5000000.29, -2.68, 0.13]


def test_ties_at_one_and_zero_places_and_values_next_to_a_tie() -> None:
    assert list(round_half_up(np.array([0.25, 0.35, 97.45, -0.25, 87.25]), 1)) == [
        0.3,
        0.4,
        97.5,
        -0.3,
        87.3,
    ]
    assert list(round_half_up(np.array([0.5, 1.5, 2.5, -0.5, 2.4999, 2.5001]), 0)) == [
        1.0,
        2.0,
        3.0,
        -1.0,
        2.0,
        3.0,
    ]
    # 15 significant digits, one unit in the last below a tie: not a tie
    assert list(round_half_up(np.array([1.00499999999999, 2.67499999999999]), 2)) == [1.0, 2.67]


def test_large_whole_numbers_are_not_taken_for_ties() -> None:
    """Near 10**15 two units in the last place reach 0.5: 112589990685 at 4 places stays."""
    assert round_half_up(112589990685.0, 4) == 112589990685.0
    assert round_half_up(99999999999999.5, 0) == 100000000000000.0, "below 1e14: a tie"


def test_missing_and_zero_stay() -> None:
    out = round_half_up(pd.Series([np.nan, 0.0, -0.04]), 1)
    assert np.isnan(out[0]) and out[1] == 0.0 and out[2] == 0.0


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=0, max_value=4),
)
def test_agrees_with_decimal_rounding_of_the_written_value(digits, scale, decimals) -> None:
    """Any value written with up to 13 significant digits rounds as its decimal does."""
    written = Decimal(digits).scaleb(-scale)
    expected = float(written.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    assert round_half_up(float(written), decimals) == expected


def _aggregates(value: float, coverage: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": ["IT_USE_II99"],
            "group_type": ["world"],
            "group": ["World"],
            "m49": pd.array([1], dtype="Int64"),
            "year": [2023],
            **{d: ["_T"] for d in ("sex", "age", "area", "speed", "skill")},
            "value": [value],
            "coverage": [coverage],
            "n_economies": [150],
            "n_members": [230],
            "n_carried": [0],
            "published": [True],
            "method": ["population-weighted mean"],
        }
    )


def test_sdg_aggregate_table_rounds_ties_up() -> None:
    bundle = replace(synthetic.bundle(), sdg_aggregates=_aggregates(60.25, 0.8725))
    frame = sdg_aggregates(bundle, 2023).frame
    assert frame["Value"].tolist() == [60.3]
    assert frame["Coverage (%)"].tolist() == [87.3]


def test_sdmx_coverage_comment_rounds_ties_up() -> None:
    sdmx = load_methodology().sdmx
    units = pd.Series({"IT_USE_II99": "PT"})
    rows = aggregate_rows(_aggregates(60.0, 0.8725), units, sdmx, frozenset({"IT_USE_II99"}))
    assert rows["COMMENT_OBS"].tolist() == ["coverage 87.3%; 150 of 230 members with data"]
