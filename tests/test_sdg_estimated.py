"""Estimates of non-reporting members for the SDG aggregates (pipeline/sdg/estimated.py):
which series get them, for which years, and the columns handed to the aggregates."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest
from test_sdg_series import observation, observations

from pipeline.estimate import cascade
from pipeline.sdg.definitions import SdgMethodology, SeriesDefinition
from pipeline.sdg.estimated import ESTIMATED_SERIES_COLUMNS, estimated_series

ECONOMIES = pd.DataFrame({"economy": ["AFG", "ALB", "DZA"]})


def series(code: str, source: str, formula: str = "as_is") -> SeriesDefinition:
    return SeriesDefinition(
        code=code, indicator_sdg="17.8.1", name=code, source=source, formula=formula,
        unit="PT", weight="population", aggregation="weighted_mean",
    )  # fmt: skip


METHODOLOGY = SdgMethodology(
    series=(series("IT_USE_II99", "HH7"), series("IT_MOB_X", "i271", formula="per_100"))
)


def cascades(text: str) -> list[cascade.Cascade]:
    return cascade.parse(tomllib.loads(text), "test.toml")


#: HH7 interpolated linearly, for the aggregates only; i271 (a per-100 series' source, not
#: an as-is one) and HH6 (no series) also have a cascade.
CASCADES = cascades(
    '[[cascade]]\nindicators = ["HH7"]\nuse = ["aggregates"]\n'
    'steps = [{ method = "interpolate", form = "linear" }]\n'
    '[[cascade]]\nindicators = ["i271", "HH6"]\nuse = ["aggregates"]\n'
    'steps = [{ method = "interpolate", form = "linear" }]\n'
)


def reported() -> pd.DataFrame:
    return observations(
        observation("HH7", 20.0, economy="AFG", year=2018),
        observation("HH7", 40.0, economy="AFG", year=2022),
        observation("HH7", 70.0, economy="ALB", year=2019),
        observation("i271", 50.0, economy="AFG", year=2018),
        observation("i271", 90.0, economy="AFG", year=2022),
        observation("HH6", 10.0, economy="AFG", year=2018),
        observation("HH6", 30.0, economy="AFG", year=2022),
    )


def test_gaps_between_reports_of_an_as_is_series_are_estimated() -> None:
    got = estimated_series(reported(), None, ECONOMIES, METHODOLOGY, list(range(2018, 2023)),
                           CASCADES)  # fmt: skip
    assert tuple(got.columns) == ESTIMATED_SERIES_COLUMNS
    assert got.index.tolist() == list(range(len(got)))
    assert set(got["series"]) == {"IT_USE_II99"}, "per-100 series and no-series codes: none"
    rows = got.set_index(["economy", "year"]).sort_index()
    assert rows.index.tolist() == [("AFG", 2019), ("AFG", 2020), ("AFG", 2021)]
    assert rows["value"].tolist() == pytest.approx([25.0, 30.0, 35.0])
    assert set(rows["kind"]) == {"interpolated"}
    assert rows["method"].str.startswith("interpolate").all()


def test_only_the_years_asked_and_nothing_reported_after_the_last_of_them() -> None:
    got = estimated_series(reported(), None, ECONOMIES, METHODOLOGY, [2020, 2022], CASCADES)
    assert got[["economy", "year"]].values.tolist() == [["AFG", 2020]]
    # 2022 lies after the years asked: its report is not used, so no gap can be bridged
    got = estimated_series(reported(), None, ECONOMIES, METHODOLOGY, [2019, 2021], CASCADES)
    assert got.empty


def test_cascades_for_the_index_only_are_not_used() -> None:
    index_only = cascades(
        '[[cascade]]\nindicators = ["HH7"]\nuse = ["index"]\n'
        'steps = [{ method = "interpolate", form = "linear" }]\n'
    )
    got = estimated_series(reported(), None, ECONOMIES, METHODOLOGY, [2020, 2022], index_only)
    assert got.empty and tuple(got.columns) == ESTIMATED_SERIES_COLUMNS


def test_the_cascades_given_are_used_not_the_shipped_ones() -> None:
    carry = cascades(
        '[[cascade]]\nindicators = ["HH7"]\nuse = ["aggregates"]\n'
        'steps = [{ method = "carry_forward", max_years = 1 }]\n'
    )
    got = estimated_series(reported(), None, ECONOMIES, METHODOLOGY, [2020], carry)
    assert got[["economy", "year", "value"]].values.tolist() == [["ALB", 2020, 70.0]]
    assert got["kind"].tolist() == ["extrapolated"]


def test_no_cascade_no_year_or_no_data_give_an_empty_table() -> None:
    empty = estimated_series(reported(), None, ECONOMIES, METHODOLOGY, [], CASCADES)
    assert empty.empty and tuple(empty.columns) == ESTIMATED_SERIES_COLUMNS
    empty = estimated_series(reported(), None, ECONOMIES, METHODOLOGY, [2020], [])
    assert empty.empty and tuple(empty.columns) == ESTIMATED_SERIES_COLUMNS
    other = observations(observation("i911", 5.0, economy="AFG", year=2020))
    empty = estimated_series(other, None, ECONOMIES, METHODOLOGY, [2020], CASCADES)
    assert empty.empty and tuple(empty.columns) == ESTIMATED_SERIES_COLUMNS
